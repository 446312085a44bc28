"""Source scans in the store: derive the ``CALLS`` edges after an ingest, read a project's scans.

Read, decide in pure functions (:mod:`planner.reachability.calls`), write. Every ingest that
changed something re-derives the edges of the whole graph: a file may move to another project
when a manifest appears, and a package attribution changes with what a project resolves.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from planner import purl as purls
from planner.reachability import scan_codec
from planner.reachability.attribution import package_modules
from planner.reachability.calls import Attributor, Place, call_rows, owner_of
from planner.reachability.records import SourceFileScan
from planner.reachability.usage import SymbolUsage, usage_from_calls
from planner.store.base import Store

#: keys per query when reading scans and writing rows
CHUNK = 500


@dataclass(frozen=True, slots=True)
class CallsReport:
    """What a derivation wrote."""

    files: int
    assigned: int
    edges: int
    symbols: int

    def as_dict(self) -> dict[str, int]:
        """JSON form (in the ingest report's ``calls``)."""
        return {"files": self.files, "assigned": self.assigned, "edges": self.edges, "symbols": self.symbols}


def delete_calls(store: Store) -> None:
    """Forget every ``CALLS`` edge and the symbols left without one."""
    store.write("delete_calls")


def derive_calls(store: Store, run: str) -> CallsReport:
    """Give each scanned file to its project, then write the ``CALLS`` edges of every project.

    Memory stays bounded by a batch of projects: the files' places and package declarations are
    read first (no scan text), then the scans of :data:`CHUNK` files' projects at a time."""
    files = store.query("list_source_scans")
    if not files:
        return CallsReport(0, 0, 0, 0)
    rows = store.query("list_project_places")
    places = [Place(r["key"], r["repo"], r.get("path") or ".", r.get("ecosystem")) for r in rows]
    purl_of = {r["key"]: _versionless(r.get("purl")) for r in rows}
    by_repo: dict[str, list[Place]] = {}
    for p in places:
        by_repo.setdefault(p.repo, []).append(p)
    owners = {
        f["key"]: owner_of(f["repo"], f["path"], f.get("language") or "", by_repo.get(f["repo"], [])) for f in files
    }
    assigned = [{"key": k, "project": v} for k, v in sorted(owners.items())]
    for i in range(0, len(assigned), CHUNK):
        store.write("set_source_projects", {"rows": assigned[i : i + CHUNK]})
    internal: dict[str, str] = {}
    for f in sorted(files, key=lambda f: (purl_of.get(owners[f["key"]] or "") or "", f["key"])):
        artifact = purl_of.get(owners[f["key"]] or "")
        if artifact and f.get("namespace") and f.get("language") in ("java", "kotlin"):
            internal.setdefault(f["namespace"], artifact)
    by_project: dict[str, list[str]] = {}
    for key, project in owners.items():
        if project is not None:
            by_project.setdefault(project, []).append(key)
    keys = sorted(by_project)
    resolved: dict[str, list[str]] = {}
    for i in range(0, len(keys), CHUNK):
        for r in store.query("list_project_packages", {"keys": keys[i : i + CHUNK]}):
            resolved.setdefault(r["project"], []).extend(r.get("packages") or [])
    organisation = tuple(sorted({p for ps in resolved.values() for p in ps if p.startswith("pkg:maven/")}))
    attributor = Attributor(resolved, internal, organisation)
    edges, symbols = 0, set()
    batch: list[str] = []
    for n, project in enumerate(keys):
        batch.append(project)
        if sum(len(by_project[p]) for p in batch) >= CHUNK or n == len(keys) - 1:
            scans: dict[str, list[SourceFileScan]] = {}
            for key, scan in _scans(store, [k for p in batch for k in by_project[p]]):
                scans.setdefault(owners[key] or "", []).append(scan)
            out = call_rows(scans, attributor)
            params = [e.as_param() for e in out]
            for i in range(0, len(params), CHUNK):
                store.write("load_calls", {"rows": params[i : i + CHUNK], "run": run})
            edges += len(out)
            symbols.update(e.symbol_key for e in out)
            batch = []
    return CallsReport(len(files), sum(1 for v in owners.values() if v), edges, len(symbols))


def _versionless(purl: str | None) -> str | None:
    if not purl:
        return None
    try:
        return purls.parse(purl).package
    except ValueError:
        return None


def _scans(store: Store, keys: list[str]) -> Iterable[tuple[str, SourceFileScan]]:
    for i in range(0, len(keys), CHUNK):
        for r in store.query("get_source_scans", {"keys": keys[i : i + CHUNK]}):
            scan = scan_codec.decode(r["scan"], r["path"])
            if scan is not None:
                yield r["key"], scan


def any_scanned(store: Store) -> bool:
    """Whether any source file has a stored scan (none: there is no reachability to report)."""
    rows = store.query("count_scanned_files")
    return bool(rows and int(rows[0].get("files") or 0))


def project_scans(store: Store, keys: Iterable[str]) -> dict[str, list[SourceFileScan]]:
    """The stored scans of each project (a project without scanned files is absent)."""
    keys = sorted(set(keys))
    out: dict[str, list[SourceFileScan]] = {}
    for i in range(0, len(keys), CHUNK):
        for r in store.query("list_project_scans", {"keys": keys[i : i + CHUNK]}):
            scan = scan_codec.decode(r["scan"], r["path"])
            if scan is not None:
                out.setdefault(r["project"], []).append(scan)
    return out


def package_usage(
    store: Store,
    package: str,
    *,
    projects: Iterable[str] = (),
    repos: Iterable[str] = (),
    scopes: Iterable[str] = ("main",),
    returns: Iterable[tuple[str, str]] = (),
) -> list[SymbolUsage]:
    """The most used functions of ``package`` across the organisation, from the ``CALLS`` edges."""
    rows = store.query(
        "list_package_calls",
        {
            "package": package,
            "modules": package_modules(package),
            "projects": sorted(projects),
            "repos": sorted(repos),
            "scopes": sorted(scopes),
        },
    )
    return usage_from_calls(rows, returns=returns)
