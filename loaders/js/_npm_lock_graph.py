"""Resolution, depth/chain and records over the entry table of an npm lockfile.

Each dependency name is resolved the way Node does, from the dependent's own ``node_modules`` up through
its ancestors; folder entries (the root and workspace members) are the roots of the walk. The workspace
links and the warnings are worked out at once (:meth:`LockGraph.links`, :meth:`LockGraph.warnings`); the
``Resolved`` and ``VersionDependency`` records, the bulk of a big lockfile, are made on demand and in
order by :meth:`LockGraph.resolved` and :meth:`LockGraph.version_edges`, so that a caller can load them
part by part without holding them all.
"""

from __future__ import annotations

import posixpath
from collections import deque
from collections.abc import Iterator
from itertools import groupby
from operator import itemgetter

from loaders.js._common import SECTIONS, join_dir, npm_purl_key, package_key
from loaders.js._npm_lock_entries import FLAG_SCOPES, UNSET, Entry, triples
from planner.model import Location, ParseWarning, ProjectDependency, Resolved, Source, VersionDependency

_EDGE_SCOPES = {"dependencies": "runtime", "optionalDependencies": "optional", "peerDependencies": "peer"}
_SCOPE_OF_FLAG = dict(FLAG_SCOPES)
_SCOPES = ("runtime", "optional", "peer", "dev")  # best first
_RANK = {scope: rank for rank, scope in enumerate(_SCOPES)}
_NO_DEPTH = 10**9  # ranks after every depth

#: one way a project reaches a version: (project, purl, scope rank, depth or _NO_DEPTH, closure, order, location)
_Way = tuple[str, str, int, int, int, int, str]


def entry_purl(e: Entry) -> str | None:
    """The versioned purl of an installed entry, or None when it has no usable name/version (worked out
    once per entry and kept on it: building purls is most of the time a big lockfile takes)."""
    if not e.installed or e.is_link or not e.name or not e.version:
        return None
    if e.purl == UNSET:
        e.purl = _versioned(e.name, e.version)
    return e.purl


def _versioned(name: str, version: str) -> str | None:
    try:
        return npm_purl_key(name, version)
    except ValueError:
        return None


