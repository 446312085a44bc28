"""pnpm ``pnpm-lock.yaml`` (lockfileVersion 5.x, 6.x and 9.x).

Every importer (workspace package; ``.`` for a single project) is a project keyed by its directory
and its package.json name (read through the context). Its direct dependencies are ``Resolved`` at
depth 1 and everything they pull in through the lock's dependency graph (``snapshots`` in v9,
``packages`` before) at their depth, with the chain, scope (runtime beats optional beats dev)
and location. ``link:`` and ``file:`` directory dependencies are ``ProjectDependency`` links.
Locked packages no importer reaches are still ``Resolved`` for the root importer, with unknown depth.
``overrides`` become ``Constrains(mechanism="pnpm-override")`` (an ``npm:`` alias constrains the real
package; ``workspace:``/``link:`` values are kept as ``unresolved``). Package keys by version:

* 5.x ``/name/1.2.3_peer@1.0.0``, references ``1.2.3_peer@1.0.0`` or ``/real/1.0.0`` (alias);
* 6.x ``/name@1.2.3(peer@1.0.0)``, references ``1.2.3(peer@1.0.0)`` or ``/real@1.0.0``;
* 9.x ``name@1.2.3`` in ``packages`` and ``name@1.2.3(peer@1.0.0)`` in ``snapshots``,
  references ``1.2.3(...)`` or ``real@1.0.0(...)``.
"""

from __future__ import annotations

import posixpath
from collections import deque
from typing import Any

from loaders.base import EMPTY_CONTEXT, Loader, SourceContext, expect
from loaders.js._common import (
    classify,
    is_own_file,
    join_dir,
    make_project,
    npm_purl,
    package_key,
    parse_override_selector,
    read_json,
)
from loaders.js._pnpm_read import SECTIONS, Node, key_lines, read_importers, read_nodes
from loaders.js._yaml import load_yaml
from loaders.walk import breadth_first
from planner import purl as purls
from planner.model import (
    Constrains,
    Location,
    ParseResult,
    ParseWarning,
    Project,
    ProjectDependency,
    Publishes,
    Resolved,
    Source,
    VersionDependency,
)

_RANK = {"runtime": 0, "optional": 1, "dev": 2, "unknown": 3}


def _major(version: Any) -> int | None:
    try:
        return int(float(str(version)))
    except ValueError:
        return None


def _ref_id(dep: str, ref: str, major: int) -> str:
    """The packages/snapshots key a dependency reference points at."""
    if major >= 9:
        if not ref[:1].isdigit() and "@" in ref[1:] and not ref.startswith(("link:", "file:")):
            return ref  # alias: real@1.0.0(...)
        return f"{dep}@{ref}"
    if ref.startswith("/"):
        return ref
    if major >= 6:
        return f"/{dep}@{ref}"
    return f"/{dep}/{ref}"


class PnpmLockLoader(Loader):
    """``pnpm-lock.yaml``."""

    name = "pnpm-lock"
    file_names = frozenset({"pnpm-lock.yaml"})

    def matches(self, path: str) -> bool:
        """``pnpm-lock.yaml`` outside ``node_modules``."""
        return is_own_file(path, "pnpm-lock.yaml")

    def parse(self, text: str, source: Source, context: SourceContext = EMPTY_CONTEXT) -> ParseResult:
        """Read one pnpm lockfile; importers' package.json names through ``context``."""
        result = ParseResult()
        warn = result.warnings
        doc = load_yaml(text, source, warn)
        expect(isinstance(doc, dict), source, 1, "not a pnpm lockfile: top level is not a mapping")
        raw_version = doc.get("lockfileVersion")
        major = _major(raw_version)
        lines = key_lines(text)
        if major not in (5, 6, 7, 9):
            expect(
                any(k in doc for k in ("importers", "packages", "dependencies", "devDependencies")),
                source,
                1,
                "not a pnpm lockfile: no lockfileVersion, importers or packages",
            )
            warn.append(
                ParseWarning(
                    source.display,
                    lines.get(("", "lockfileVersion"), 1),
                    f"unknown lockfileVersion {raw_version!r}; read as 9.0",
                )
            )
            major = 9
        nodes = read_nodes(doc, major, lines)
        importers = read_importers(doc, major)
        _Emitter(result, source, context, nodes, importers, major, lines).run()
        _overrides(doc, result, source, lines)
        return result


