"""The graph part shared by Python lockfiles: depth, chain and DEPENDS_ON from locked entries.

A lockfile loader turns its format into :class:`Locked` entries plus the project's direct
dependencies; :func:`emit_locked` does the rest the same way for every format: the shortest chain
from a direct dependency gives ``depth`` and ``path``, every locked dependency edge becomes a
``VersionDependency``, and a package's scope is its own (when the format says) or else the strongest
scope of the direct dependencies that reach it.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from loaders._python_common import stronger_scope
from planner import purl as purls
from planner.model import Location, ParseResult, Resolved, Source, VersionDependency


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
    by_name: dict[str, list[int]] = {}
    for i, p in enumerate(packages):
        by_name.setdefault(p.name, []).append(i)

    def targets(name: str, version: str | None) -> list[int]:
        found = by_name.get(name, [])
        if version:
            exact = [i for i in found if packages[i].purl.version == version]
            return exact or found
        return found

    chains: dict[int, tuple[int, ...]] = {}
    reach: dict[int, str] = {}
    if direct is not None:
        queue: deque[int] = deque()
        for name, scope, version in sorted(direct, key=lambda d: (d[0], d[2] or "", d[1])):
            for i in targets(name, version):
                reach[i] = stronger_scope(reach[i], scope) if i in reach else scope
                if i not in chains:
                    chains[i] = (i,)
                    queue.append(i)
        while queue:
            i = queue.popleft()
            for edge in sorted(packages[i].deps, key=lambda e: (e.name, e.version or "")):
                for j in targets(edge.name, edge.version):
                    if j not in chains:
                        chains[j] = (*chains[i], j)
                        queue.append(j)
        # scopes propagate along every edge, not just along the shortest chains
        changed = True
        rounds = 0
        while changed and rounds < len(packages) + 2:
            changed = False
            rounds += 1
            for i, p in enumerate(packages):
                if i not in reach:
                    continue
                for edge in p.deps:
                    for j in targets(edge.name, edge.version):
                        new = stronger_scope(reach[j], reach[i]) if j in reach else reach[i]
                        if reach.get(j) != new:
                            reach[j] = new
                            changed = True

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
        )
        prev = resolved.get(rec.version)
        if prev is None or (rec.depth or 10**9, rec.scope) < (prev.depth or 10**9, prev.scope):
            resolved[rec.version] = rec
    result.extend(resolved[k] for k in sorted(resolved))

    edges: set[VersionDependency] = set()
    for p in packages:
        if not p.emit:
            continue
        for edge in p.deps:
            found = targets(edge.name, edge.version)
            picked = {packages[j].purl.version for j in found}
            package = purls.build("pypi", None, edge.name).package
            edges.add(
                VersionDependency(
                    version=p.purl.key,
                    package=package,
                    range=edge.range,
                    resolved=picked.pop() if len(picked) == 1 else None,
                    scope=edge.scope,
                )
            )
    result.extend(sorted(edges, key=lambda e: (e.version, e.package, e.range or "", e.resolved or "", e.scope)))
