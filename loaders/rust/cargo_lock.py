"""``Cargo.lock`` (format v1 with ``[root]``/``[metadata]`` checksums, v2, v3 and v4).

A Cargo.lock belongs to the workspace root: its records attach to the project of the
``Cargo.toml`` beside it (read through the context; without one, to the single path package no
other path package depends on, else to a ``pkg:generic`` directory project). Packages without a
``source`` are workspace members or other path crates: they are projects, not registry packages,
so they are not ``Resolved``; they are the roots of the graph.

The lock records each package's own dependencies, so each member whose Cargo.toml is in the ingest
resolves what it really uses: every package with a source (registry or git) reachable from its own
entry, through the path crates it depends on, at its shortest distance (1 = a direct dependency)
with that chain. The lock's own project gets what it resolves as a member (a root package), or,
for a virtual workspace, only what no known member resolves (everything when no member's manifest
is known). A git-sourced crate is keyed ``<version>+git.<commit>``: it stays distinct from the
registry crate of the same version. The lock does not tell normal from dev/build dependencies, so
scopes are ``unknown``. Each package's ``dependencies`` (``"name"``, ``"name version"``,
``"name version (source)"``) also become ``VersionDependency`` metadata.
"""

from __future__ import annotations

import posixpath
import re
from collections import deque
from dataclasses import dataclass
from typing import Any

from loaders.base import EMPTY_CONTEXT, Loader, SourceContext
from loaders.rust.cargo_toml import Manifest, find_workspace_root, load_toml, manifest_project, read_manifest
from planner import hashes
from planner import purl as purls
from planner.errors import ParseError
from planner.model import (
    Location,
    ParseResult,
    ParseWarning,
    Project,
    Record,
    Resolved,
    Source,
    VersionDependency,
    project_key,
)

KNOWN_VERSIONS = (1, 2, 3, 4)
_PACKAGE_HEADER = re.compile(r"^\s*\[\[\s*package\s*\]\]", re.MULTILINE)
_VERSION_LINE = re.compile(r"^version\s*=", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class _LockedCrate:
    index: int
    name: str
    version: str
    source: str | None
    deps: tuple[str, ...]
    line: int | None
    checksum: str | None = None  # sha256 of the .crate (``checksum``, or v1's ``[metadata]`` entry)


def _packages(data: dict[str, Any], text: str, source: Source, warn: list[ParseWarning]) -> list[_LockedCrate]:
    raw = data.get("package", [])
    if not isinstance(raw, list):
        raise ParseError(source.display, 1, "not a Cargo.lock: 'package' is not an array of tables")
    header_lines = [text.count("\n", 0, m.start()) + 1 for m in _PACKAGE_HEADER.finditer(text)]
    entries: list[tuple[Any, int | None]] = [
        (p, header_lines[i] if i < len(header_lines) else None) for i, p in enumerate(raw)
    ]
    if isinstance(data.get("root"), dict):  # format v1
        entries.append((data["root"], None))
    metadata = data.get("metadata")
    v1_checksums = metadata if isinstance(metadata, dict) else {}
    out: list[_LockedCrate] = []
    for entry, line in entries:
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("name"), str)
            or not isinstance(entry.get("version"), str)
        ):
            warn.append(ParseWarning(source.display, line, "package entry without a name and version skipped"))
            continue
        deps = entry.get("dependencies", [])
        deps = tuple(d for d in deps if isinstance(d, str)) if isinstance(deps, list) else ()
        src = entry.get("source") if isinstance(entry.get("source"), str) else None
        checksum = entry.get("checksum")
        if not isinstance(checksum, str) and src is not None:  # format v1: "checksum name version (source)" = "hex"
            checksum = v1_checksums.get(f"checksum {entry['name']} {entry['version']} ({src})")
        digest = hashes.from_hex("sha256", checksum) if isinstance(checksum, str) else None
        out.append(_LockedCrate(len(out), entry["name"], entry["version"], src, deps, line, digest))
    return out


def _resolve(dep: str, by_name: dict[str, list[_LockedCrate]]) -> _LockedCrate | None:
    """``name``, ``name version`` or ``name version (source)`` -> the package it names."""
    parts = dep.split(" ", 2)
    candidates = by_name.get(parts[0], [])
    if len(parts) >= 2:
        candidates = [p for p in candidates if p.version == parts[1]]
    if len(parts) == 3 and len(candidates) > 1:
        src = parts[2].strip("()")
        candidates = [p for p in candidates if p.source == src] or candidates
    return candidates[0] if len(candidates) == 1 else None