class LockGraph:
    """The dependency graph of one lockfile's entries (see the module docstring)."""

    def __init__(self, entries: dict[str, Entry], project: str, source: Source) -> None:
        self.entries = entries
        self.project = project
        self.source = source
        self.folders = sorted(loc for loc, e in entries.items() if not e.installed and not e.is_link)
        self._packages: dict[str, str | None] = {}

    # -- purls (many edges share a package name: cached per name) --------------------------------------

    def versioned(self, name: str, version: str) -> str | None:
        """The versioned purl of ``name@version``, or None when the name is unusable."""
        return _versioned(name, version)

    def package(self, name: str) -> str | None:
        """The versionless purl of a package name, or None when the name is unusable (cached per name)."""
        if name not in self._packages:
            try:
                self._packages[name] = npm_purl_key(name)
            except ValueError:
                self._packages[name] = None
        return self._packages[name]

    def purl(self, location: str) -> str | None:
        """The versioned purl of an installed entry, or None when it has no usable name/version."""
        e = self.entries.get(location)
        return None if e is None else entry_purl(e)

    # -- resolution ------------------------------------------------------------------------------

    def resolve(self, location: str, name: str) -> str | None:
        """Where ``name`` required from ``location`` is found (Node's upward node_modules lookup)."""
        d = location
        for _ in range(1000):
            candidate = f"{d}/node_modules/{name}" if d else f"node_modules/{name}"
            if candidate in self.entries:
                return candidate
            if not d:
                return None
            i = d.rfind("node_modules/")
            d = d[:i].rstrip("/") if i >= 0 and (i == 0 or d[i - 1] == "/") else posixpath.dirname(d)
        return None

    def follow(self, location: str | None) -> str | None:
        """The entry a location really is (through ``link`` entries); None when it is not in the lockfile."""
        seen = 0
        while location is not None and location in self.entries and self.entries[location].is_link:
            location = self.entries[location].link
            seen += 1
            if seen > 50:
                return None
        return location if location in self.entries else None

    def project_of(self, location: str) -> str:
        """The project key of a folder entry (root = the lockfile's project)."""
        if location == "":
            return self.project
        e = self.entries.get(location)
        repo_dir = join_dir(self.source.directory, location) or location
        return package_key(self.source.repo, repo_dir, e.name if e else None)[0]

    def closure(self, folder: str) -> tuple[dict[str, tuple[str, ...]], set[str]]:
        """What one project folder installs: installed location -> shortest chain (versioned purls,
        through the workspace members it links to), and the locations reached without a dev
        dependency. A linked member contributes its runtime dependencies, not its devDependencies."""
        entries = self.entries
        chains: dict[str, tuple[str, ...]] = {}
        seen = {folder}
        prod: set[str] = set()
        for dev in (False, True):
            queue: deque[tuple[str, tuple[str, ...]]] = deque()
            start = [d for d, _, section in triples(entries[folder].deps) if (section == "devDependencies") == dev]
            self._visit(folder, sorted(start), (), chains, seen, queue)
            while queue:
                loc, chain = queue.popleft()
                e = entries[loc]
                deps = sorted(d for d, _, section in triples(e.deps) if e.installed or section != "devDependencies")
                self._visit(loc, deps, chain, chains, seen, queue)
            if not dev:
                prod = set(chains)
        return chains, prod

    def _visit(
        self,
        loc: str,
        deps: list[str],
        chain: tuple[str, ...],
        chains: dict[str, tuple[str, ...]],
        seen: set[str],
        queue: deque[tuple[str, tuple[str, ...]]],
    ) -> None:
        for dep in deps:
            target = self.follow(self.resolve(loc, dep))
            if target is None or target in seen:
                continue
            seen.add(target)
            e = self.entries[target]
            if e.installed:
                p = self.purl(target)
                chains[target] = (*chain, p) if p else chain
                queue.append((target, chains[target]))
            else:  # a linked workspace member: its own runtime dependencies are installed too
                hop = self.versioned(e.name, e.version) if e.name and e.version else None
                queue.append((target, (*chain, hop) if hop else chain))

    # -- what is known at once: warnings and workspace links ----------------------------------------

    def warnings(self) -> list[ParseWarning]:
        """One warning for the installed entries without a usable name and version."""
        nameless = [
            loc for loc, e in sorted(self.entries.items()) if e.installed and not e.is_link and self.purl(loc) is None
        ]
        if not nameless:
            return []
        return [
            ParseWarning(
                self.source.display,
                self.entries[nameless[0]].line,
                f"{len(nameless)} installed entry(ies) without a usable name and version skipped, e.g. {nameless[0]!r}",
            )
        ]

    def links(self, warn: list[ParseWarning]) -> list[ProjectDependency]:
        """The workspace links (root -> member, member -> member), sorted; a warning in ``warn`` for each
        link that leaves the repository."""
        links = self._member_links(warn) | self._folder_links()
        return sorted(links, key=lambda r: (r.project, r.target, r.spec or "", r.scope))

    def _member_links(self, warn: list[ParseWarning]) -> set[ProjectDependency]:
        """Root -> workspace member (spec ``workspace-member``) for each top-level ``link`` entry."""
        entries = self.entries
        links: set[ProjectDependency] = set()
        for loc in sorted(loc for loc, e in entries.items() if e.is_link):
            e = entries[loc]
            target_entry = entries.get(e.link) if e.link is not None else None
            name = (target_entry.name if target_entry else None) or e.name
            repo_dir = join_dir(self.source.directory, e.link) if e.link is not None else None
            if repo_dir is None:
                warn.append(ParseWarning(self.source.display, e.line, f"link {loc!r} leaves the repository"))
                continue
            target = package_key(self.source.repo, repo_dir, name)[0]
            if loc.count("node_modules/") == 1 and loc.startswith("node_modules/") and target != self.project:
                location = Location(self.source.path, e.line)
                links.add(
                    ProjectDependency(self.project, target, "workspace-member", "runtime", "workspaces", location)
                )
        return links

    def _folder_links(self) -> set[ProjectDependency]:
        """Project folder -> workspace member for each dependency of a folder that resolves to a link,
        with the range and section as written."""
        entries = self.entries
        links: set[ProjectDependency] = set()
        for folder in self.folders:
            for dep, rng, section in sorted(triples(entries[folder].deps)):
                loc = self.resolve(folder, dep)
                if loc is None or not entries[loc].is_link:
                    continue
                target_loc = self.follow(loc)
                if target_loc is None or entries.get(target_loc) is None or entries[target_loc].installed:
                    continue
                src, dst = self.project_of(folder), self.project_of(target_loc)
                if src != dst:
                    scope = SECTIONS.get(section, ("runtime", False))[0]
                    location = Location(self.source.path, entries[folder].line)
                    links.add(ProjectDependency(src, dst, rng, scope, section, location))
        return links

    # -- the records made on demand -------------------------------------------------------------------

    def resolved(self) -> Iterator[Resolved]:
        """One Resolved per project and installed version, sorted: each folder's closure with its chains,
        then the extraneous entries (reached from no folder) on the lockfile's project. Where one project
        reaches a version at several locations, the best way wins (lower scope rank, then shorter chain,
        then the first folder and the first reached)."""
        closures: list[dict[str, tuple[str, ...]]] = []
        ways: list[_Way] = []
        for i, folder in enumerate(self.folders):
            chains, prod = self.closure(folder)
            project = self.project_of(folder)
            for order, (loc, chain) in enumerate(chains.items()):
                p = self.purl(loc)
                if p is None:
                    continue
                scope = _SCOPE_OF_FLAG.get(self.entries[loc].raw_scope or "", "runtime")
                scope = ("runtime" if scope == "dev" else scope) if loc in prod else "dev"
                ways.append((project, p, _RANK[scope], len(chain) or _NO_DEPTH, i, order, loc))
            closures.append(chains)
            del prod
        extraneous = len(closures)
        for order, loc in enumerate(sorted(self.entries)):  # installed but reached from no folder
            p = self.purl(loc)
            if p is None or any(loc in chains for chains in closures):
                continue
            scope = _SCOPE_OF_FLAG.get(self.entries[loc].raw_scope or "", "runtime")
            ways.append((self.project, p, _RANK[scope], _NO_DEPTH, extraneous, order, loc))
        ways.sort()
        path = self.source.path
        for (project, purl), group in groupby(ways, key=itemgetter(0, 1)):
            _, _, rank, _, i, _, loc = next(group)
            chain = closures[i][loc] if i < extraneous else ()
            e = self.entries[loc]
            yield Resolved(
                project, purl, _SCOPES[rank], e.raw_scope, len(chain) or None, chain, Location(path, e.line), e.hashes
            )

    def version_edges(self) -> Iterator[VersionDependency]:
        """Each installed package's dependencies as VersionDependency (range as written, the version the
        resolution picks), sorted by dependent, dependency, range and scope."""
        parents = sorted((p, loc) for loc in self.entries if (p := self.purl(loc)) is not None)
        for parent, group in groupby(parents, key=itemgetter(0)):
            edges: set[VersionDependency] = set()
            for _, loc in group:
                edges.update(self._edges_of(parent, loc))
            yield from sorted(edges, key=lambda e: (e.package, e.range or "", e.scope, e.resolved or ""))

    def _edges_of(self, parent: str, loc: str) -> Iterator[VersionDependency]:
        entries = self.entries
        for dep, rng, section in triples(entries[loc].deps):
            package = self.package(dep)
            if package is None:
                continue
            target = self.follow(self.resolve(loc, dep))
            got = entries[target] if target is not None else None
            real = got.name if got is not None and got.installed else None
            if real and real != dep:
                package = self.package(real) or package
            resolved_version = got.version if got is not None and got.installed and not got.is_link else None
            yield VersionDependency(parent, package, rng, resolved_version, _EDGE_SCOPES.get(section, "runtime"))
