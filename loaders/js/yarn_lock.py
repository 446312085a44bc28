"""Yarn lockfiles: v1 (Yarn's own syntax) and Berry (Yarn 2+, YAML with ``__metadata``).

Every locked package version is a ``Resolved`` of the lockfile's project (its directory's
package.json). yarn.lock does not say what is dev or direct, so the workspaces are the roots:

* v1: the package.json beside the lock and the workspace members it names (through the context);
  workspace packages are not in a v1 lock, so a dependency naming a member is a link;
* Berry: the ``name@workspace:<dir>`` entries (``0.0.0-use.local``) of the lock; their scope comes
  from each workspace's package.json (``devDependencies`` -> dev) when the context has it.

From the roots, each package gets its scope (runtime beats optional beats dev), its depth and the
chain that brings it in; without readable roots depth is unknown and scope ``unknown``. Workspace
entries, ``link:``/``portal:`` entries are ``ProjectDependency`` links, not registry packages.
``patch:`` entries (``optional!builtin<compat/fsevents>`` included) resolve to the patched package's
own name and version. Each package's dependencies become ``VersionDependency`` metadata.
"""

from __future__ import annotations

import posixpath
import re
from collections import deque
from typing import Any

from loaders.base import EMPTY_CONTEXT, Loader, SourceContext
from loaders.js._common import (
    SECTIONS,
    classify,
    is_own_file,
    join_dir,
    loosely_satisfies,
    make_project,
    npm_purl,
    package_key,
    read_json,
    split_locator,
    valid_name,
)
from loaders.js._workspace import find_workspace
from loaders.js._yarn_entries import YarnEntry, read_berry_entries, read_v1_entries
from loaders.walk import breadth_first
from planner.model import (
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

_SCOPE_RANK = {"runtime": 0, "optional": 1, "dev": 2, "unknown": 3}


class YarnLockLoader(Loader):
    """``yarn.lock`` (v1 and Berry)."""

    name = "yarn-lock"
    file_names = frozenset({"yarn.lock"})

    def matches(self, path: str) -> bool:
        """``yarn.lock`` outside ``node_modules``."""
        return is_own_file(path, "yarn.lock")

    def parse(self, text: str, source: Source, context: SourceContext = EMPTY_CONTEXT) -> ParseResult:
        """Read one yarn.lock; package.json files, ``.yarnrc.yml`` catalogs through ``context``."""
        result = ParseResult()
        warn = result.warnings
        berry = re.search(r"^__metadata:", text, re.M) is not None
        pkgs = read_berry_entries(text, source, warn) if berry else read_v1_entries(text, source, warn)
        directory = source.directory
        manifest_path = posixpath.join("" if directory == "." else directory, "package.json")
        manifest = read_json(context, source.repo, manifest_path)
        root_ws = next((p for p in pkgs if p.workspace == "."), None)
        name = manifest.get("name") if manifest else (root_ws.name if root_ws else None)
        version = manifest.get("version") if manifest else None
        private = bool(manifest and manifest.get("private") is True)
        project = make_project(source.repo, directory, source.path, name, version, private)
        result.records.append(project)
        if project.ecosystem == "npm" and not private:
            result.records.append(Publishes(project.key, npm_purl(str(name)).package))
        _Graph(pkgs, project.key, source, context, warn, berry, manifest).emit(result)
        return result


# -------------------------------------------------------------------------------------------- graph


class _Graph:
    """Roots, scopes, depths and records over the lock entries."""

    def __init__(
        self,
        pkgs: list[YarnEntry],
        project: str,
        source: Source,
        context: SourceContext,
        warn: list[ParseWarning],
        berry: bool,
        manifest: dict[str, Any] | None,
    ) -> None:
        self.pkgs = pkgs
        self.project = project
        self.source = source
        self.context = context
        self.warn = warn
        self.berry = berry
        self.manifest = manifest
        self.by_descriptor: dict[str, int] = {}
        self.by_name: dict[str, list[int]] = {}
        self.workspaces: dict[str, int] = {}  # name -> index of workspace entry
        for i, p in enumerate(pkgs):
            for d in p.descriptors:
                self.by_descriptor.setdefault(d, i)
                self.by_descriptor.setdefault(d.split("::", 1)[0], i)
            if p.workspace is not None:
                self.workspaces.setdefault(p.name, i)
            elif p.link is None:
                self.by_name.setdefault(p.name, []).append(i)
        self.resolutions: dict[tuple[str, str], str] = {}
        res = manifest.get("resolutions") if manifest else None
        if isinstance(res, dict):
            for sel, value in res.items():
                if isinstance(sel, str) and isinstance(value, str):
                    sel_name, sel_range = split_locator(sel.split("/", 1)[1] if sel.startswith("**/") else sel)
                    self.resolutions[(sel_name, sel_range)] = value
        self.catalogs: dict[str, dict[str, str]] = {}
        self.v1_members: dict[str, tuple[str, str | None, str | None]] = {}  # name -> (dir, name, version)
        ws = find_workspace(context, source.repo, source.directory)
        if ws is not None:
            self.catalogs = ws.catalogs
            if ws.root == source.directory and ws.covers:
                for d, m in ws.members.items():
                    if m.name:
                        self.v1_members.setdefault(m.name, (d, m.name, m.version))
        self.members = self._members()

    def _repo_dir(self, rel: str) -> str | None:
        return join_dir(self.source.directory, rel)

    def target(self, name: str, rng: str) -> int | None:
        """Index of the entry a dependency ``name`` with range ``rng`` is locked to."""
        for candidate in (f"{name}@{rng}", f"{name}@npm:{rng}"):
            if candidate in self.by_descriptor:
                return self.by_descriptor[candidate]
        override = self.resolutions.get((name, rng)) or self.resolutions.get((name, ""))
        if override is not None and f"{name}@{override}" in self.by_descriptor:
            return self.by_descriptor[f"{name}@{override}"]
        spec = classify(rng.removeprefix("npm:") if rng.startswith("npm:catalog:") else rng)
        if spec.kind == "catalog":
            real = self.catalogs.get(spec.value or "default", {}).get(name)
            if real is not None:
                for candidate in (f"{name}@{real}", f"{name}@npm:{real}"):
                    if candidate in self.by_descriptor:
                        return self.by_descriptor[candidate]
        if spec.kind == "workspace" and name in self.workspaces:
            return self.workspaces[name]
        same = self.by_name.get(name, [])
        return same[0] if len({self.pkgs[i].version for i in same}) == 1 else None

    def _workspace_manifest(self, ws_dir: str) -> dict[str, Any] | None:
        repo_dir = self._repo_dir(ws_dir)
        if repo_dir is None:
            return None
        return read_json(
            self.context, self.source.repo, posixpath.join("" if repo_dir == "." else repo_dir, "package.json")
        )

    def _roots(self) -> tuple[list[tuple[str, str, str, str]], set[ProjectDependency]]:
        """(root project key, dep name, range, scope) seeds, and workspace links."""
        seeds: list[tuple[str, str, str, str]] = []
        links: set[ProjectDependency] = set()
        if self.berry:
            for name, idx in sorted(self.workspaces.items()):
                ws = self.pkgs[idx]
                ws_dir = self._repo_dir(ws.workspace or ".")
                if ws_dir is None:
                    continue
                manifest = self._workspace_manifest(ws.workspace or ".")
                ws_key = self.project if ws.workspace == "." else package_key(self.source.repo, ws_dir, name)[0]
                if ws.workspace != ".":
                    links.add(self._link(self.project, ws_key, "workspace-member", "runtime", "workspaces", ws.line))
                for dep, (rng, optional) in sorted(ws.deps.items()):
                    scope = _manifest_scope(manifest, dep, optional)
                    seeds.append((ws_key, dep, rng, scope))
        elif self.manifest is not None:
            roots: list[tuple[str, dict[str, Any]]] = [(self.project, self.manifest)]
            for mname, (mdir, _, _) in sorted(self.v1_members.items()):
                data = read_json(self.context, self.source.repo, posixpath.join(mdir, "package.json")) or {}
                key = package_key(self.source.repo, mdir, mname)[0]
                roots.append((key, data))
                links.add(self._link(self.project, key, "workspace-member", "runtime", "workspaces", None))
            for key, data in roots:
                for section, (scope, _) in SECTIONS.items():
                    if section == "peerDependencies":
                        continue
                    deps = data.get(section)
                    if isinstance(deps, dict):
                        for dep, rng in sorted(deps.items()):
                            if isinstance(dep, str) and isinstance(rng, str):
                                seeds.append((key, dep, rng, scope))
        return seeds, links

    def _link(self, src: str, dst: str, spec: str, scope: str, raw: str | None, line: int | None) -> ProjectDependency:
        return ProjectDependency(src, dst, spec, scope, raw, Location(self.source.path, line))

    def _purl(self, idx: int) -> str | None:
        p = self.pkgs[idx]
        if not p.registry or not p.version or not valid_name(p.name):
            return None
        try:
            return npm_purl(p.name, p.version).key
        except ValueError:
            return None

    def emit(self, result: ParseResult) -> None:
        """All records, sorted."""
        seeds, links = self._roots()
        member_keys = {
            name: package_key(self.source.repo, self._repo_dir(self.pkgs[i].workspace or ".") or ".", name)[0]
            for name, i in self.workspaces.items()
        }
        for mname, (mdir, _, _) in self.v1_members.items():
            member_keys.setdefault(mname, package_key(self.source.repo, mdir, mname)[0])
        start_by_root, member_links, unresolved = self._direct(seeds, member_keys, links)
        result.extend(self._member_projects())
        result.extend(self._resolved(start_by_root, member_links))
        if unresolved and (bool(seeds) or bool(self.manifest)):
            self.warn.append(
                ParseWarning(
                    self.source.display,
                    None,
                    f"{len(unresolved)} direct dependency(ies) not found in the lock, e.g. {sorted(unresolved)[0]!r}",
                )
            )
        links |= self._link_protocol_links(member_keys)
        result.extend(sorted(links, key=lambda r: (r.project, r.target, r.spec or "", r.scope)))
        result.extend(self._version_edges())

    def _direct(
        self, seeds: list[tuple[str, str, str, str]], member_keys: dict[str, str], links: set[ProjectDependency]
    ) -> tuple[dict[str, list[tuple[int, str]]], dict[str, list[tuple[str, str]]], list[str]]:
        """Where each root's direct dependencies go: root -> (entry index, scope) of the packages it starts
        from, root -> (member, scope) of the workspace members it links to (each link also added to
        ``links``), and the ``name@range`` seeds found nowhere in the lock."""
        start_by_root: dict[str, list[tuple[int, str]]] = {}
        member_links: dict[str, list[tuple[str, str]]] = {}
        unresolved: list[str] = []
        for root_key, dep, rng, scope in seeds:
            idx = self.target(dep, rng)
            if (idx is not None and self.pkgs[idx].workspace is not None) or (
                idx is None and dep in self.v1_members and _links_member(rng, self.v1_members[dep][2])
            ):
                dst = member_keys.get(dep)
                if dst and dst != root_key:
                    links.add(self._link(root_key, dst, rng, scope, scope_raw(scope), None))
                    member_links.setdefault(root_key, []).append((dst, scope))
                continue
            if idx is None:
                if classify(rng).kind not in ("path",):
                    unresolved.append(f"{dep}@{rng}")
                continue
            if self.pkgs[idx].link is not None:
                continue
            start_by_root.setdefault(root_key, []).append((idx, scope))
        return start_by_root, member_links, unresolved

    def _resolved(
        self, start_by_root: dict[str, list[tuple[int, str]]], member_links: dict[str, list[tuple[str, str]]]
    ) -> list[Resolved]:
        """One Resolved per root project and version with its scope and shortest chain, the packages reached
        from no root on the lock's project, sorted; one warning for entries without a usable version."""
        resolved: dict[tuple[str, str], Resolved] = {}
        reached: set[str] = set()
        for root in sorted(set(start_by_root) | set(member_links)):
            starts = self._member_starts(root, start_by_root, member_links)
            scopes = self._scopes([(i, scope) for i, scope, _ in starts])
            for i, chain in self._chains([(i, prefix) for i, _, prefix in starts]).items():
                p = self._purl(i)
                if p is None:
                    continue
                reached.add(p)
                loc = Location(self.source.path, self.pkgs[i].line)
                _keep(resolved, Resolved(root, p, scopes.get(i, "unknown"), None, len(chain) or None, chain, loc))
        for i in range(len(self.pkgs)):  # reached from no workspace (or no readable roots): the lock's project
            p = self._purl(i)
            if p is not None and p not in reached:
                loc = Location(self.source.path, self.pkgs[i].line)
                _keep(resolved, Resolved(self.project, p, "unknown", None, None, (), loc))
        no_version = [
            self.pkgs[i].name for i in range(len(self.pkgs)) if self.pkgs[i].registry and self._purl(i) is None
        ]
        if no_version:
            self.warn.append(
                ParseWarning(
                    self.source.display,
                    None,
                    f"{len(no_version)} entry(ies) without a usable name and version skipped, e.g. {no_version[0]!r}",
                )
            )
        return [resolved[k] for k in sorted(resolved)]

    def _link_protocol_links(self, member_keys: dict[str, str]) -> set[ProjectDependency]:
        """Workspace -> project for each ``link:`` entry whose target directory has a package.json (links to
        nowhere, ``link:./nope``, remove a package and give nothing)."""
        links: set[ProjectDependency] = set()
        for p in self.pkgs:
            if p.link is None or p.locator_ws is None:
                continue
            ws_name = next((n for n, i in self.workspaces.items() if self.pkgs[i].workspace == p.locator_ws), None)
            src = self.project if p.locator_ws == "." else member_keys.get(ws_name or "")
            ws_dir = self._repo_dir(p.locator_ws)
            target_dir = join_dir(ws_dir, p.link) if ws_dir is not None else None
            data = (
                read_json(self.context, self.source.repo, posixpath.join(target_dir, "package.json"))
                if target_dir
                else None
            )
            if src and target_dir and data is not None:
                dst = package_key(self.source.repo, target_dir, data.get("name") or p.name)[0]
                links.add(self._link(src, dst, f"link:{p.link}", "runtime", "link", p.line))
        return links

    def _version_edges(self) -> list[VersionDependency]:
        """Each registry package's dependencies as VersionDependency (range as written, the version the
        lock picks), sorted."""
        edges: set[VersionDependency] = set()
        for i, p in enumerate(self.pkgs):
            parent = self._purl(i)
            if parent is None:
                continue
            for dep, (rng, optional) in p.deps.items():
                idx = self.target(dep, rng)
                got = self.pkgs[idx] if idx is not None else None
                real = got.name if got is not None and got.registry else dep
                try:
                    package = npm_purl(real).package
                except ValueError:
                    continue
                shown = rng[4:] if rng.startswith("npm:") and classify(rng[4:]).kind == "range" else rng
                version = got.version if got is not None and got.registry else None
                edges.add(VersionDependency(parent, package, shown, version, "optional" if optional else "runtime"))
        return sorted(edges, key=lambda e: (e.version, e.package, e.range or "", e.scope, e.resolved or ""))

    def _members(self) -> dict[str, tuple[str, str, dict[str, Any]]]:
        """Workspace members other than the lock's own directory: project key -> (directory, name, manifest)."""
        out: dict[str, tuple[str, str, dict[str, Any]]] = {}
        for name, i in self.workspaces.items():
            ws = self.pkgs[i].workspace or "."
            directory = self._repo_dir(ws)
            if ws != "." and directory is not None:
                out[package_key(self.source.repo, directory, name)[0]] = (
                    directory,
                    name,
                    self._workspace_manifest(ws) or {},
                )
        for mname, (mdir, _, _) in self.v1_members.items():
            data = read_json(self.context, self.source.repo, posixpath.join(mdir, "package.json")) or {}
            out.setdefault(package_key(self.source.repo, mdir, mname)[0], (mdir, mname, data))
        return out

    def _member_projects(self) -> list[Project]:
        """The members' Project records (as their package.json gives them): each resolves its own tree."""
        out = []
        for key, (directory, name, data) in sorted(self.members.items()):
            if key == self.project:
                continue
            path = posixpath.join("" if directory == "." else directory, "package.json")
            out.append(
                make_project(self.source.repo, directory, path, name, data.get("version"), data.get("private") is True)
            )
        return out

    def _member_starts(
        self, root: str, start_by_root: dict[str, list[tuple[int, str]]], member_links: dict[str, list[tuple[str, str]]]
    ) -> list[tuple[int, str, tuple[str, ...]]]:
        """Where one workspace's resolution starts: its own dependencies, and those of the members it links
        to (their dependencies, not their devDependencies, as an installed copy would have), with the
        member hops as the chain's prefix and the link's scope carried down."""
        starts = [(i, scope, ()) for i, scope in start_by_root.get(root, [])]
        seen = {root}
        queue: deque[tuple[str, str | None, tuple[str, ...]]] = deque([(root, None, ())])
        while queue:
            key, scope, prefix = queue.popleft()
            for dst, link_scope in sorted(member_links.get(key, [])):
                if dst in seen or (scope is not None and link_scope == "dev"):
                    continue
                seen.add(dst)
                carried = _worst(scope or link_scope, link_scope)
                hop = self._member_purl(dst)
                chain = (*prefix, hop) if hop else prefix
                starts += [(i, _worst(carried, s), chain) for i, s in start_by_root.get(dst, []) if s != "dev"]
                queue.append((dst, carried, chain))
        return starts

    def _member_purl(self, key: str) -> str | None:
        member = self.members.get(key)
        version = member[2].get("version") if member else None
        if not member or not isinstance(version, str) or not valid_name(member[1]):
            return None
        try:
            return npm_purl(member[1], version).key
        except ValueError:
            return None

    def _base(self, idx: int) -> int | None:
        """The entry a ``patch:`` entry patches (by descriptor, else by name and version)."""
        base = self.pkgs[idx].base
        if base is None:
            return None
        if base in self.by_descriptor:
            return self.by_descriptor[base]
        name, _ = split_locator(base)
        version = self.pkgs[idx].version
        return next((i for i in self.by_name.get(name, []) if self.pkgs[i].version == version and i != idx), None)

    def _edges(self, idx: int) -> list[tuple[int, bool]]:
        out: list[tuple[int, bool]] = []
        base = self._base(idx)
        if base is not None:
            out.append((base, False))
        for dep, (rng, optional) in sorted(self.pkgs[idx].deps.items()):
            t = self.target(dep, rng)
            if t is not None and self.pkgs[t].registry:
                out.append((t, optional))
        return out

    def _scopes(self, start: list[tuple[int, str]]) -> dict[int, str]:
        """Best scope per entry: the minimum over paths of the worst scope along the path."""
        labels: dict[int, str] = {}
        for scope, rank in sorted(_SCOPE_RANK.items(), key=lambda kv: kv[1]):
            with_optional = rank >= _SCOPE_RANK["optional"]
            reached = breadth_first(
                (i for i, s in start if _SCOPE_RANK.get(s, 3) <= rank),
                lambda i, with_optional=with_optional: (t for t, opt in self._edges(i) if with_optional or not opt),
            )
            for i, _ in reached:
                labels.setdefault(i, scope)
        return labels

    def _chains(self, start: list[tuple[int, tuple[str, ...]]]) -> dict[int, tuple[str, ...]]:
        """Shortest chain to each entry from ``start`` (entry index, chain prefix)."""
        ordered = sorted(start, key=lambda s: len(s[1]))
        prefixes: dict[int, tuple[str, ...]] = {}
        for i, prefix in ordered:
            prefixes.setdefault(i, prefix)
        chains: dict[int, tuple[str, ...]] = {}
        for i, parent in breadth_first((i for i, _ in ordered), lambda i: (t for t, _ in self._edges(i))):
            base = prefixes[i] if parent is None else chains[parent]
            p = self._purl(i)
            chains[i] = (*base, p) if p else base
        return chains


def _links_member(rng: str, version: str | None) -> bool:
    spec = classify(rng)
    return spec.kind == "workspace" or (spec.kind == "range" and loosely_satisfies(spec.value or "*", version))


def _manifest_scope(manifest: dict[str, Any] | None, dep: str, optional: bool) -> str:
    if manifest is None:
        return "optional" if optional else "unknown"
    for section in ("dependencies", "optionalDependencies", "devDependencies"):
        deps = manifest.get(section)
        if isinstance(deps, dict) and dep in deps:
            return SECTIONS[section][0]
    return "optional" if optional else "runtime"


def scope_raw(scope: str) -> str:
    """The package.json section a normalised scope comes from."""
    return {"runtime": "dependencies", "optional": "optionalDependencies", "dev": "devDependencies"}.get(scope, scope)


def _worst(a: str, b: str) -> str:
    return a if _SCOPE_RANK.get(a, 3) >= _SCOPE_RANK.get(b, 3) else b


def _keep(resolved: dict[tuple[str, str], Resolved], rec: Resolved) -> None:
    key = (rec.project, rec.version)
    prev = resolved.get(key)
    if prev is None or _better(rec, prev):
        resolved[key] = rec


def _better(new: Resolved, old: Resolved) -> bool:
    rank = {"runtime": 0, "optional": 1, "dev": 2}
    return (rank.get(new.scope, 9), new.depth or 10**9) < (rank.get(old.scope, 9), old.depth or 10**9)
