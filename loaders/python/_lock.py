"""The graph part shared by Python lockfiles: depth, chain and DEPENDS_ON from locked entries.

A lockfile loader turns its format into :class:`Locked` entries plus the project's direct
dependencies; :func:`emit_locked` does the rest the same way for every format: the shortest chain
from a direct dependency gives ``depth`` and ``path``, every locked dependency edge becomes a
``VersionDependency``, and a package's scope is its own (when the format says) or else the strongest
scope of the direct dependencies that reach it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from loaders.base import LineIndex, SourceContext, expect
from loaders.python._common import pypi, stronger_scope, table_lines
from loaders.python._project import make_project, project_in_dir
from planner import hashes
from planner import purl as purls
from planner.model import Location, ParseResult, ParseWarning, Project, Resolved, Source, VersionDependency


@dataclass(frozen=True, slots=True)
class Edge:
    """A locked dependency of a locked package."""

    name: str  # canonical
    range: str | None = None
    version: str | None = None  # when the lock says which version (uv, with several versions of a name)
    scope: str = "runtime"


@dataclass(slots=True)
class Locked:
    """One locked package version."""

    name: str  # canonical
    purl: purls.Purl  # versioned
    line: int | None
    scope: str | None = None  # None: derive from the direct dependencies that reach it
    raw_scope: str | None = None
    deps: list[Edge] = field(default_factory=list)
    emit: bool = True  # False for workspace members: graph nodes that are projects, not packages
    hashes: tuple[str, ...] = ()  # the sdist and wheel digests the lock lists (:func:`file_hashes`)


def file_hashes(item: Any) -> tuple[str, ...]:
    """The artifact digests of one locked package, ``alg:hex``: Poetry and PDM ``files = [{file, hash}]``,
    uv ``sdist = {hash}`` and ``wheels = [{hash}]`` (each ``sha256:<hex>``); sorted, duplicates dropped."""
    if not isinstance(item, dict):
        return ()
    entries = [item.get("sdist"), *(item.get("files") or ()), *(item.get("wheels") or ())]
    found = {
        h
        for e in entries
        if isinstance(e, dict) and isinstance(e.get("hash"), str) and (h := hashes.from_prefixed(e["hash"]))
    }
    return tuple(sorted(found))


def emit_locked(
    result: ParseResult,
    project: str,
    source: Source,
    packages: list[Locked],
    direct: list[tuple[str, str, str | None]] | None,
) -> None:
    """Append ``Resolved`` and ``VersionDependency`` records for ``packages``.

    ``direct`` lists the project's direct dependencies as ``(canonical name, scope, version)`` (version
    only when the lock names one); None when they are unknown, in which case depth and chain stay
    unknown.
    """
    index = _ByName(packages)
    chains: dict[int, tuple[int, ...]] = {}
    reach: dict[int, str] = {}
    if direct is not None:
        chains, reach = _shortest_chains(packages, index, direct)
        _propagate_scopes(packages, index, reach)
    result.extend(_resolved(project, source, packages, chains, reach))
    result.extend(_version_edges(packages, index))


class _ByName:
    """The locked entries of each name, and which of them a dependency on ``name`` (at ``version``) means."""

    def __init__(self, packages: list[Locked]) -> None:
        self.packages = packages
        self.by_name: dict[str, list[int]] = {}
        for i, p in enumerate(packages):
            self.by_name.setdefault(p.name, []).append(i)

    def targets(self, name: str, version: str | None) -> list[int]:
        """Indexes of the entries named ``name``: those at ``version`` when the lock names one and has
        it, else all of them."""
        found = self.by_name.get(name, [])
        if version:
            exact = [i for i in found if self.packages[i].purl.version == version]
            return exact or found
        return found


def _shortest_chains(
    packages: list[Locked], index: _ByName, direct: list[tuple[str, str, str | None]]
) -> tuple[dict[int, tuple[int, ...]], dict[int, str]]:
    """Breadth-first from the direct dependencies: entry -> shortest chain of entry indexes, and entry ->
    the strongest scope of the direct dependencies naming it."""
    chains: dict[int, tuple[int, ...]] = {}
    reach: dict[int, str] = {}
    queue: deque[int] = deque()
    for name, scope, version in sorted(direct, key=lambda d: (d[0], d[2] or "", d[1])):
        for i in index.targets(name, version):
            reach[i] = stronger_scope(reach[i], scope) if i in reach else scope
            if i not in chains:
                chains[i] = (i,)
                queue.append(i)
    while queue:
        i = queue.popleft()
        for edge in sorted(packages[i].deps, key=lambda e: (e.name, e.version or "")):
            for j in index.targets(edge.name, edge.version):
                if j not in chains:
                    chains[j] = (*chains[i], j)
                    queue.append(j)
    return chains, reach


def _propagate_scopes(packages: list[Locked], index: _ByName, reach: dict[int, str]) -> None:
    """Spread scopes along every dependency edge, not just along the shortest chains, until they settle."""
    changed = True
    rounds = 0
    while changed and rounds < len(packages) + 2:
        changed = False
        rounds += 1
        for i, p in enumerate(packages):
            if i not in reach:
                continue
            for edge in p.deps:
                for j in index.targets(edge.name, edge.version):
                    new = stronger_scope(reach[j], reach[i]) if j in reach else reach[i]
                    if reach.get(j) != new:
                        reach[j] = new
                        changed = True


def _resolved(
    project: str, source: Source, packages: list[Locked], chains: dict[int, tuple[int, ...]], reach: dict[int, str]
) -> list[Resolved]:
    """One Resolved per emitted version (the smallest depth, then scope, when a version repeats), sorted."""
    resolved: dict[str, Resolved] = {}
    for i, p in enumerate(packages):
        if not p.emit:
            continue
        chain = chains.get(i)
        scope = p.scope or reach.get(i) or "unknown"
        rec = Resolved(
            project=project,
            version=p.purl.key,
            scope=scope,
            raw_scope=p.raw_scope,
            depth=len(chain) if chain else None,
            path=tuple(packages[k].purl.key for k in chain if packages[k].emit) if chain else (),
            location=Location(source.path, p.line),
            hashes=p.hashes,
        )
        prev = resolved.get(rec.version)
        if prev is None or (rec.depth or 10**9, rec.scope) < (prev.depth or 10**9, prev.scope):
            resolved[rec.version] = rec
    return [resolved[k] for k in sorted(resolved)]


def _version_edges(packages: list[Locked], index: _ByName) -> list[VersionDependency]:
    """Every locked dependency edge of an emitted entry (resolved when it names one version), sorted."""
    edges: set[VersionDependency] = set()
    for p in packages:
        if not p.emit:
            continue
        for edge in p.deps:
            picked = {packages[j].purl.version for j in index.targets(edge.name, edge.version)}
            package = purls.build("pypi", None, edge.name).package
            resolved = picked.pop() if len(picked) == 1 else None
            edges.add(VersionDependency(p.purl.key, package, edge.range, resolved, edge.scope))
    return sorted(edges, key=lambda e: (e.version, e.package, e.range or "", e.resolved or "", e.scope))


def emit_package_tables(
    text: str,
    data: dict[str, Any],
    lines: LineIndex,
    source: Source,
    context: SourceContext,
    result: ParseResult,
    read_package: Callable[[Any, int, int | None, str], Locked | None],
) -> None:
    """The shared body of a ``[[package]]``-table lockfile (poetry.lock, pdm.lock): the project and its
    direct dependencies, each table read by ``read_package(item, index, line, project key)``, then
    :func:`emit_locked`."""
    items = data.get("package", [])
    expect(isinstance(items, list), source, lines.line_of("package"), "'package' is not an array of tables")
    project, direct = lock_project(context, source, bool(items), result.warnings)
    result.records.append(project)
    header_lines = table_lines(text, "package")
    packages: list[Locked] = []
    for index, item in enumerate(items):
        line = header_lines[index] if len(header_lines) == len(items) else None
        locked = read_package(item, index, line, project.key)
        if locked is not None:
            packages.append(locked)
    emit_locked(result, project.key, source, packages, direct)


def lock_project(
    context: SourceContext, source: Source, has_packages: bool, warn: list[ParseWarning]
) -> tuple[Project, list[tuple[str, str, str | None]] | None]:
    """The project a lockfile belongs to (its directory's) and, when its pyproject.toml is beside it,
    the direct dependencies ``(name, scope, version)``; None (with a warning) when they are unknown."""
    info = project_in_dir(context, source.repo, source.directory)
    project = make_project(source.repo, info, source.directory, source.path)
    if info is not None and info.manifest and info.manifest.endswith("pyproject.toml"):
        return project, [(name, scope, None) for name, scope in info.direct.items()]
    if has_packages:
        warn.append(
            ParseWarning(
                source.display, None, "no pyproject.toml beside the lock: direct dependencies and depth unknown"
            )
        )
    return project, None


def locked_identity(
    item: Any, index: int, line: int | None, source: Source, warn: list[ParseWarning]
) -> tuple[str, purls.Purl] | None:
    """Name and versioned purl of one ``[[package]]`` table, or None (with a warning) when unusable."""
    if not isinstance(item, dict):
        warn.append(ParseWarning(source.display, line, f"package #{index + 1} is not a table; skipped"))
        return None
    name, version = item.get("name"), item.get("version")
    if not isinstance(name, str) or not isinstance(version, str) or not version.strip():
        warn.append(ParseWarning(source.display, line, f"package #{index + 1} has no name or version; skipped"))
        return None
    try:
        return name, pypi(name, version)
    except ValueError as exc:
        warn.append(ParseWarning(source.display, line, str(exc)))
        return None
