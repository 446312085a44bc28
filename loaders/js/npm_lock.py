"""npm ``package-lock.json`` (lockfileVersion 1, 2, 3) and ``npm-shrinkwrap.json``.

The lockfile's directory is the project (same key as its package.json). Every installed
``node_modules/...`` entry is a ``Resolved`` version with the scope npm computed (``dev``,
``optional``, ``devOptional``, ``peer`` flags). Depth and chain come from the dependency graph:
each dependency name is resolved the way Node does, from the dependent's own ``node_modules`` up
through its ancestors, and folder entries (the root and workspace members) are the roots, so
what a workspace member requires is direct. ``link: true`` entries are workspace/path links:
``ProjectDependency`` (root -> member with spec ``workspace-member``, member -> member with the range
as written), never registry packages. Each registry package's ``dependencies`` become
``VersionDependency`` metadata with the version the resolution picks.

Version 1 (nested ``dependencies`` with ``requires``) is converted to the same flat layout; its
direct dependencies come from the package.json beside it (through the context) when readable.
"""

from __future__ import annotations

import contextlib
import posixpath
import re
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from loaders.base import EMPTY_CONTEXT, LineIndex, Loader, SourceContext, expect, load_json
from loaders.js._common import SECTIONS, classify, is_own_file, join_dir, make_project, npm_purl, package_key, read_json
from planner import hashes
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

KNOWN_VERSIONS = (1, 2, 3)
_KEY = re.compile(r'"((?:[^"\\]|\\.)*)"\s*:\s*\{')
_FLAG_SCOPES = (("devOptional", "dev"), ("dev", "dev"), ("optional", "optional"), ("peer", "peer"))
_EDGE_SCOPES = {"dependencies": "runtime", "optionalDependencies": "optional", "peerDependencies": "peer"}


@dataclass(slots=True)
class _Entry:
    location: str  # key in ``packages`` ("" = root)
    name: str | None
    version: str | None
    raw_scope: str | None
    deps: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (range, section)
    link: str | None = None  # link target location (None when it leaves the repository)
    is_link: bool = False
    line: int | None = None
    hashes: tuple[str, ...] = ()  # from ``integrity`` (planner.hashes normal form)

    @property
    def installed(self) -> bool:
        """A package under some ``node_modules`` (not a project folder)."""
        return _is_installed(self.location)


def _is_installed(location: str) -> bool:
    return location.startswith("node_modules/") or "/node_modules/" in location


def _name_from_location(location: str) -> str | None:
    i = location.rfind("node_modules/")
    return location[i + len("node_modules/") :] if i >= 0 else None


class NpmLockLoader(Loader):
    """``package-lock.json`` and ``npm-shrinkwrap.json``."""

    name = "npm-lock"
    file_names = frozenset({"package-lock.json", "npm-shrinkwrap.json"})

    def matches(self, path: str) -> bool:
        """``package-lock.json`` / ``npm-shrinkwrap.json`` outside ``node_modules`` (not ``.package-lock.json``)."""
        return is_own_file(path, "package-lock.json", "npm-shrinkwrap.json")

    def parse(self, text: str, source: Source, context: SourceContext = EMPTY_CONTEXT) -> ParseResult:
        """Read one npm lockfile (package.json beside it read through ``context`` when present)."""
        result = ParseResult()
        warn = result.warnings
        doc = load_json(text, source, warn)
        expect(isinstance(doc, dict), source, 1, "not an npm lockfile: top level is not an object")
        lines = LineIndex(text)
        version = doc.get("lockfileVersion")
        if version not in KNOWN_VERSIONS:
            expect(
                isinstance(doc.get("packages"), dict) or isinstance(doc.get("dependencies"), dict),
                source,
                1,
                "not an npm lockfile: neither packages nor dependencies",
            )
            warn.append(
                ParseWarning(
                    source.display,
                    lines.line_of('"lockfileVersion"') or 1,
                    f"unknown lockfileVersion {version!r}; read as 3",
                )
            )
        if isinstance(doc.get("packages"), dict):
            entries = _flat_entries(doc["packages"], text, lines, source, warn)
        else:
            entries = _v1_entries(doc, text, lines, source, context, warn)
        doc_name, doc_version = doc.get("name"), doc.get("version")
        del doc, lines  # the entries hold what the records need: free the parsed JSON before they are made

        root = entries.get("")
        directory = source.directory
        manifest = read_json(
            context, source.repo, posixpath.join("" if directory == "." else directory, "package.json")
        )
        name = (root.name if root else None) or doc_name
        ver = (root.version if root else None) or doc_version
        private = bool(manifest and manifest.get("private") is True)
        project = make_project(source.repo, directory, source.path, name, ver, private)
        result.records.append(project)
        if project.ecosystem == "npm" and not private and project.purl:
            result.records.append(Publishes(project.key, npm_purl(str(name)).package))
        result.extend(_member_projects(entries, source, context))
        _Graph(entries, project.key, source, warn).emit(result)
        return result


