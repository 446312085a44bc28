"""Source scans in the store: derive the ``CALLS`` edges after an ingest, read a project's scans.

Read, decide in pure functions (:mod:`planner.reachability.calls`), write. Every ingest that
changed something re-derives the edges of the whole graph: a file may move to another project
when a manifest appears, and a package attribution changes with what a project resolves.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from planner import purl as purls
from planner.reachability import scan_codec
from planner.reachability.attribution import package_modules
from planner.reachability.calls import Attributor, Place, call_rows, owner_of
from planner.reachability.records import SourceFileScan
from planner.reachability.usage import SymbolUsage, usage_from_calls
from planner.store.base import Store

#: keys per query when reading scans and writing rows
CHUNK = 500
#: scanned files per page when giving them to their projects
PAGE = 5_000


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

    Memory stays bounded however many files the organisation has: the files are read a page of
    :data:`PAGE` at a time (key, place and package declaration, no scan text) and given to their
    projects there and then; what is kept is per project and per declared package. The scans are
    then read by project, about :data:`CHUNK` files' worth at a time."""
    rows = store.query("list_project_places")
    by_repo: dict[str, list[Place]] = {}
    for r in rows:
        by_repo.setdefault(r["repo"], []).append(Place(r["key"], r["repo"], r.get("path") or ".", r.get("ecosystem")))
    purl_of = {r["key"]: _versionless(r.get("purl")) for r in rows}
    given = _give_files_to_projects(store, by_repo, purl_of)
    if not given.files:
        return CallsReport(0, 0, 0, 0)
    keys = sorted(given.per_project)
    resolved: dict[str, list[str]] = {}
    for i in range(0, len(keys), CHUNK):
        for r in store.query("list_project_packages", {"keys": keys[i : i + CHUNK]}):
            resolved.setdefault(r["project"], []).extend(r.get("packages") or [])
    organisation = tuple(sorted({p for ps in resolved.values() for p in ps if p.startswith("pkg:maven/")}))
    attributor = Attributor(resolved, given.internal, organisation)
    edges, symbols = 0, set()
    batch: list[str] = []
    files_in_batch = 0
    for n, project in enumerate(keys):
        batch.append(project)
        files_in_batch += given.per_project[project]
        if files_in_batch >= CHUNK or n == len(keys) - 1:
            out = call_rows(project_scans(store, batch), attributor)
            params = [e.as_param() for e in out]
            for i in range(0, len(params), CHUNK):
                store.write("load_calls", {"rows": params[i : i + CHUNK], "run": run})
            edges += len(out)
            symbols.update(e.symbol_key for e in out)
            batch, files_in_batch = [], 0
    return CallsReport(given.files, given.assigned, edges, len(symbols))


@dataclass(slots=True)
class _Given:
    """What giving the scanned files to their projects found (nothing per file is kept)."""

    files: int = 0
    assigned: int = 0
    per_project: Counter[str] = field(default_factory=Counter)  # project -> its scanned files
    internal: dict[str, str] = field(default_factory=dict)  # JVM package -> the artifact declaring it


def _give_files_to_projects(store: Store, by_repo: dict[str, list[Place]], purl_of: dict[str, str | None]) -> _Given:
    """Record each scanned file's project (``SourceFile.project``), a page of files at a time, and
    count the files of each project and the JVM packages the organisation's artifacts declare (a
    package declared in several artifacts goes to the first artifact by purl)."""
    given = _Given()
    after = ""
    while True:
        page = store.query("list_source_scans", {"after": after, "limit": PAGE})
        assigned = []
        for f in page:
            owner = owner_of(f["repo"], f["path"], f.get("language") or "", by_repo.get(f["repo"], []))
            assigned.append({"key": f["key"], "project": owner})
            if owner is None:
                continue
            given.assigned += 1
            given.per_project[owner] += 1
            artifact, namespace = purl_of.get(owner), f.get("namespace")
            first = namespace not in given.internal or (artifact or "") < given.internal[namespace]
            if artifact and namespace and f.get("language") in ("java", "kotlin") and first:
                given.internal[namespace] = artifact
        for i in range(0, len(assigned), CHUNK):
            store.write("set_source_projects", {"rows": assigned[i : i + CHUNK]})
        given.files += len(page)
        if len(page) < PAGE:
            return given
        after = page[-1]["key"]


def _versionless(purl: str | None) -> str | None:
    if not purl:
        return None
    try:
        return purls.parse(purl).package
    except ValueError:
        return None


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