class CargoLockLoader(Loader):
    """``Cargo.lock`` lockfiles."""

    name = "cargo-lock"
    file_names = frozenset({"Cargo.lock"})

    def matches(self, path: str) -> bool:
        """Exactly ``Cargo.lock``."""
        return posixpath.basename(path) == "Cargo.lock"

    def parse(self, text: str, source: Source, context: SourceContext = EMPTY_CONTEXT) -> ParseResult:
        """Read one Cargo.lock; the owning project comes from the Cargo.toml beside it (via ``context``)."""
        result = ParseResult()
        warn = result.warnings
        data = load_toml(text, source)
        version = data.get("version")
        version_line = text.count("\n", 0, m.start()) + 1 if (m := _VERSION_LINE.search(text)) else 1
        if version is None:
            version = 1 if "metadata" in data or "root" in data else 2
        if not isinstance(version, int) or isinstance(version, bool):
            raise ParseError(source.display, version_line, f"not a Cargo.lock: version is {version!r}")
        if version not in KNOWN_VERSIONS:
            warn.append(ParseWarning(source.display, version_line, f"unknown Cargo.lock version {version}; read as 4"))
        if "package" not in data and "root" not in data:
            raise ParseError(source.display, 1, "not a Cargo.lock: no [[package]] entries")
        pkgs = _packages(data, text, source, warn)
        by_name: dict[str, list[_LockedCrate]] = {}
        for p in pkgs:
            by_name.setdefault(p.name, []).append(p)
        graph: dict[int, list[_LockedCrate]] = {}
        unresolved: list[str] = []
        for p in pkgs:
            targets = []
            for d in p.deps:
                t = _resolve(d, by_name)
                if t is None:
                    unresolved.append(d)
                else:
                    targets.append(t)
            graph[p.index] = targets
        if unresolved:
            warn.append(
                ParseWarning(
                    source.display,
                    None,
                    f"{len(unresolved)} dependency name(s) match no single package, e.g. {unresolved[0]!r}",
                )
            )
        project = self._project(pkgs, graph, source, context, warn)
        members = _member_projects(pkgs, source, context)
        records: list[Record] = [project, *dict.fromkeys(members.values())]
        attributed: set[int] = set()
        for index, member in sorted(members.items(), key=lambda m: m[1].key):
            reached = _member_resolved(member, pkgs[index], graph, source, warn)
            attributed |= set(reached)
            records.extend(reached.values())
        if project.key not in {m.key for m in members.values()}:
            records.extend(self._resolved(project, pkgs, graph, source, warn, skip=attributed))
        records.extend(self._metadata(pkgs, graph, warn, source))
        result.extend(dict.fromkeys(records))
        return result

    def _project(
        self,
        pkgs: list[_LockedCrate],
        graph: dict[int, list[_LockedCrate]],
        source: Source,
        context: SourceContext,
        warn: list[ParseWarning],
    ) -> Project:
        manifest = read_manifest(source.repo, source.directory, context)
        if manifest is not None and (
            isinstance(manifest.data.get("package"), dict) or isinstance(manifest.data.get("workspace"), dict)
        ):
            pkg = manifest.data.get("package") if isinstance(manifest.data.get("package"), dict) else {}
            root = find_workspace_root(source.repo, source.directory, pkg, manifest, context)
            manifest_source = Source(source.repo, manifest.path, manifest.path)
            try:
                return manifest_project(manifest_source, manifest.data, root)  # the same record as Cargo.toml's
            except ParseError:
                pass
        local = [p for p in pkgs if p.source is None]
        depended = {t.index for p in local for t in graph.get(p.index, ())}
        tops = [p for p in local if p.index not in depended]
        directory = source.directory
        own = None
        if len(tops) == 1:
            try:
                own = purls.build("cargo", None, tops[0].name, tops[0].version)
                what = f"the root package {tops[0].name}"
            except ValueError:  # a name or version no purl can hold: fall back to the directory
                own = None
        if own is None:
            name = posixpath.basename(directory) if directory != "." else source.repo
            own = purls.build("generic", None, name or "workspace")
            what = "its directory"
        warn.append(
            ParseWarning(
                source.display, None, f"no Cargo.toml beside this Cargo.lock in the ingest; the project is {what}"
            )
        )
        return Project(
            project_key(source.repo, directory, own.package),
            own.name,
            own.type,
            source.repo,
            directory,
            source.path,
            own.key,
            own.version,
            "unknown",
        )

    def _resolved(
        self,
        project: Project,
        pkgs: list[_LockedCrate],
        graph: dict[int, list[_LockedCrate]],
        source: Source,
        warn: list[ParseWarning],
        skip: frozenset[int] | set[int] = frozenset(),
    ) -> list[Record]:
        """What no member with a manifest in the ingest resolves, attributed to the lock's own project
        (everything, when no member's Cargo.toml is known)."""
        chains: dict[int, list[_LockedCrate]] = {}
        queue: deque[tuple[_LockedCrate, list[_LockedCrate]]] = deque()
        seen: set[int] = set()
        for p in pkgs:
            if p.source is None:
                seen.add(p.index)
                queue.append((p, []))
        while queue:
            p, chain = queue.popleft()
            for t in sorted(graph.get(p.index, ()), key=lambda x: (x.name, x.version)):
                if t.index in seen or t.source is None:
                    continue
                seen.add(t.index)
                chains[t.index] = [*chain, t]
                queue.append((t, chains[t.index]))
        out: list[Record] = []
        for p in pkgs:
            if p.source is None or p.index in skip:
                continue
            purl = _purl(p, source, warn)
            if purl is None:
                continue
            chain = chains.get(p.index)
            path = tuple(k for c in chain if (k := _key(c))) if chain else ()
            out.append(
                Resolved(
                    project.key,
                    purl,
                    "unknown",
                    None,
                    len(chain) if chain else None,
                    path,
                    Location(source.path, p.line),
                    (p.checksum,) if p.checksum else (),
                )
            )
        best: dict[str, Resolved] = {}
        for r in out:
            prev = best.get(r.version)
            if prev is None or (r.depth or 10**9) < (prev.depth or 10**9):
                best[r.version] = r
        return [best[k] for k in sorted(best)]

    def _metadata(
        self, pkgs: list[_LockedCrate], graph: dict[int, list[_LockedCrate]], warn: list[ParseWarning], source: Source
    ) -> list[Record]:
        edges: set[VersionDependency] = set()
        for p in pkgs:
            parent = _key(p)
            if parent is None:
                continue
            for t in graph.get(p.index, ()):
                try:
                    package = purls.build("cargo", None, t.name).package
                except ValueError:
                    continue
                edges.add(VersionDependency(parent, package, None, t.version, "unknown"))
        return sorted(edges, key=lambda e: (e.version, e.package, e.resolved or "", e.range or "", e.scope))