def _member_projects(entries: dict[str, _Entry], source: Source, context: SourceContext) -> list[Project]:
    """The Project records of the workspace members (folder entries other than the root), the same as
    their package.json gives when it is in the ingest: each resolves its own dependencies."""
    out = []
    for loc, e in sorted(entries.items()):
        if loc == "" or e.installed or e.is_link:
            continue
        directory = join_dir(source.directory, loc)
        if directory is None:
            continue
        path = posixpath.join("" if directory == "." else directory, "package.json")
        manifest = read_json(context, source.repo, path) or {}
        name = manifest.get("name") if isinstance(manifest.get("name"), str) else e.name
        version = manifest.get("version") if isinstance(manifest.get("version"), str) else e.version
        out.append(make_project(source.repo, directory, path, name, version, manifest.get("private") is True))
    return out


def _deps_of(entry: dict[str, Any], sections: tuple[str, ...]) -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    for section in sections:
        deps = entry.get(section)
        if isinstance(deps, dict):
            for dep, rng in deps.items():
                if isinstance(dep, str) and isinstance(rng, str):
                    out.setdefault(dep, (rng, section))
    return out


def _integrity(entry: dict[str, Any]) -> tuple[str, ...]:
    value = entry.get("integrity")
    return hashes.from_sri(value) if isinstance(value, str) else ()


def _raw_scope(entry: dict[str, Any]) -> str | None:
    for flag, _ in _FLAG_SCOPES:
        if entry.get(flag) is True:
            return flag
    return None


def _flat_entries(
    packages: dict[str, Any], text: str, lines: LineIndex, source: Source, warn: list[ParseWarning]
) -> dict[str, _Entry]:
    start = text.find('"packages"')
    key_lines: dict[str, int] = {}
    for m in _KEY.finditer(text, max(start, 0)):
        key_lines.setdefault(m.group(1), lines.line_of_offset(m.start()))
    out: dict[str, _Entry] = {}
    bad = 0
    for location, raw in packages.items():
        if not isinstance(raw, dict):
            bad += 1
            continue
        installed = _is_installed(location)
        sections = ("dependencies", "optionalDependencies", "peerDependencies")
        if not installed:  # a project folder: its devDependencies are installed too
            sections = (*sections, "devDependencies")
        name = raw.get("name") if isinstance(raw.get("name"), str) else None
        entry = _Entry(
            location=location,
            name=name or (_name_from_location(location) if installed else None),
            version=raw.get("version") if isinstance(raw.get("version"), str) else None,
            raw_scope=_raw_scope(raw),
            deps=_deps_of(raw, sections),
            line=key_lines.get(location),
            hashes=_integrity(raw),
        )
        if raw.get("link") is True:
            entry.is_link = True
            target = raw.get("resolved")
            entry.link = join_dir(".", target) if isinstance(target, str) else None
            if entry.link == ".":
                entry.link = ""
        out[location] = entry
    if bad:
        warn.append(
            ParseWarning(source.display, lines.line_of('"packages"'), f"{bad} packages entry(ies) are not objects")
        )
    return out


