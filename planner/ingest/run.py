"""One ingest, start to end: discover, skip the unchanged, parse and load, prune, derive links."""

from __future__ import annotations

import contextlib
import gc
import os
import secrets
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from planner import big_files
from planner.big_files import FileProgress
from planner.errors import FreshBuildFailed, StoreLostWrites, StoreNotDurable, StoreUnavailable
from planner.ingest.batches import cut_batches
from planner.ingest.candidates import Candidates
from planner.ingest.context import IngestContext
from planner.ingest.digests import StoredDigests, stored_digests
from planner.ingest.discovery import discover
from planner.ingest.loads import load
from planner.ingest.parse import Outcome, note, parse_one
from planner.ingest.pipeline import LoadPipeline
from planner.ingest.reading import DEFAULT_MAX_BYTES
from planner.ingest.report import IngestReport, LoadReport
from planner.ingest.verify import verify_loads
from planner.ingest.workers import Progress, WorkerJob, ingest_with_workers, worker_count
from planner.safe_text import message
from planner.store.base import Store
from planner.store.rows import LoadedSource
from planner.store.statements import SEP_PARAM
from planner.store.upgrade import upgrade_resolves_for, upgrade_statements


def new_run_id() -> str:
    """A sortable, unique ingest run id."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


def ingest(
    store: Store,
    paths: Iterable[Path],
    *,
    repo: str | None = None,
    force: bool = False,
    prune: bool = True,
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: Progress | None = None,
    scan: bool = True,
    file_progress: FileProgress | None = None,
) -> IngestReport:
    """Load every recognised file under ``paths`` into ``store``; see the package docstring.
    With ``scan``, source code is scanned too and the ``CALLS`` edges derived afterwards.

    Returns once what it loaded is durable. When the store stops answering or cannot save, raises
    :class:`StoreUnavailable` (:class:`StoreNotDurable`) saying how many files were loaded and that
    running the same command again finishes the job (unchanged files are skipped, the rest loaded).
    A big file is loaded in parts (see :mod:`planner.big_files`), its progress told to ``file_progress``."""
    report = IngestReport(run=new_run_id())
    loads = LoadReport()
    try:
        progresses = (progress, file_progress)
        _ingest(store, [Path(p) for p in paths], report, loads, repo, force, prune, max_bytes, progresses, scan)
        store.ensure_durable()
    except (StoreLostWrites, FreshBuildFailed):
        raise  # says which files (or that nothing was kept) and what to do
    except StoreUnavailable as exc:
        loaded = report.loaded if loads.merged else loads.loaded
        done = f"{loaded} of {report.files} files were loaded"
        if isinstance(exc, StoreNotDurable):
            raise StoreNotDurable(f"{exc} ({done} into its memory)") from exc
        raise StoreUnavailable(
            f"the store stopped during the ingest; {done}, run the same command again to finish ({exc})"
        ) from exc
    return report


def _ingest(
    store: Store,
    paths: list[Path],
    report: IngestReport,
    loads: LoadReport,
    repo: str | None,
    force: bool,
    prune: bool,
    max_bytes: int,
    progresses: tuple[Progress | None, FileProgress | None],
    scan: bool,
) -> None:
    """The body of :func:`ingest`: fills ``report`` (parse outcomes) and ``loads`` (load outcomes)."""
    started = time.perf_counter()
    store.ensure_schema()
    upgrade_statements(store)  # a store an earlier depwave wrote: DEPENDS_ON statements as strings
    upgrade_resolves_for(store)  # and each SourceFile's resolves_for, how a load finds its RESOLVES edges
    big_files.delete_leftovers(store)  # staging copies a killed part load left behind
    candidates = discover(paths, repo, report.warnings, scan=scan)
    report.files = len(candidates)
    digests = stored_digests(store, candidates.keys())
    known = StoredDigests() if force else digests
    context = IngestContext(candidates, max_bytes)
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    job = WorkerJob(store, candidates, known, context, stamp, report.run)
    with contextlib.ExitStack() as stack:
        stack.enter_context(_young_gc_only())
        # bulk mode and the load thread end with the loads: the store writes its new AOF base in a
        # forked child while the loads are checked and the leftovers cleaned up; ingest() waits for it
        # at the end (at 10M edges the check took 12 s and the base 14 s, one after the other)
        with contextlib.ExitStack() as loading:
            _parse_and_load(job, loading, report, loads, progresses)
        _check_loads(job, report, loads)
        loads.merge_into(report)
        _clean_up(store, paths, candidates, report, prune, had_files=bool(digests))
    if report.loaded or report.pruned:  # derive BUILT_FROM and OWNS from what the files said
        from planner.link import link

        report.links = link(store, run=report.run).as_dict()
        from planner.reachability.stored import derive_calls

        report.calls = derive_calls(store, report.run).as_dict()
    else:  # nothing changed; a store from before RESOLVES_FROM existed still gets it, once
        from planner.link import derive_missing_resolves_from

        if derived := derive_missing_resolves_from(store, report.run):
            report.links = {"resolves_from": derived}
    report.seconds = time.perf_counter() - started


def _parse_and_load(
    job: WorkerJob,
    stack: contextlib.ExitStack,
    report: IngestReport,
    loads: LoadReport,
    progresses: tuple[Progress | None, FileProgress | None],
) -> None:
    """Parse and load every candidate: in workers when the ingest is large, then here (all of it, or
    what a dead worker left), in batches cut by :func:`cut_batches`; a big file alone, in parts."""
    progress, file_progress = progresses
    pipeline = LoadPipeline(job.store, stack, loads, job.stamp, job.run)
    if _builds_fresh(job):  # bulk mode first: the build's end (its rename) comes before bulk mode's
        pipeline.enter_bulk()
        stack.enter_context(job.store.fresh_build(job.run))
    start_at = 0
    workers = worker_count(job.candidates)
    if workers:
        start_at = ingest_with_workers(job, report, loads, progress, workers, file_progress, pipeline.enter_bulk)
    candidates = job.candidates

    def parsed() -> Iterator[tuple[int, Outcome]]:
        for i in range(start_at, len(candidates)):
            cand = candidates[i]
            if progress:
                progress(i + 1, len(candidates), cand.source.display)
            with big_files.parse_progress(job.context, cand, file_progress):
                outcome = parse_one(cand, job.context, job.known)
            note(report, outcome)
            yield i, outcome

    for batch in cut_batches(parsed(), big_files.is_big, job.store.load_rows):
        if batch.big:
            pipeline.wait()  # the files before it are loaded first
            big_files.load_big(job.store, batch.items[0], loads, job.stamp, job.run, file_progress)
        else:
            pipeline.submit(batch, final=not batch.full)
    pipeline.wait()


#: a first ingest of at least this many files into an empty store builds the graph apart, in bulk
#: (``Store.fresh_build``): at 10M edges the load statements cost the server ~200 s of CPU, the bulk
#: build a tenth (BENCHMARKS.md, "A first ingest built in bulk"). ``DEPWAVE_FRESH_BUILD=1`` builds any
#: first ingest so, ``=0`` none
FRESH_BUILD_MIN_FILES = 2_000


def _builds_fresh(job: WorkerJob) -> bool:
    """Whether this ingest builds the graph apart: a large one (or as ``DEPWAVE_FRESH_BUILD`` says) into a
    store that can and holds nothing."""
    wanted = os.environ.get("DEPWAVE_FRESH_BUILD", "").strip()
    if wanted == "0" or (wanted != "1" and len(job.candidates) < FRESH_BUILD_MIN_FILES):
        return False
    return job.store.can_build_fresh()


#: files a batch when the check after the loads loads some again
RELOAD_BATCH = 100


def _check_loads(job: WorkerJob, report: IngestReport, loads: LoadReport) -> None:
    """Check that the store holds what every load sent (planner/ingest/verify.py); a file it does not
    hold is loaded again, with one warning each; raises :class:`StoreLostWrites` when that fails too."""
    index: dict[str, int] = {}
    displays: dict[str, str] = {}

    def reparse(key: str) -> LoadedSource | None:
        if not index:
            index.update((k, i) for i, k in enumerate(job.candidates.keys()))
        cand = job.candidates[index[key]]
        displays[key] = cand.source.display
        return parse_one(cand, job.context, job.known).item

    def reload(items: list[LoadedSource]) -> set[str]:
        scratch = LoadReport()  # counted once already
        small = []
        for item in items:
            if big_files.is_big(item):  # in parts again, as the first time
                big_files.load_big(job.store, item, scratch, job.stamp, job.run, None)
            else:
                small.append(item)
        for i in range(0, len(small), RELOAD_BATCH):
            load(job.store, small[i : i + RELOAD_BATCH], scratch, job.stamp, job.run)
        return set(scratch.expected.edges)

    for diff in verify_loads(job.store, loads.expected, reparse, reload):
        report.warnings.append(
            message(
                f"{displays.get(diff.source, diff.source)}:0: the store had not kept all of this file's edges "
                f"({diff.describe()}); loaded again"
            )
        )


def _clean_up(
    store: Store, paths: list[Path], candidates: Candidates, report: IngestReport, prune: bool, had_files: bool
) -> None:
    """Forget vanished files, drop the CALLS edges to re-derive and the nodes nothing points at any more."""
    if prune:
        report.pruned = _prune(store, paths, candidates)
    if report.loaded or report.pruned:  # re-derived below; gone first so that orphans go too
        from planner.reachability.stored import delete_calls

        delete_calls(store)
        store.write("delete_derived_links")  # the linker's edges would keep a vanished project alive
    # orphans come only from edges a load or a prune removed: none when no file was in the store
    if (report.loaded and had_files) or report.pruned:
        removed = store.write("delete_orphans")
        if removed:
            report.orphans_removed = int(removed[0].get("versions") or 0) + int(removed[0].get("others") or 0)


#: container objects allocated (net) between two young collections during an ingest (Python's default:
#: 700). Parsing a 2,400-component SBOM allocates hundreds of thousands, most of them freed by reference
#: counting within the file; collected every 700, those alive at that moment were traversed and
#: promoted. On 300 files of the 10M organisation in one worker's order: 4,664 collections and 0.49 s
#: at 700, 7 and 0.19 s at 100,000 (BENCHMARKS.md, "Rendering a load without JSON")
INGEST_YOUNG_GC = 100_000


@contextlib.contextmanager
def _young_gc_only() -> Iterator[None]:
    """Keep the garbage collector to its young generations, collected less often, while an ingest runs.

    Parsing keeps millions of long-lived objects (records, purl caches); every full collection scans
    them all and, on the 1M-edge synthetic org, 49 of them freed nothing and cost 28 % of the parse
    time. Young collections still reclaim short-lived cycles, every :data:`INGEST_YOUNG_GC`
    allocations; the usual thresholds come back at the end (a forked worker inherits the setting)."""
    young, middle, old = gc.get_threshold()
    gc.set_threshold(max(young, INGEST_YOUNG_GC), middle, 1 << 30)
    try:
        yield
    finally:
        gc.set_threshold(young, middle, old)


def _prune(store: Store, paths: list[Path], candidates: Candidates) -> int:
    """Forget files that disappeared from under the walked directories."""
    walked = [p.resolve() for p in paths if p.is_dir()]
    if not walked:
        return 0
    present = candidates.paths_by_repository()
    gone = []
    for w in walked:
        for row in _sources_under(store, str(w)):
            if _found(row, present) or not row.get("root"):
                continue
            if Path(row["root"]).is_relative_to(w) and not (Path(row["root"]) / row["path"]).is_file():
                gone.append(row["key"])
    if gone:
        store.write("delete_sources", {"sources": sorted(set(gone)), "sep": SEP_PARAM})
    return len(set(gone))


def _found(row: dict, present: dict[str, set[str]]) -> bool:
    """Whether this ingest found the stored source ``row`` (its key is ``repo:path``)."""
    key, path = row["key"], row.get("path") or ""
    if not key.endswith(":" + path):
        return False
    return path in present.get(key[: len(key) - len(path) - 1], ())


#: stored sources per page when looking for vanished files
PRUNE_PAGE = 5_000


def _sources_under(store: Store, prefix: str) -> Iterator[dict]:
    """The stored sources of repositories under ``prefix``, read a page at a time (not all at once)."""
    after = ""
    while True:
        page = store.query("list_sources_under", {"prefix": prefix, "after": after, "limit": PRUNE_PAGE})
        yield from page
        if len(page) < PRUNE_PAGE:
            return
        after = page[-1]["key"]
