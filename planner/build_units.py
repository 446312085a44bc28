"""Build units: projects that one build produces together, so that a fix is one edit, one build, one publish.

A Maven reactor (modules at ``${project.version}`` of each other), a Gradle multi-project build
(``project(':x')``), an npm/yarn/pnpm workspace (``workspace:``), a Cargo workspace or path
dependency, Go modules tied by a local ``replace``: their members are built from the same checkout
in one run, so a member never waits for a sibling's release. Two kinds of evidence put two projects in
one build unit:

* a ``USES_PROJECT`` link (a workspace, path or ``project()`` link: there is no release in between);
* a dependency, in the same repository, on the version the provider itself is at (what a reactor
  sibling at ``${project.version}`` or a managed sibling version resolves to);
* for JVM builds (purl type ``maven``: Maven and Gradle), the same version under the same topmost
  build file of the repository: modules of one reactor or multi-project build inherit the version
  from it, whether or not they depend on each other.

:func:`assign` names each project's unit and the unit's root directory (where the build runs);
:func:`condense` groups the planner's projects into units it fixes as one (same build, same edited
line, cycles between them). Pure functions: no store, no CLI.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx

#: purl types whose multi-module builds give every module the root's version (Maven reactors, Gradle builds)
REACTOR_ECOSYSTEMS = frozenset({"maven"})
#: build tools whose modules take a sibling's dependencies from the build itself and record no resolution of
#: their own: a module exposed only through a sibling changes nothing. Not Go (each module's go.mod lists its
#: whole build list and must be tidied), nor the JS and Cargo workspaces (their lockfile entries change).
CARRIED_TOOLS = frozenset({"maven", "gradle"})


@dataclass(frozen=True, slots=True)
class ProjectInfo:
    """What :func:`assign` needs to know about a project."""

    key: str
    repo: str | None
    path: str | None  # repo-relative directory
    ecosystem: str | None
    version: str | None  # the project's own version


@dataclass(frozen=True, slots=True)
class BuildUnit:
    """The build a project belongs to: ``key`` is shared by its members, ``root`` is where it runs."""

    key: str
    root: str | None


class _UnionFind:
    def __init__(self, items: Iterable[str]) -> None:
        self.parent = {x: x for x in items}

    def find(self, x: str) -> str:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def groups(self) -> list[tuple[str, ...]]:
        out: dict[str, list[str]] = {}
        for x in self.parent:
            out.setdefault(self.find(x), []).append(x)
        return sorted((tuple(sorted(g)) for g in out.values()), key=lambda g: g[0])


def directories_above(info: ProjectInfo) -> list[tuple[str, str]]:
    """``(repo, dir)`` of every directory strictly above the project's own (where a root build file may be)."""
    if not info.repo or info.path in (None, ".", ""):
        return []
    parts = info.path.strip("/").split("/")
    return [(info.repo, "/".join(parts[:i]) or ".") for i in range(len(parts))]


def built_together(link: Mapping[str, Any], consumer: ProjectInfo | None, provider: ProjectInfo | None) -> bool:
    """Whether a consumer → provider link is inside one build (see the module docstring)."""
    if consumer is None or provider is None or not consumer.repo or consumer.repo != provider.repo:
        return False
    if link.get("via") == "project":
        return True
    spec = link.get("spec")
    return bool(spec and provider.version and str(spec).strip() == provider.version)


def assign(
    links: Iterable[Mapping[str, Any]],
    projects: Mapping[str, ProjectInfo],
    repo_projects: Iterable[ProjectInfo] = (),
) -> dict[str, BuildUnit]:
    """Each project's build unit: the key of its first member and its root directory.

    ``links`` are consumer → provider links (keys ``consumer``, ``provider``, ``via``, ``spec``);
    ``repo_projects`` are the projects that may be a root (those in directories above the members, see
    :func:`directories_above`, and the members themselves): the root is the topmost directory holding a
    project of the same ecosystem above or at every member (a reactor's aggregator POM, a workspace
    root), else the members' common directory."""
    uf = _UnionFind(projects)
    for link in links:
        c, p = link.get("consumer"), link.get("provider")
        if c in projects and p in projects and built_together(link, projects[c], projects[p]):
            uf.union(c, p)
    homes: dict[tuple[str | None, str | None], list[str]] = {}
    for info in repo_projects:
        if info.path is not None:
            homes.setdefault((info.repo, info.ecosystem), []).append(info.path)
    # the root of one project alone, by (repo, ecosystem, path): asked for every project, then again for
    # every unit of one member
    alone: dict[tuple[str | None, str | None, str | None], str | None] = {}

    def root_of(members: list[ProjectInfo]) -> str | None:
        first = members[0]
        candidates = homes.get((first.repo, first.ecosystem), [])
        if len(members) > 1:
            return _root(members, candidates)
        place = (first.repo, first.ecosystem, first.path)
        if place not in alone:
            alone[place] = _root(members, candidates)
        return alone[place]

    reactors: dict[tuple[str, str, str], list[str]] = {}
    for key, info in projects.items():
        top = root_of([info])
        if info.ecosystem in REACTOR_ECOSYSTEMS and info.repo and info.version and top is not None:
            reactors.setdefault((info.repo, info.version, top), []).append(key)
    for members in reactors.values():
        for key in members[1:]:
            uf.union(members[0], key)
    out: dict[str, BuildUnit] = {}
    for group in uf.groups():
        members = [projects[k] for k in group]
        root = root_of(members)
        for k in group:
            out[k] = BuildUnit(group[0], root)
    return out


def _is_within(path: str, root: str) -> bool:
    return root == "." or path == root or path.startswith(root.rstrip("/") + "/")


def _root(members: list[ProjectInfo], candidates: list[str]) -> str | None:
    paths = [m.path for m in members if m.path is not None]
    if not paths:
        return None
    above = [c for c in candidates if all(_is_within(p, c) for p in paths)]
    if above:
        return min(above, key=lambda c: (0 if c == "." else c.count("/") + 1, c))
    split = [[] if p in (".", "") else p.strip("/").split("/") for p in paths]
    common: list[str] = []
    for parts in zip(*split, strict=False):
        if any(x != parts[0] for x in parts):
            break
        common.append(parts[0])
    return "/".join(common) or "."


def condense(
    nodes: Iterable[str], edges: Iterable[tuple[str, str]], together: Iterable[Iterable[str]]
) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    """Units the planner fixes as one, and the cycles among them.

    Nodes that must be together (``together``: one build, one edited line) are merged first; then
    every cycle of the merged graph is merged too (its strongly connected components), so that the
    units form a DAG. Returns the units (sorted member keys, sorted by first member) and the cycles
    (the members of every merged component of more than one group)."""
    nodes = list(nodes)
    uf = _UnionFind(nodes)
    for group in together:
        items = [x for x in group if x in uf.parent]
        for x in items[1:]:
            uf.union(items[0], x)
    quotient = nx.DiGraph()
    quotient.add_nodes_from({uf.find(x) for x in nodes})
    edge_list = list(edges)
    for c, p in edge_list:
        a, b = uf.find(c), uf.find(p)
        if a != b:
            quotient.add_edge(a, b)
    merged: list[set[str]] = [comp for comp in nx.strongly_connected_components(quotient) if len(comp) > 1]
    for comp in merged:
        first, *rest = sorted(comp)
        for x in rest:
            uf.union(first, x)
    groups = uf.groups()
    cyclic = {uf.find(next(iter(comp))) for comp in merged}
    return groups, [g for g in groups if uf.find(g[0]) in cyclic]