def _v1_entries(
    doc: dict[str, Any], text: str, lines: LineIndex, source: Source, context: SourceContext, warn: list[ParseWarning]
) -> dict[str, _Entry]:
    """Flatten lockfileVersion 1 nested ``dependencies`` into ``node_modules/a/node_modules/b`` entries."""
    out: dict[str, _Entry] = {}
    directory = source.directory
    manifest = read_json(context, source.repo, posixpath.join("" if directory == "." else directory, "package.json"))
    root_deps = _deps_of(manifest, tuple(SECTIONS)) if manifest else {}
    out[""] = _Entry("", doc.get("name") if isinstance(doc.get("name"), str) else None, None, None, root_deps)
    if manifest is None:
        out[""].deps = {}
    stack: list[tuple[str, Any, int]] = [("", doc.get("dependencies"), 0)]
    while stack:
        parent, deps, offset = stack.pop()
        if not isinstance(deps, dict):
            continue
        for name, raw in deps.items():
            if not isinstance(raw, dict) or not isinstance(name, str):
                continue
            location = f"{parent}/node_modules/{name}" if parent else f"node_modules/{name}"
            m = re.compile(re.escape(f'"{name}"') + r"\s*:\s*\{").search(text, offset)
            pos = m.start() if m else offset
            version = raw.get("version") if isinstance(raw.get("version"), str) else None
            real = name
            entry = _Entry(location, real, version, _raw_scope(raw), line=lines.line_of_offset(pos) if m else None)
            entry.hashes = _integrity(raw)
            requires = raw.get("requires")
            if isinstance(requires, dict):
                entry.deps = {d: (r, "dependencies") for d, r in requires.items() if isinstance(r, str)}
            if version and version.startswith("file:"):
                entry.is_link = True
                entry.link = join_dir(".", version[5:])
            elif version and version.startswith("npm:"):
                spec = classify(version)
                entry.name, entry.version = spec.name, spec.value
            out[location] = entry
            stack.append((location, raw.get("dependencies"), pos))
    return out