class _Emitter:
    """Projects, Resolved, links and metadata of one lockfile."""

    def __init__(
        self,
        result: ParseResult,
        source: Source,
        context: SourceContext,
        nodes: dict[str, Node],
        importers: dict[str, dict[str, dict[str, tuple[str | None, str]]]],
        major: int,
        lines: dict[tuple[str, str], int],
    ) -> None:
        self.result = result
        self.source = source
        self.context = context
        self.nodes = nodes
        self.importers = importers
        self.major = major
        self.lines = lines
        self._purls: dict[str, str | None] = {}
        self._edges: dict[str, list[tuple[str, bool]]] = {}

    def purl(self, node_id: str) -> str | None:
        """The versioned purl of a registry node."""
        if node_id not in self._purls:
            node = self.nodes.get(node_id)
            p = None
            if node is not None and node.registry:
                try:
                    p = npm_purl(str(node.name), node.version).key
                except ValueError:
                    p = None
            self._purls[node_id] = p
        return self._purls[node_id]

    def edges(self, node_id: str) -> list[tuple[str, bool]]:
        """(target id, optional) of a node, targets known to the lock only."""
        if node_id not in self._edges:
            node = self.nodes.get(node_id)
            out: list[tuple[str, bool]] = []
            if node is not None:
                for dep, (ref, optional) in sorted(node.deps.items()):
                    target = _ref_id(dep, ref, self.major)
                    if target in self.nodes:
                        out.append((target, optional))
            self._edges[node_id] = out
        return self._edges[node_id]

    def project(self, directory: str) -> Project:
        """The Project of an importer directory (package.json through the context)."""
        repo_dir = join_dir(self.source.directory, directory) or directory
        manifest_path = posixpath.join("" if repo_dir == "." else repo_dir, "package.json")
        data = read_json(self.context, self.source.repo, manifest_path)
        manifest = manifest_path if data is not None or repo_dir != self.source.directory else self.source.path
        if repo_dir == self.source.directory:
            manifest = self.source.path
        data = data or {}
        return make_project(
            self.source.repo, repo_dir, manifest, data.get("name"), data.get("version"), data.get("private") is True
        )

    def run(self) -> None:
        """Emit everything, sorted."""
        records: list[Any] = []
        root = self.project(".")
        records.append(root)
        if root.ecosystem == "npm" and root.kind != "application" and root.purl:
            records.append(Publishes(root.key, purls.parse(root.purl).package))
        reached: set[str] = set()
        links: set[ProjectDependency] = set()
        resolved: dict[tuple[str, str], Resolved] = {}
        projects: dict[str, Project] = {}
        starts: dict[str, list[tuple[str, str]]] = {}  # importer -> (node, scope) of its own dependencies
        links_to: dict[str, list[tuple[str, str]]] = {}  # importer -> (importer it links to, scope)
        for directory in sorted(self.importers):
            proj = projects[directory] = root if directory == "." else self.project(directory)
            if proj is not root:
                records.append(proj)
            start = starts[directory] = []
            for section, scope in SECTIONS:
                for dep, (spec, ref) in sorted(self.importers[directory].get(section, {}).items()):
                    line = self.lines.get(("importers", directory))
                    if ref.startswith(("link:", "file:")):
                        target = self._local_target(directory, dep, ref)
                        if target is not None and target != proj.key:
                            links.add(
                                ProjectDependency(
                                    proj.key, target, spec or ref, scope, section, Location(self.source.path, line)
                                )
                            )
                            linked = _linked_importer(directory, ref)
                            if linked in self.importers:
                                links_to.setdefault(directory, []).append((linked, scope))
                        continue
                    node_id = _ref_id(dep, ref, self.major)
                    if node_id in self.nodes and self.nodes[node_id].registry:
                        start.append((node_id, scope))
        for directory in sorted(self.importers):
            proj = projects[directory]
            start = [(n, scope, ()) for n, scope in starts[directory]]
            start += _through_links(directory, starts, links_to, projects)
            for rec in self._walk(proj.key, start).values():
                reached.add(rec.version)
                key = (proj.key, rec.version)
                prev = resolved.get(key)
                if prev is None or _better(rec, prev):
                    resolved[key] = rec
        for node_id in sorted(self.nodes):
            p = self.purl(node_id)
            if p is None or p in reached:
                continue
            key = (root.key, p)
            if key not in resolved:
                resolved[key] = Resolved(
                    root.key, p, "unknown", None, None, (), Location(self.source.path, self.nodes[node_id].line)
                )
        records.extend(resolved[k] for k in sorted(resolved))
        records.extend(sorted(links, key=lambda r: (r.project, r.target, r.spec or "", r.scope)))
        records.extend(self._version_edges())
        self.result.extend(records)

    def _version_edges(self) -> list[VersionDependency]:
        """One edge per (package version, registry dependency), sorted."""
        edges: set[VersionDependency] = set()
        for node_id in self.nodes:
            parent = self.purl(node_id)
            if parent is None:
                continue
            for target, optional in self.edges(node_id):
                t = self.nodes[target]
                if not t.registry:
                    continue
                try:
                    package = npm_purl(str(t.name)).package
                except ValueError:
                    continue
                edges.add(VersionDependency(parent, package, None, t.version, "optional" if optional else "runtime"))
        return sorted(edges, key=lambda e: (e.version, e.package, e.resolved or "", e.scope, e.range or ""))

    def _local_target(self, importer: str, dep: str, ref: str) -> str | None:
        kind, _, path = ref.partition(":")
        base = importer if kind == "link" else "."
        rel = join_dir(base, path)
        repo_dir = join_dir(self.source.directory, rel) if rel is not None else None
        if repo_dir is None:
            return None
        data = read_json(
            self.context, self.source.repo, posixpath.join("" if repo_dir == "." else repo_dir, "package.json")
        )
        return package_key(self.source.repo, repo_dir, data.get("name") if data else dep)[0]

    def _walk(self, project: str, start: list[tuple[str, str, tuple[str, ...]]]) -> dict[str, Resolved]:
        """Resolved per node reachable from an importer's direct dependencies (node, scope, chain prefix)."""
        scopes: dict[str, str] = {}
        for scope, rank in sorted(_RANK.items(), key=lambda kv: kv[1]):
            with_optional = rank >= _RANK["optional"]
            reached = breadth_first(
                (n for n, s, _ in start if _RANK[s] <= rank),
                lambda n, with_optional=with_optional: (t for t, opt in self.edges(n) if with_optional or not opt),
            )
            for n, _ in reached:
                scopes.setdefault(n, scope)
        ordered = sorted(start, key=lambda x: len(x[2]))
        prefixes: dict[str, tuple[str, ...]] = {}
        for n, _, prefix in ordered:
            prefixes.setdefault(n, prefix)
        chains: dict[str, tuple[str, ...]] = {}
        for n, parent in breadth_first((n for n, _, _ in ordered), lambda n: (t for t, _ in self.edges(n))):
            base = prefixes[n] if parent is None else chains[parent]
            p = self.purl(n)
            chains[n] = (*base, p) if p else base
        out: dict[str, Resolved] = {}
        for n, chain in chains.items():
            p = self.purl(n)
            if p is None:
                continue
            out[n] = Resolved(
                project,
                p,
                scopes.get(n, "unknown"),
                None,
                len(chain) or None,
                chain,
                Location(self.source.path, self.nodes[n].line),
            )
        return out


