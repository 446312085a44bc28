"""Forked worker processes that read, parse and prepare the loads while this process feeds the store."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from planner import big_files
from planner.big_files import FileProgress
from planner.ingest.batches import Batch, cut_batches
from planner.ingest.candidates import Candidates
from planner.ingest.context import IngestContext
from planner.ingest.loads import load, load_prepared
from planner.ingest.parse import Outcome, note, parse_one
from planner.ingest.report import IngestReport, LoadReport
from planner.store.base import Store
from planner.store.rows import GraphBatch

Progress = Callable[[int, int, str], None]

#: worker processes read and parse when an ingest has at least this many files (and the machine more
#: than one core); ``DEPWAVE_INGEST_WORKERS=N`` sets how many (0: none, all in this process)
WORKER_MIN_FILES = 2_000
#: at most this many files per chunk: worker k of n takes chunks k, k+n, ...; this process loads them
#: in file order
CHUNK_FILES = 1_000
#: bytes of input per row a load statement carries, about: a CycloneDX SBOM gives one row per 175-195
#: bytes (one edge record and its share of the nodes); chunks are cut to hold about one statement
#: (:func:`chunk_bytes`), a little under, so that a chunk is rarely loaded as a full statement and a
#: short one
BYTES_PER_ROW = 160
#: the store goes to bulk mode (``Store.bulk``) once this many rows are to be loaded: the batches'
#: chunks are cut by files, so "a full batch", the in-process rule, would leave a large load of small
#: files out of bulk mode
BULK_AFTER_ROWS = 50_000
#: in a batch message, where the prepared load was: it follows as a message of its own, as bytes
#: (``send_bytes``) when it is text, else pickled (see :func:`_send_batch`)
BYTES_FOLLOW = "bytes"
PICKLE_FOLLOWS = "pickle"


def chunk_bytes(load_rows: int) -> int:
    """How many bytes of input a chunk holds: about one load statement's rows (``load_rows``)."""
    return max(1, load_rows * BYTES_PER_ROW)