class _Graph:
    """Resolution, depth/chain and records over the flat entries."""

    def __init__(self, entries: dict[str, _Entry], project: str, source: Source, warn: list[ParseWarning]) -> None:
        self.entries = entries
        self.project = project
        self.source = source
        self.warn = warn
        self._purls: dict[str, str | None] = {}

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

    def purl(self, location: str) -> str | None:
        """The versioned purl of an installed entry, or None when it has no usable name/version."""
        if location not in self._purls:
            e = self.entries.get(location)
            p = None
            if e is not None and e.installed and not e.is_link and e.name and e.version:
                try:
                    p = npm_purl(e.name, e.version).key
                except ValueError:
                    p = None
            self._purls[location] = p
        return self._purls[location]

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
            start = [d for d, (_, section) in entries[folder].deps.items() if (section == "devDependencies") == dev]
            self._visit(folder, sorted(start), (), chains, seen, queue)
            while queue:
                loc, chain = queue.popleft()
                e = entries[loc]
                deps = sorted(d for d, (_, section) in e.deps.items() if e.installed or section != "devDependencies")
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
                hop = self._folder_purl(e)
                queue.append((target, (*chain, hop) if hop else chain))

    def _loc(self, e: _Entry) -> Location:
        return Location(self.source.path, e.line)

    def _folder_purl(self, e: _Entry) -> str | None:
        try:
            return npm_purl(e.name, e.version).key if e.name and e.version else None
        except ValueError:
            return None

    def emit(self, result: ParseResult) -> None:
        """Resolved, ProjectDependency and VersionDependency records, sorted."""
        folders = sorted(loc for loc, e in self.entries.items() if not e.installed and not e.is_link)
        result.extend(self._resolved(folders))
        links = self._member_links() | self._folder_links(folders)
        result.extend(sorted(links, key=lambda r: (r.project, r.target, r.spec or "", r.scope)))
        result.extend(self._version_edges())

    def _resolved(self, folders: list[str]) -> list[Resolved]:
        """One Resolved per project and installed version, sorted: each folder's closure with its chains,
        then the extraneous entries (reached from no folder) on the lockfile's project; one warning for
        the installed entries without a usable name and version."""
        entries = self.entries
        per_folder = {folder: self.closure(folder) for folder in folders}
        reached = {loc for chains, _ in per_folder.values() for loc in chains}
        resolved: dict[tuple[str, str], Resolved] = {}
        nameless: list[str] = []
        for loc in sorted(entries):
            e = entries[loc]
            if e.installed and not e.is_link and self.purl(loc) is None:
                nameless.append(loc)
        for folder, (chains, prod) in per_folder.items():
            project = self.project_of(folder)
            for loc, chain in chains.items():
                e, p = entries[loc], self.purl(loc)
                if p is None:
                    continue
                scope = dict(_FLAG_SCOPES).get(e.raw_scope or "", "runtime")
                scope = ("runtime" if scope == "dev" else scope) if loc in prod else "dev"
                _keep_better(
                    resolved,
                    Resolved(project, p, scope, e.raw_scope, len(chain) or None, chain, self._loc(e), e.hashes),
                )
        for loc in sorted(entries):  # installed but reached from no folder (extraneous): the lockfile's project
            e, p = entries[loc], self.purl(loc)
            if loc in reached or not e.installed or e.is_link or p is None:
                continue
            scope = dict(_FLAG_SCOPES).get(e.raw_scope or "", "runtime")
            _keep_better(resolved, Resolved(self.project, p, scope, e.raw_scope, None, (), self._loc(e), e.hashes))
        if nameless:
            self.warn.append(
                ParseWarning(
                    self.source.display,
                    entries[nameless[0]].line,
                    f"{len(nameless)} installed entry(ies) without a usable name and version skipped, "
                    f"e.g. {nameless[0]!r}",
                )
            )
        return [resolved[k] for k in sorted(resolved)]

    def _member_links(self) -> set[ProjectDependency]:
        """Root -> workspace member (spec ``workspace-member``) for each top-level ``link`` entry; a
        warning for a link that leaves the repository."""
        entries = self.entries
        links: set[ProjectDependency] = set()
        for loc in sorted(entries):
            e = entries[loc]
            if not e.is_link:
                continue
            target_entry = entries.get(e.link) if e.link is not None else None
            name = (target_entry.name if target_entry else None) or e.name
            repo_dir = join_dir(self.source.directory, e.link) if e.link is not None else None
            if repo_dir is None:
                self.warn.append(ParseWarning(self.source.display, e.line, f"link {loc!r} leaves the repository"))
                continue
            target = package_key(self.source.repo, repo_dir, name)[0]
            if loc.count("node_modules/") == 1 and loc.startswith("node_modules/") and target != self.project:
                location = Location(self.source.path, e.line)
                links.add(
                    ProjectDependency(self.project, target, "workspace-member", "runtime", "workspaces", location)
                )
        return links

    def _folder_links(self, folders: list[str]) -> set[ProjectDependency]:
        """Project folder -> workspace member for each dependency of a folder that resolves to a link,
        with the range and section as written."""
        entries = self.entries
        links: set[ProjectDependency] = set()
        for folder in folders:
            for dep, (rng, section) in sorted(entries[folder].deps.items()):
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

    def _version_edges(self) -> list[VersionDependency]:
        """Each installed package's dependencies as VersionDependency (range as written, the version the
        resolution picks), sorted."""
        entries = self.entries
        edges: set[VersionDependency] = set()
        for loc in sorted(entries):
            parent = self.purl(loc)
            if parent is None:
                continue
            for dep, (rng, section) in entries[loc].deps.items():
                target = self.follow(self.resolve(loc, dep))
                try:
                    package = npm_purl(dep).package
                except ValueError:
                    continue
                got = entries[target] if target is not None and target in entries else None
                real = got.name if got is not None and got.installed else None
                if real and real != dep:
                    with contextlib.suppress(ValueError):
                        package = npm_purl(real).package
                resolved_version = got.version if got is not None and got.installed and not got.is_link else None
                edges.add(
                    VersionDependency(parent, package, rng, resolved_version, _EDGE_SCOPES.get(section, "runtime"))
                )
        return sorted(edges, key=lambda e: (e.version, e.package, e.range or "", e.scope))


def _keep_better(resolved: dict[tuple[str, str], Resolved], rec: Resolved) -> None:
    key = (rec.project, rec.version)
    prev = resolved.get(key)
    if prev is None or _better(rec, prev):
        resolved[key] = rec


def _better(new: Resolved, old: Resolved) -> bool:
    rank = {"runtime": 0, "optional": 1, "peer": 2, "dev": 3}
    a = (rank.get(new.scope, 9), new.depth or 10**9)
    b = (rank.get(old.scope, 9), old.depth or 10**9)
    return a < b
