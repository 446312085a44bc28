"""From stored scans to the graph's call edges: which project a source file belongs to, which
package each called symbol belongs to, and one ``(:Project)-[:CALLS]->(:Symbol)`` row per project,
symbol and scope. Pure functions; :mod:`planner.reachability.stored` reads and writes the store.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from planner import purl as purls
from planner.reachability import attribution as attr
from planner.reachability.inherit import resolve_inherited
from planner.reachability.records import SourceFileScan

#: scanner language -> the purl type of the packages its imports name
LANGUAGE_ECOSYSTEM = {
    "java": "maven",
    "kotlin": "maven",
    "javascript": "npm",
    "typescript": "npm",
    "tsx": "npm",
    "python": "pypi",
    "go": "golang",
}


@dataclass(frozen=True, slots=True)
class Place:
    """Where a project lives: its key, repository, repo-relative directory and ecosystem."""

    key: str
    repo: str
    path: str
    ecosystem: str | None


def owner_of(repo: str, path: str, language: str, places: Sequence[Place]) -> str | None:
    """The project whose directory holds the file (the deepest one; in one directory, the one of the
    file's ecosystem first, then by key), or None when no project of the repository holds it."""
    directory = posixpath.dirname(path) or "."
    wanted = LANGUAGE_ECOSYSTEM.get(language)
    best: tuple[int, int, str] | None = None
    for p in places:
        if p.repo != repo:
            continue
        base = p.path.strip("/") or "."
        if base != "." and directory != base and not directory.startswith(base + "/"):
            continue
        depth = 0 if base == "." else base.count("/") + 1
        rank = (depth, int(p.ecosystem == wanted), p.key)
        if best is None or rank[:2] > best[:2] or (rank[:2] == best[:2] and rank[2] < best[2]):
            best = rank
    return best[2] if best else None


@dataclass(frozen=True, slots=True)
class Attributor:
    """Which package a call's module belongs to, from what the organisation knows.

    ``resolved`` maps a project to the packages (versionless purls) it resolves or declares;
    ``internal`` maps the Java/Kotlin packages the organisation's own projects declare to their
    artifacts (:func:`planner.reachability.attribution.declared_namespaces`).
    """

    resolved: Mapping[str, Sequence[str]]
    internal: Mapping[str, str]
    #: every Maven package some project resolves or declares (for a namespace the project's own
    #: dependencies fit only by a shared ``org.apache`` prefix: the library comes in transitively)
    organisation: tuple[str, ...] = ()

    def package(self, project: str, language: str, module: str) -> attr.Attribution | None:
        """The package of ``module`` as seen from ``project`` (None: the platform's own, or unknown)."""
        ecosystem = LANGUAGE_ECOSYSTEM.get(language)
        mine = self.resolved.get(project, ())
        if ecosystem == "npm":
            return attr.npm_package(module)
        if ecosystem == "golang":
            return attr.go_package(module, [_go_module(p) for p in mine if p.startswith("pkg:golang/")])
        if ecosystem == "pypi":
            names = [purls.parse(p).name for p in mine if p.startswith("pkg:pypi/")]
            return attr.python_distribution(module, names)
        if ecosystem == "maven":
            found = attr.jvm_artifact(module, self.internal, [p for p in mine if p.startswith("pkg:maven/")])
            if found is not None and found.attribution == "exact":
                return found
            wider = attr.jvm_artifact(module, None, self.organisation) if self.organisation else None
            if wider is not None and _shared(module, wider) > _shared(module, found):
                return wider
            return found
        return None


def _shared(namespace: str, found: attr.Attribution | None) -> int:
    """How many leading segments the namespace shares with the groupId of the best candidate."""
    if found is None:
        return -1
    purl = found.package or (found.candidates[0] if found.candidates else None)
    group = (purls.parse(purl).namespace or "").split(".") if purl else []
    ns = namespace.split(".")
    n = 0
    while n < min(len(ns), len(group)) and ns[n] == group[n]:
        n += 1
    return n


def _go_module(purl: str) -> str:
    p = purls.parse(purl)
    return f"{p.namespace}/{p.name}" if p.namespace else p.name


@dataclass(frozen=True, slots=True)
class CallRow:
    """One ``CALLS`` edge: a project's calls of one symbol in one scope."""

    project: str
    symbol_key: str
    symbol: str
    module: str
    package: str | None
    attribution: str | None
    candidates: tuple[str, ...]
    scope: str
    sites: tuple[str, ...]  # path:line:column, in file order
    arguments: tuple[str, ...]  # none | constant | data, one per site

    def as_param(self) -> dict[str, object]:
        """The row as ``load_calls.cypher`` reads it."""
        return {
            "project": self.project,
            "key": self.symbol_key,
            "symbol": self.symbol,
            "module": self.module,
            "package": self.package,
            "attribution": self.attribution,
            "candidates": list(self.candidates),
            "scope": self.scope,
            "count": len(self.sites),
            "sites": list(self.sites),
            "arguments": list(self.arguments),
        }


def symbol_key(package: str | None, ecosystem: str, symbol: str) -> str:
    """``package#symbol``; a symbol of no known package is keyed by its ecosystem (``pypi:?#x.y``)."""
    return f"{package or ecosystem + ':?'}#{symbol}"


def call_rows(projects: Mapping[str, Iterable[SourceFileScan]], attributor: Attributor) -> list[CallRow]:
    """The ``CALLS`` rows of every project, calls on inherited fields resolved within the project."""
    rows: list[CallRow] = []
    cache: dict[tuple[str, str, str], attr.Attribution | None] = {}
    for project in sorted(projects):
        usable = [f for f in projects[project] if f.usable]
        if any(f.open_calls for f in usable):
            usable = resolve_inherited(usable)
        grouped: dict[tuple[str, str, str, str], list[tuple[str, int, int, str]]] = {}
        for f in usable:
            for c in f.calls:
                grouped.setdefault((c.symbol, c.module, f.language, f.scope), []).append(
                    (f.path, c.line, c.column, c.arguments)
                )
        for (symbol, module, language, scope), sites in sorted(grouped.items()):
            ckey = (project, language, module)
            if ckey not in cache:
                cache[ckey] = attributor.package(project, language, module)
            found = cache[ckey]
            ecosystem = LANGUAGE_ECOSYSTEM.get(language, language)
            package = found.package if found else None
            sites.sort()
            rows.append(
                CallRow(
                    project, symbol_key(package, ecosystem, symbol), symbol, module, package,
                    found.attribution if found else None, found.candidates if found else (), scope,
                    tuple(f"{p}:{line}:{col}" for p, line, col, _ in sites), tuple(a for *_, a in sites),
                )
            )  # fmt: skip
    return rows