def _key(p: _LockedCrate) -> str | None:
    """The versioned purl of a locked package; a git checkout gets ``+git.<commit>`` build metadata,
    so it is not mistaken for (nor merged with) the registry crate of the same version."""
    version = p.version
    if p.source and p.source.startswith("git+"):
        commit = p.source.rsplit("#", 1)[1] if "#" in p.source else ""
        version = f"{version}+git.{commit[:12]}" if re.fullmatch(r"[0-9a-fA-F]{7,64}", commit) else f"{version}+git"
    try:
        return purls.build("cargo", None, p.name, version).key
    except ValueError:
        return None


def _member_projects(pkgs: list[_LockedCrate], source: Source, context: SourceContext) -> dict[int, Project]:
    """The path packages of the lock whose Cargo.toml is in the ingest (at or below the lock's
    directory), as the projects their manifests define: lock index -> project."""
    prefix = "" if source.directory == "." else source.directory + "/"
    local = {p.name: p for p in pkgs if p.source is None}
    found: dict[str, list[Manifest]] = {}
    for s in context.sources():
        if s.repo != source.repo or posixpath.basename(s.path) != "Cargo.toml" or not s.path.startswith(prefix):
            continue
        manifest = read_manifest(source.repo, posixpath.dirname(s.path) or ".", context)
        pkg = manifest.data.get("package") if manifest is not None else None
        if isinstance(pkg, dict) and pkg.get("name") in local:
            found.setdefault(pkg["name"], []).append(manifest)
    out: dict[int, Project] = {}
    for name, manifests in found.items():
        lock_pkg = local[name]
        projects = []
        for m in manifests:
            root = find_workspace_root(source.repo, m.directory, m.data["package"], m, context)
            try:
                projects.append(manifest_project(Source(source.repo, m.path, m.path), m.data, root))
            except ParseError:
                continue
        same = [p for p in projects if p.version == lock_pkg.version] or projects
        if len(same) == 1:
            out[lock_pkg.index] = same[0]
    return out


def _member_resolved(
    member: Project, start: _LockedCrate, graph: dict[int, list[_LockedCrate]], source: Source, warn: list[ParseWarning]
) -> dict[int, Resolved]:
    """What one member really resolves: the packages reachable from its own lock entry (through the
    path crates it uses), each at its shortest distance with that chain (lock index -> record)."""
    chains: dict[int, list[_LockedCrate]] = {start.index: []}
    queue: deque[_LockedCrate] = deque([start])
    while queue:
        p = queue.popleft()
        for t in sorted(graph.get(p.index, ()), key=lambda x: (x.name, x.version, x.source or "")):
            if t.index not in chains:
                chains[t.index] = [*chains[p.index], t]
                queue.append(t)
    out: dict[int, Resolved] = {}
    for index, chain in chains.items():
        target = chain[-1] if chain else start
        if target.source is None or (key := _purl(target, source, warn)) is None:
            continue
        path = tuple(k for c in chain if (k := _key(c)))
        hashes = (target.checksum,) if target.checksum else ()
        out[index] = Resolved(
            member.key, key, "unknown", None, len(chain), path, Location(source.path, target.line), hashes
        )
    return out


def _purl(p: _LockedCrate, source: Source, warn: list[ParseWarning]) -> str | None:
    key = _key(p)
    if key is None:
        w = ParseWarning(source.display, p.line, f"invalid crate {p.name!r} {p.version!r} skipped")
        if w not in warn:  # once, however many members reach it
            warn.append(w)
    return key