def _linked_importer(importer: str, ref: str) -> str | None:
    """The importer directory a ``link:`` reference of ``importer`` points at (``file:`` copies are not linked)."""
    kind, _, path = ref.partition(":")
    return join_dir(importer, path) if kind == "link" else None


def _through_links(
    importer: str,
    starts: dict[str, list[tuple[str, str]]],
    links_to: dict[str, list[tuple[str, str]]],
    projects: dict[str, Project],
) -> list[tuple[str, str, tuple[str, ...]]]:
    """The dependencies an importer gets through the workspace importers it links to: theirs (not their
    devDependencies), transitively, with the link's scope carried down and each member as a chain hop."""
    out: list[tuple[str, str, tuple[str, ...]]] = []
    seen = {importer}
    queue: deque[tuple[str, str | None, tuple[str, ...]]] = deque([(importer, None, ())])
    while queue:
        current, scope, prefix = queue.popleft()
        for linked, link_scope in sorted(links_to.get(current, [])):
            if linked in seen or (scope is not None and link_scope == "dev"):
                continue
            seen.add(linked)
            carried = max(scope or link_scope, link_scope, key=lambda x: _RANK.get(x, 9))
            hop = projects[linked].purl
            chain = (*prefix, hop) if hop and "@" in hop else prefix
            out += [(n, max(carried, s, key=lambda x: _RANK.get(x, 9)), chain) for n, s in starts[linked] if s != "dev"]
            queue.append((linked, carried, chain))
    return out


def _better(new: Resolved, old: Resolved) -> bool:
    return (_RANK.get(new.scope, 9), new.depth or 10**9) < (_RANK.get(old.scope, 9), old.depth or 10**9)


def _overrides(doc: dict[str, Any], result: ParseResult, source: Source, lines: dict[tuple[str, str], int]) -> None:
    raw = doc.get("overrides")
    if not isinstance(raw, dict):
        return
    project = next(r for r in result.records if isinstance(r, Project))
    out: set[Constrains] = set()
    for selector, value in raw.items():
        line = lines.get(("overrides", str(selector)))
        parsed = parse_override_selector(str(selector))
        if parsed is None or not isinstance(value, (str, int, float)) or isinstance(value, bool):
            result.warnings.append(ParseWarning(source.display, line, f"override {selector!r} ignored"))
            continue
        name, narrowed = parsed.name, str(selector) if parsed.range or parsed.parent else None
        spec = classify(str(value))
        rng, unresolved = None, None
        if spec.kind == "range":
            rng = spec.value
        elif spec.kind == "alias":
            name, rng = spec.name or name, spec.value
        else:
            unresolved = spec.raw
        out.add(
            Constrains(
                project.key,
                npm_purl(name).package,
                rng,
                "pnpm-override",
                Location(source.path, line),
                None,
                unresolved,
                selector=narrowed,
            )
        )
    result.extend(sorted(out, key=lambda c: (c.package, c.range or "", c.unresolved or "")))