def chunks(sizes: Sequence[int], target: int) -> list[tuple[int, int]]:
    """The ``[lo, hi)`` file ranges the workers take turns on, for files of ``sizes`` bytes: each chunk
    holds about ``target`` bytes (at most :data:`CHUNK_FILES` files), the first two and the last two a
    quarter and a half of it, so that the store starts loading sooner and finishes sooner after the
    last parse.

    A chunk should hold about one load statement: this process loads the chunks in file order, and a
    worker whose next chunk waits behind another's can only render one batch ahead (its send blocks
    until this process takes it). With chunks of 1,000 files and 2,000 rows a file, one worker parsed
    while the other waited: 20 statements a chunk (BENCHMARKS.md, "Worker chunks by bytes")."""
    total = len(sizes)
    steps = [max(1, target // 4), max(1, target // 2)]
    tail: list[tuple[int, int]] = []
    hi = total
    rest = sum(sizes)
    for step in steps:  # the last chunks, from the end: only when enough is left before them
        lo, held = hi, 0
        while lo > 0 and held < step and hi - lo < CHUNK_FILES:
            lo -= 1
            held += sizes[lo]
        if rest - held <= target + step:
            break
        tail.insert(0, (lo, hi))
        rest -= held
        hi = lo
    out: list[tuple[int, int]] = []
    lo = 0
    while lo < hi:
        step = steps[len(out)] if len(out) < len(steps) else target
        end, held = lo, 0
        while end < hi and held < step and end - lo < CHUNK_FILES:
            held += sizes[end]
            end += 1
        out.append((lo, end))
        lo = end
    return out + tail


def file_sizes(candidates: Candidates) -> list[int]:
    """Each candidate's size in bytes, as ``stat`` gives it now (0 when it cannot: its read says why)."""
    sizes = []
    for i in range(len(candidates)):
        try:
            sizes.append(os.stat(candidates[i].file).st_size)
        except OSError:
            sizes.append(0)
    return sizes


def worker_count(candidates: Candidates) -> int:
    """How many worker processes to use: one per core, at most 4, none for a small ingest or without fork."""
    import multiprocessing

    wanted = os.environ.get("DEPWAVE_INGEST_WORKERS", "").strip()
    cores = os.cpu_count() or 1
    count = int(wanted) if wanted.isdigit() else (min(4, cores) if cores > 1 else 0)
    if count < 1 or len(candidates) < WORKER_MIN_FILES or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    return count


@dataclass(slots=True)
class WorkerJob:
    """What every worker and the feeding process share about one ingest."""

    store: Store
    candidates: Candidates
    known: Mapping[str, dict]
    context: IngestContext
    stamp: str
    run: str


def ingest_with_workers(
    job: WorkerJob,
    report: IngestReport,
    loads: LoadReport,
    progress: Progress | None,
    workers: int,
    file_progress: FileProgress | None = None,
    enter_bulk: Callable[[], None] | None = None,
) -> int:
    """Read, parse and render the loads in forked worker processes while this one feeds the store
    (one load in flight on a thread), so that Python and the server use every core. ``enter_bulk`` is
    called once the batches to load reach :data:`BULK_AFTER_ROWS` rows, before the one that reaches
    it: an ingest that loads nothing, or a few files, never pays for leaving bulk mode (on the
    embedded store, writing the whole data set as a fresh AOF base: 1-2 s at 1M edges).

    The files are cut into chunks (:func:`chunks`); worker k of n takes chunks k, k+n, ... and sends,
    per chunk and in file order, progress and one message per batch (:func:`cut_batches`): the
    prepared load, the parse outcomes of the batch's files and the indices of the sources in it; a
    chunk's last batch ends at the chunk's end. This process takes the chunks in order, so outcomes
    are counted and sources loaded in file order whatever the number of workers. A batch the store
    rejects is loaded again source by source, parsed anew here. A file too big for a worker
    (:func:`planner.big_files.parsed_where_loaded`) ends the batch before it; the worker names it and
    this process parses and loads it in its place in file order, in parts when big enough
    (``file_progress`` says how far). Returns how many candidates were handled: all of them, or fewer
    when a worker died (the caller goes on in this process from there)."""
    import multiprocessing

    mp = multiprocessing.get_context("fork")
    ranges = chunks(file_sizes(job.candidates), chunk_bytes(job.store.load_rows))
    receivers, processes = [], []
    parent = os.getpid()
    for k in range(workers):
        receive, send = mp.Pipe(duplex=False)
        # the child closes the read ends it inherits (its own and its elder siblings'): once this process
        # is gone nobody reads them, and a worker's send fails instead of blocking forever
        args = (send, [*receivers, receive], parent, job, ranges[k::workers])
        process = mp.Process(target=_worker, args=args, daemon=True)
        process.start()
        send.close()
        receivers.append(receive)
        processes.append(process)
    feeder = _Feeder(job, report, loads, progress, file_progress, enter_bulk)
    with ThreadPoolExecutor(1, thread_name_prefix="depwave-load") as pool:
        try:
            feeder.feed(pool, ranges, receivers)
        finally:
            _stop(feeder, processes, receivers)
    return feeder.handled


class _Feeder:
    """The feeding side of :func:`ingest_with_workers`: counts outcomes and loads batches in file order."""

    def __init__(
        self,
        job: WorkerJob,
        report: IngestReport,
        loads: LoadReport,
        progress: Progress | None,
        file_progress: FileProgress | None = None,
        enter_bulk: Callable[[], None] | None = None,
    ) -> None:
        self.job = job
        self.enter_bulk = enter_bulk
        self.rows = 0  # rows of the batches loaded so far
        self.report = report
        self.loads = loads
        self.progress = progress
        self.handled = 0
        self.file_progress = file_progress
        self.failed = True
        self.in_flight: Future[bool] | None = None

    def feed(self, pool: ThreadPoolExecutor, ranges: list[tuple[int, int]], receivers: list) -> None:
        """Take the chunks in order; stop early when a worker dies or a batch is rejected."""
        for c, (lo, hi) in enumerate(ranges):
            receive = receivers[c % len(receivers)]
            end = lo
            while end < hi:
                try:
                    msg = receive.recv()
                except EOFError:  # the worker is gone
                    return
                if msg[0] == "progress":
                    self._tick(msg[1])
                    continue
                prepared = None
                if msg[0] == "batch":  # its load follows: taken now, so the worker goes on parsing
                    try:
                        prepared = receive.recv_bytes() if msg[2] == BYTES_FOLLOW else receive.recv()
                    except EOFError:  # the worker is gone
                        return
                if not self._settled():  # later batches may rely on nodes the rejected one was to write:
                    return  # this process takes over from there, with whole batches
                if msg[0] == "here":
                    self._load_here(msg[1])
                    end = self.handled = msg[1] + 1
                    continue
                _, end, _, counts, outcomes, indices = msg
                for outcome in outcomes:
                    note(self.report, outcome)
                self._tick(end)
                self.rows += counts[1]
                if self.rows >= BULK_AFTER_ROWS and self.enter_bulk is not None:
                    self.enter_bulk()  # nothing is in flight: _settled waited for it
                    self.enter_bulk = None
                if indices:
                    job = self.job
                    cands = [job.candidates[i] for i in indices]
                    self.in_flight = pool.submit(
                        load_prepared, job.store, prepared, counts, cands, job.context, job.known, self.loads,
                        job.stamp, job.run,
                    )  # fmt: skip
                self.handled = end
        self.failed = False

    def _settled(self) -> bool:
        """Wait for the load in flight; False when the store rejected its batch."""
        if self.in_flight is None:
            return True
        whole = self.in_flight.result()
        self.in_flight = None
        return whole

    def _load_here(self, i: int) -> None:
        """Parse and load a file too big for a worker, in this process and in parts when big enough."""
        job = self.job
        cand = job.candidates[i]
        self._tick(i + 1)
        with big_files.parse_progress(job.context, cand, self.file_progress):
            outcome = parse_one(cand, job.context, job.known)
        note(self.report, outcome)
        if outcome.item is None:
            return
        if big_files.is_big(outcome.item):
            big_files.load_big(job.store, outcome.item, self.loads, job.stamp, job.run, self.file_progress)
        else:
            load(job.store, [outcome.item], self.loads, job.stamp, job.run)

    def _tick(self, i: int) -> None:
        if self.progress:
            self.progress(i, len(self.job.candidates), self.job.candidates[i - 1].source.display)


def _stop(feeder: _Feeder, processes: list, receivers: list) -> None:
    """End the workers: killed when the feeding failed (their parses are moot), else joined."""
    if feeder.failed:  # the store stopped (or this process is interrupted)
        for process in processes:
            process.kill()
    try:
        if feeder.in_flight is not None:
            feeder.in_flight.result()
    finally:
        for receive in receivers:
            receive.close()
        for process in processes:
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
                process.join(timeout=5)


def _worker(  # pragma: no cover - runs in the child
    send, inherited: list, parent: int, job: WorkerJob, ranges: list[tuple[int, int]]
) -> None:
    """A worker (see :func:`ingest_with_workers`) on its share of the chunks; it never touches the
    store's connection. Its batches leave out the Package/Version nodes its earlier batches carried.
    It dies with its parent: killed by the kernel when the parent exits (Linux), and elsewhere on
    its next send, which fails once no process holds the pipe's read end."""
    _die_with_parent(parent)
    for receive in inherited:
        receive.close()
    written: set[tuple[str, str]] = set()

    def parsed(lo: int, hi: int) -> Iterator[tuple[int, Outcome]]:
        for i in range(lo, hi):
            outcome = parse_one(job.candidates[i], job.context, job.known)
            if i % 50 == 0:
                send.send(("progress", i + 1))
            yield i, outcome

    try:
        for lo, hi in ranges:
            for a, b, here in _runs(job.candidates, lo, hi):
                for cut in cut_batches(parsed(a, b), max_rows=job.store.load_rows):
                    _send_batch(send, cut, written, job)
                if here is not None:  # after the batches before it: the feeding process keeps file order
                    send.send(("here", here))
    finally:
        send.close()


def _runs(candidates: Candidates, lo: int, hi: int) -> Iterator[tuple[int, int, int | None]]:
    """The chunk ``[lo, hi)`` cut at the files too big for a worker: ``(a, b, i)`` per run of files a
    worker parses, each followed by such a file ``i`` (None after the last run)."""
    start = lo
    for i in range(lo, hi):
        if big_files.parsed_where_loaded(candidates[i]):
            yield start, i, i
            start = i + 1
    yield start, hi, None


def _batch_message(cut: Batch, written: set[tuple[str, str]], job: WorkerJob) -> tuple[tuple, Any]:  # pragma: no cover
    """What a worker sends for one batch: (its end, its counts, the parse outcomes (the records travel
    in the load), the sources' indices), and apart from it the prepared load (without the nodes its
    earlier batches carried). The parsed records are let go once they are rows, before the
    statement is rendered (a 300,000-row batch held ~100 MB of them)."""
    graph = GraphBatch()
    for item in cut.items:
        graph.add(item, job.stamp)
    outcomes = [Outcome(loader=o.loader, warnings=o.warnings) if o.item else o for o in cut.outcomes]
    any_items = bool(cut.items)
    cut.items.clear()
    cut.outcomes.clear()
    graph.skip_written(written)
    counts = (graph.edge_count, graph.row_count, graph.expected())
    prepared = job.store.prepare_load(graph, job.run) if any_items else None
    return (cut.end, counts, outcomes, cut.indices), prepared


def _send_batch(send, cut: Batch, written: set[tuple[str, str]], job: WorkerJob) -> None:  # pragma: no cover
    """Send one batch: its message, then its prepared load. A load that is bytes (the embedded store's
    statement) or text (sent as its UTF-8 bytes, the text let go first) goes through ``send_bytes``:
    pickled, tens of MB of text were copied here and again on the other side, and the feeding process
    encoded them once more for the socket."""
    fields, prepared = _batch_message(cut, written, job)
    if isinstance(prepared, str):
        prepared = prepared.encode()  # the text's last reference: freed here
    as_bytes = isinstance(prepared, bytes)
    send.send(("batch", fields[0], BYTES_FOLLOW if as_bytes else PICKLE_FOLLOWS, *fields[1:]))
    if as_bytes:
        send.send_bytes(prepared)
    else:
        send.send(prepared)


def _die_with_parent(parent: int) -> None:  # pragma: no cover - runs in the child
    """Have the kernel SIGKILL this process when its parent exits (``PR_SET_PDEATHSIG``, Linux); exit
    at once when the parent is already gone (it may have died before the request was made)."""
    import signal
    import sys

    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG = 1
    if os.getppid() != parent:
        os._exit(1)
