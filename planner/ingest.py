"""Walk paths, read files through the loader registry, and load what they say into a store.

Each file is a *source* keyed ``repo:path``. Loading replaces everything a source said before
(one atomic statement per batch of sources), skips files whose content hash is unchanged, and
never lets one bad file stop the run: it is reported as ``path:line: reason`` and skipped, and
the store keeps that file's previous state.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import hashlib
import os
import posixpath
import secrets
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from loaders.base import Loader, SourceContext
from loaders.registry import loader_for
from planner import big_files
from planner.big_files import FileProgress
from planner.errors import DepwaveError, ParseError, StoreNotDurable, StoreUnavailable
from planner.model import Source
from planner.safe_text import excerpt, message
from planner.storable import drop_unstorable, might_hold_unstorable
from planner.store.base import Store
from planner.store.rows import GraphBatch, LoadedSource

#: directories never walked: VCS metadata, dependency caches and build output
SKIP_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", "node_modules", "bower_components", "target", "build", "dist",
        ".gradle", ".venv", "venv", "__pycache__", ".tox", ".nox", ".mypy_cache", ".pytest_cache",
        ".ruff_cache", ".idea", ".terraform", ".next", ".cache",
    }
)  # fmt: skip
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
#: rows per load statement. Larger statements cost FalkorDB less per row but hold more memory while
#: they run (1M-edge org, one worker: 47.7 s of load statements and 1.34 GB peak redis RSS at 25,000
#: rows; 40.5 s / 1.40 GB at 50,000; 32.2 s / 1.61 GB at 100,000, over the 1.5 GB budget)
BATCH_ROWS = 50_000
BATCH_SOURCES = 1_000


@dataclass(frozen=True, slots=True)
class Candidate:
    """A file some loader handles, with where it lives."""

    file: Path
    source: Source
    loader: Loader
    repo_root: Path


@dataclass(slots=True)
class IngestReport:
    """What an ingest did."""

    run: str
    files: int = 0
    loaded: int = 0
    unchanged: int = 0
    skipped: int = 0
    pruned: int = 0
    orphans_removed: int = 0
    links: dict[str, object] = field(default_factory=dict)
    calls: dict[str, int] = field(default_factory=dict)
    rows: int = 0
    edges: int = 0
    seconds: float = 0.0
    by_loader: Counter[str] = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        """``ok``, ``completed-with-warnings`` or ``completed-with-errors``."""
        if self.errors:
            return "completed-with-errors"
        return "completed-with-warnings" if self.warnings else "ok"

    def as_dict(self) -> dict[str, object]:
        """The JSON form (documented in README, stable)."""
        return {
            "run": self.run,
            "status": self.status,
            "files": self.files,
            "loaded": self.loaded,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "pruned": self.pruned,
            "orphans_removed": self.orphans_removed,
            "links": self.links,
            "calls": self.calls,
            "edges_written": self.edges,
            "seconds": round(self.seconds, 3),
            "by_loader": dict(sorted(self.by_loader.items())),
            "warnings": self.warnings,
            "errors": self.errors,
        }


class _RepoFinder:
    """Which repository a file belongs to (see :func:`discover`)."""

    def __init__(self, forced: str | None) -> None:
        self.forced = forced
        self._git: dict[Path, Path | None] = {}

    def git_root(self, directory: Path, walk_root: Path) -> Path | None:
        """The nearest directory with a ``.git`` between ``directory`` and ``walk_root`` (inclusive)."""
        chain = []
        d = directory
        found = None
        while True:
            if d in self._git:
                found = self._git[d]
                break
            chain.append(d)
            if (d / ".git").exists():
                found = d
                break
            if d == walk_root or d.parent == d:
                break
            d = d.parent
        for c in chain:
            self._git[c] = found
        return found

    def repo_root(self, walk_root: Path, file: Path, org_layout: bool) -> Path:
        if self.forced:
            return walk_root
        git = self.git_root(file.parent, walk_root)
        if git is not None:
            return git
        if org_layout:
            rel = file.relative_to(walk_root)
            return walk_root / rel.parts[0] if len(rel.parts) > 1 else walk_root
        return walk_root


def _walk(root: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        for name in sorted(filenames):
            yield Path(dirpath) / name


def discover(
    paths: Iterable[Path], repo: str | None = None, refused: list[str] | None = None, *, scan: bool = True
) -> list[Candidate]:
    """Every file under ``paths`` that a loader handles, with its repository (source code only
    with ``scan``).

    The repository of a file is, in order: ``repo`` when given (rooted at the walked path); the
    nearest directory with a ``.git`` between the file and the walked path (never above what you
    asked for); the walked directory itself when it has a file a loader handles at its top level;
    otherwise each top-level subdirectory of the walked directory is one repository (an
    organisation folder such as ``examples/``).

    A symbolic link is followed only to a file inside the walked path: a link that leads outside it,
    dangles or loops is never read, and one ``path:0: reason`` line per such file goes to ``refused``.
    """
    out: list[Candidate] = []
    seen: set[Path] = set()
    for given in paths:
        finder = _RepoFinder(repo)
        root = Path(given).absolute()
        shown = Path(given)
        if root.is_file():
            files = [root]
            walk_root = root.parent
            org_layout = False
        else:
            files = list(_walk(root))
            walk_root = root
            org_layout = not any(f.parent == root and loader_for(f.name, scan=False) for f in files)
        rel_to_walk = {
            f: (f.relative_to(walk_root).as_posix() if f.is_relative_to(walk_root) else f.name) for f in files
        }
        real_walk_root = walk_root.resolve()
        real_roots: dict[Path, Path] = {}
        for f in files:
            loader = loader_for(rel_to_walk[f], scan=scan)
            if loader is None:
                continue
            display = str(shown / f.relative_to(root)) if f != root else str(shown)
            # os.walk does not enter symlinked directories: only a symlinked file needs resolving
            resolved = real_walk_root / rel_to_walk[f]
            reason = None
            if f.is_symlink():  # a named file may lead anywhere; a walked one stays inside the walked path
                resolved, reason = _follow(f, real_walk_root if f != root else Path(f.anchor), shown)
            elif not f.is_file():
                reason = "not a regular file (a pipe, socket or device)"
            if reason is None and not _utf8(rel_to_walk[f]):
                reason = "file name is not valid UTF-8"
            if reason is not None:
                if refused is not None:
                    refused.append(message(f"{display}:0: {reason}; not read"))
                continue
            if resolved in seen:
                continue
            seen.add(resolved)
            repo_root = finder.repo_root(walk_root, f, org_layout)
            real_root = real_roots.get(repo_root)
            if real_root is None:
                real_root = real_roots[repo_root] = repo_root.resolve()
            name = repo or real_root.name
            rel = f.relative_to(repo_root).as_posix() if f.is_relative_to(repo_root) else f.name
            out.append(Candidate(resolved, Source(name, rel, display), loader, real_root))
    return out


def _utf8(name: str) -> bool:
    """Whether a file name decoded without lone surrogates (the store keeps only valid text)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _follow(link: Path, real_root: Path, shown: Path) -> tuple[Path, str | None]:
    """Where a symlinked file leads, or why it is not read: it loops, dangles or leaves ``real_root``."""
    try:
        target = link.resolve(strict=True)
    except RuntimeError:  # Python < 3.13 reports a loop so
        return link, "symbolic link loop"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return link, "symbolic link loop"
        return link, f"symbolic link to a file that cannot be read ({exc.strerror or exc})"
    if not target.is_relative_to(real_root):
        return link, f"symbolic link to a file outside {shown} ({target})"
    if not target.is_file():
        return link, "symbolic link to something other than a file"
    return target, None


def new_run_id() -> str:
    """A sortable, unique ingest run id."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)


def read_bytes(cand: Candidate, max_bytes: int) -> tuple[bytes, str]:
    """The bytes of a file for a loader that reads bytes (at most its ``byte_limit`` + 1: it judges
    a longer file by that) and their sha256 with the file's size; raises ParseError when unreadable.
    Opened like :func:`read_source`: a symlink put in its place is not followed, a pipe does not block."""
    limit = min(max_bytes, cand.loader.byte_limit or max_bytes)
    try:
        size = cand.file.stat().st_size
        with open(os.open(cand.file, _READ_FLAGS), "rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise ParseError(cand.source.display, None, f"cannot read: {exc.strerror or exc}") from None
    return data, hashlib.sha256(data + f"\0{size}".encode()).hexdigest()


def read_source(cand: Candidate, max_bytes: int) -> tuple[str, str]:
    """Text and sha256 of a file; raises ParseError for unreadable, oversized or non-UTF-8 files."""
    display = cand.source.display
    try:
        size = cand.file.stat().st_size
        if size > max_bytes:
            raise ParseError(display, None, f"file is {size:,} bytes, over the {max_bytes:,}-byte limit; skipped")
        # the real path: a symlink put in its place since discovery is not followed, a pipe does not block
        with open(os.open(cand.file, _READ_FLAGS), "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise ParseError(display, None, f"cannot read: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise ParseError(display, None, f"file grew over the {max_bytes:,}-byte limit while reading; skipped")
    if b"\x00" in data[:8192]:
        raise ParseError(display, 1, "binary file (NUL bytes), not text")
    digest = hashlib.sha256(data).hexdigest()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ParseError(display, line, f"not valid UTF-8 at byte {exc.start}") from None
    return text, digest


class IngestContext(SourceContext):
    """What loaders may read besides their own file: files inside the repositories being ingested.

    Paths are repo-relative; nothing outside a repository root is served (no ``..``, no symlink
    escapes), the same size limit applies, and every read is remembered so that the ingest can
    record which files a source depends on.
    """

    def __init__(self, candidates: list[Candidate], max_bytes: int) -> None:
        self._roots: dict[str, Path] = {}
        for c in candidates:
            self._roots.setdefault(c.source.repo, c.repo_root)
        self._sources = [c.source for c in candidates]
        self.max_bytes = max_bytes  # what read_source may read of one file
        self._cache: dict[tuple[str, str], tuple[str | None, str | None]] = {}
        self.reads: set[tuple[str, str]] = set()

    def sources(self) -> list[Source]:
        """Every recognised file of this ingest."""
        return self._sources

    def read(self, repo: str, path: str) -> str | None:
        """Text of a file inside an ingested repository, or None."""
        text, _ = self._get(repo, path)
        if text is not None:
            self.reads.add((repo, posixpath.normpath(path)))
        return text

    def peek(self, repo: str, path: str) -> str | None:
        """Text of a file without recording it as an input of the current parse."""
        return self._get(repo, path)[0]

    def digest(self, repo: str, path: str) -> str | None:
        """sha256 of a file inside an ingested repository (None when absent)."""
        return self._get(repo, path)[1]

    def _get(self, repo: str, path: str) -> tuple[str | None, str | None]:
        norm = posixpath.normpath(path)
        key = (repo, norm)
        if key in self._cache:
            return self._cache[key]
        result: tuple[str | None, str | None] = (None, None)
        root = self._roots.get(repo)
        if root is not None and not norm.startswith(("/", "../")) and norm != "..":
            try:
                file = (root / norm).resolve()
            except RuntimeError:  # a symlink loop (Python < 3.13)
                file = root
            if file.is_relative_to(root) and file.is_file():
                try:
                    cand = Candidate(file, Source(repo, norm, str(file)), _NO_LOADER, root)
                    result = read_source(cand, self.max_bytes)
                except ParseError:
                    result = (None, None)
        self._cache[key] = result
        return result

    def inputs_digest(self, inputs: list[str]) -> str:
        """One hash over the current content of a source's input files (``repo:path`` keys)."""
        h = hashlib.sha256()
        for key in sorted(inputs):
            repo, _, path = key.partition(":")
            h.update(f"{key}={self.digest(repo, path) or '-'}\n".encode())
        return h.hexdigest()


class _NoLoader(Loader):
    name = "none"

    def matches(self, path: str) -> bool:
        return False

    def parse(self, text, source, context=None):  # pragma: no cover - never called
        raise NotImplementedError


_NO_LOADER = _NoLoader()

Progress = Callable[[int, int, str], None]


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
    """Load every recognised file under ``paths`` into ``store``; see the module docstring.
    With ``scan``, source code is scanned too and the ``CALLS`` edges derived afterwards.

    Returns once what it loaded is durable. When the store stops answering or cannot save, raises
    :class:`StoreUnavailable` (:class:`StoreNotDurable`) saying how many files were loaded and that
    running the same command again finishes the job (unchanged files are skipped, the rest loaded).
    A big file is loaded in parts (see :mod:`planner.big_files`), its progress told to ``file_progress``."""
    report = IngestReport(run=new_run_id())
    loads = LoadReport()
    try:
        _ingest(
            store, [Path(p) for p in paths], report, loads, repo, force, prune, max_bytes, progress, scan, file_progress
        )
        store.ensure_durable()
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
    progress: Progress | None,
    scan: bool,
    file_progress: FileProgress | None = None,
) -> None:
    """The body of :func:`ingest`: fills ``report`` (parse outcomes) and ``loads`` (load outcomes)."""
    started = time.perf_counter()
    store.ensure_schema()
    big_files.delete_leftovers(store)  # hook (planner/big_files.py): staging copies a killed part load left
    candidates = discover(paths, repo, report.warnings, scan=scan)
    report.files = len(candidates)
    digests = _digests(store, [c.source.key for c in candidates])
    known = {} if force else digests
    context = IngestContext(candidates, max_bytes)
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    pending: list[LoadedSource] = []
    pending_rows = 0

    stack = contextlib.ExitStack()
    bulk = False
    # Loads run on one background thread so that reading and parsing the next batch overlaps the
    # store executing this one (the GIL is released while the thread waits for the server). At
    # most one load is in flight; its outcome goes to a report of its own, merged at the end.
    loader_thread: ThreadPoolExecutor | None = None
    in_flight: Future[None] | None = None

    def flush(final: bool = False) -> None:
        nonlocal pending, pending_rows, bulk, loader_thread, in_flight
        if not bulk and (pending_rows >= BATCH_ROWS or len(pending) >= BATCH_SOURCES):
            stack.enter_context(store.bulk())  # a large ingest: let the store load in bulk mode
            bulk = True
            loader_thread = stack.enter_context(ThreadPoolExecutor(1, thread_name_prefix="depwave-load"))
        if in_flight is not None:
            in_flight.result()
            in_flight = None
        if pending:
            if loader_thread is not None and not final:
                in_flight = loader_thread.submit(_load, store, pending, loads, stamp, report.run)
            else:
                _load(store, pending, loads, stamp, report.run)
        pending, pending_rows = [], 0

    def take(outcome: _Outcome) -> None:
        nonlocal pending_rows
        _note(report, outcome)
        if outcome.item is not None and big_files.is_big(outcome.item):  # hook: planner/big_files.py
            flush(final=True)  # the files before it first, and nothing in flight
            big_files.load_big(store, outcome.item, loads, stamp, report.run, file_progress)
        elif outcome.item is not None:
            pending.append(outcome.item)
            pending_rows += len(outcome.item.result.records)
            if pending_rows >= BATCH_ROWS or len(pending) >= BATCH_SOURCES:
                flush()

    with stack:
        stack.enter_context(_young_gc_only())
        start_at = 0
        workers = _workers(candidates)
        if workers:
            stack.enter_context(store.bulk())
            bulk = True
            start_at = _ingest_with_workers(store, candidates, known, context, stamp, report, loads, progress, workers)
        for i in range(start_at, len(candidates)):  # in this process (all of it, or what a dead worker left)
            cand = candidates[i]
            if progress:
                progress(i + 1, len(candidates), cand.source.display)
            if file_progress and _size(cand.file) >= big_files.ANNOUNCE_BYTES:  # hook: planner/big_files.py
                file_progress(cand.source.display, 0, 0)
            take(_parse_one(cand, context, known))
        flush(final=True)
        loads.merge_into(report)
        if prune:
            report.pruned = _prune(store, paths, candidates)
        if report.loaded or report.pruned:  # re-derived below; gone first so that orphans go too
            from planner.reachability.stored import delete_calls

            delete_calls(store)
        # orphans come only from edges a load or a prune removed: none when no file was in the store
        if (report.loaded and digests) or report.pruned:
            removed = store.write("delete_orphans")
            if removed:
                report.orphans_removed = int(removed[0].get("versions") or 0) + int(removed[0].get("others") or 0)
    if report.loaded or report.pruned:  # derive BUILT_FROM and OWNS from what the files said
        from planner.link import link

        report.links = link(store, run=report.run).as_dict()
        from planner.reachability.stored import derive_calls

        report.calls = derive_calls(store, report.run).as_dict()
    report.seconds = time.perf_counter() - started


def _size(file: Path) -> int:
    try:
        return file.stat().st_size
    except OSError:
        return 0


@contextlib.contextmanager
def _young_gc_only() -> Iterator[None]:
    """Keep the garbage collector to its young generations while an ingest runs.

    Parsing keeps millions of long-lived objects (records, purl caches); every full collection scans
    them all and, on the 1M-edge synthetic org, 49 of them freed nothing and cost 28 % of the parse
    time. Young collections still reclaim short-lived cycles; the usual thresholds come back at the
    end (a forked worker inherits the setting)."""
    young, middle, old = gc.get_threshold()
    gc.set_threshold(young, middle, 1 << 30)
    try:
        yield
    finally:
        gc.set_threshold(young, middle, old)


@dataclass(slots=True)
class _Outcome:
    """What reading and parsing one candidate gave: a source to load (``item``, by ``loader``), or why not."""

    item: LoadedSource | None = None
    loader: str | None = None
    unchanged: bool = False
    error: str | None = None
    warnings: list[str] = field(default_factory=list)


def _parse_one(cand: Candidate, context: IngestContext, known: dict[str, dict]) -> _Outcome:
    """Read one file, skip it when it and its inputs are unchanged, else parse it (never raises)."""
    try:
        if cand.loader.reads_bytes:  # source code: judged and scanned by its loader, reads nothing else
            data, digest = read_bytes(cand, context.max_bytes)
            previous = known.get(cand.source.key)
            if previous and previous["sha256"] == digest:
                return _Outcome(unchanged=True)
            result = cand.loader.parse_bytes(data, cand.source)
            inputs: list[str] = []
        else:
            text, digest = read_source(cand, context.max_bytes)
            previous = known.get(cand.source.key)
            if (
                previous
                and previous["sha256"] == digest
                and (
                    not previous.get("inputs") or context.inputs_digest(previous["inputs"]) == previous["inputs_sha256"]
                )
            ):
                return _Outcome(unchanged=True)
            context.reads = set()
            result = cand.loader.parse(text, cand.source, context)
            if might_hold_unstorable(text):
                result = drop_unstorable(result, cand.source)
            own = (cand.source.repo, posixpath.normpath(cand.source.path))
            inputs = sorted(f"{r}:{p}" for r, p in context.reads if (r, p) != own)
    except ParseError as exc:
        return _Outcome(error=message(exc))
    except RecursionError:
        return _Outcome(error=message(f"{cand.source.display}:0: nested too deeply to read; skipped"))
    except Exception as exc:  # a loader bug must not stop the run
        return _Outcome(
            error=message(
                f"{cand.source.display}:0: internal error in the {cand.loader.name} loader "
                f"({type(exc).__name__}: {excerpt(exc, 200)}); skipped"
            )
        )
    item = LoadedSource(
        cand.source,
        digest,
        cand.loader.name,
        result,
        str(cand.repo_root),
        inputs,
        context.inputs_digest(inputs) if inputs else None,
    )
    return _Outcome(item=item, loader=cand.loader.name, warnings=[message(w) for w in result.warnings])


def _note(report: IngestReport, outcome: _Outcome) -> None:
    """Count a parse outcome in the report (loads are counted apart, in a LoadReport)."""
    if outcome.unchanged:
        report.unchanged += 1
    elif outcome.error is not None:
        report.skipped += 1
        report.errors.append(outcome.error)
    elif outcome.loader is not None:
        report.warnings.extend(outcome.warnings)
        report.by_loader[outcome.loader] += 1


#: worker processes read and parse when an ingest has at least this many files (and the machine more
#: than one core); ``DEPWAVE_INGEST_WORKERS=N`` sets how many (0: none, all in this process)
WORKER_MIN_FILES = 2_000
#: files per chunk: worker k of n takes chunks k, k+n, ...; this process loads them in file order
CHUNK_FILES = 1_000


def _chunks(total: int) -> list[tuple[int, int]]:
    """The ``[lo, hi)`` file ranges the workers take turns on: the first and the last few are smaller,
    so that the store starts loading sooner and finishes sooner after the last parse."""
    ramp = [max(1, CHUNK_FILES // 4), max(1, CHUNK_FILES // 2)]
    sizes: list[int] = []
    left = total
    for size in ramp:
        if left > 0:
            sizes.append(min(size, left))
            left -= sizes[-1]
    tail: list[int] = []
    for size in ramp:
        if left > CHUNK_FILES + size:
            tail.insert(0, size)
            left -= size
    while left > 0:
        sizes.append(min(CHUNK_FILES, left))
        left -= sizes[-1]
    sizes += tail
    out, lo = [], 0
    for size in sizes:
        out.append((lo, lo + size))
        lo += size
    return out


def _workers(candidates: list[Candidate]) -> int:
    """How many worker processes to use: one per core, at most 4, none for a small ingest or without fork."""
    import multiprocessing

    wanted = os.environ.get("DEPWAVE_INGEST_WORKERS", "").strip()
    cores = os.cpu_count() or 1
    count = int(wanted) if wanted.isdigit() else (min(4, cores) if cores > 1 else 0)
    if count < 1 or len(candidates) < WORKER_MIN_FILES or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    return count


def _ingest_with_workers(
    store: Store,
    candidates: list[Candidate],
    known: dict[str, dict],
    context: IngestContext,
    stamp: str,
    report: IngestReport,
    loads: LoadReport,
    progress: Progress | None,
    workers: int,
) -> int:
    """Read, parse and render the loads in forked worker processes while this one feeds the store
    (one load in flight on a thread), so that Python and the server use every core.

    The files are cut into chunks (:func:`_chunks`); worker k of n takes chunks k, k+n, ... and sends,
    per chunk and in file order, progress and one message per batch: the prepared load, the parse
    outcomes of the batch's files and the indices of the sources in it; a chunk's last batch ends at
    the chunk's end. This process takes the chunks in order, so outcomes are counted and sources
    loaded in file order whatever the number of workers. A batch the store rejects is loaded again
    source by source, parsed anew here. Returns how many candidates were handled: all of them, or
    fewer when a worker died (the caller goes on in this process from there)."""
    import multiprocessing

    mp = multiprocessing.get_context("fork")
    chunks = _chunks(len(candidates))
    receivers, processes = [], []
    parent = os.getpid()
    for k in range(workers):
        receive, send = mp.Pipe(duplex=False)
        # the child closes the read ends it inherits (its own and its elder siblings'): once this process
        # is gone nobody reads them, and a worker's send fails instead of blocking forever
        args = (send, [*receivers, receive], parent, store, candidates, known, context, stamp, report.run)
        process = mp.Process(target=_worker, args=(*args, chunks[k::workers]), daemon=True)
        process.start()
        send.close()
        receivers.append(receive)
        processes.append(process)
    handled = 0
    failed = True
    with ThreadPoolExecutor(1, thread_name_prefix="depwave-load") as pool:
        in_flight: Future[bool] | None = None
        try:
            for c, (lo, hi) in enumerate(chunks):
                receive = receivers[c % workers]
                end = lo
                while end < hi:
                    try:
                        message = receive.recv()
                    except EOFError:  # the worker is gone
                        return handled
                    if message[0] == "progress":
                        if progress:
                            i = message[1]
                            progress(i, len(candidates), candidates[i - 1].source.display)
                        continue
                    _, end, prepared, counts, outcomes, indices = message
                    if in_flight is not None:
                        whole = in_flight.result()
                        in_flight = None
                        if not whole:  # later batches may rely on nodes the rejected one was to write:
                            return handled  # this process takes over from there, with whole batches
                    for outcome in outcomes:
                        _note(report, outcome)
                    if progress:
                        progress(end, len(candidates), candidates[end - 1].source.display)
                    if indices:
                        in_flight = pool.submit(
                            _load_prepared, store, prepared, counts, [candidates[i] for i in indices], context,
                            known, loads, stamp, report.run,
                        )  # fmt: skip
                    handled = end
            failed = False
        finally:
            if failed:  # the store stopped (or this process is interrupted): the workers' parses are moot
                for process in processes:
                    process.kill()
            try:
                if in_flight is not None:
                    in_flight.result()
            finally:
                for receive in receivers:
                    receive.close()
                for process in processes:
                    process.join(timeout=5)
                    if process.is_alive():
                        process.kill()
                        process.join(timeout=5)
    return handled


def _worker(  # pragma: no cover - runs in the child
    send,
    inherited: list,
    parent: int,
    store: Store,
    candidates,
    known,
    context,
    stamp: str,
    run: str,
    chunks: list[tuple[int, int]],
) -> None:
    """A worker (see :func:`_ingest_with_workers`) on its share of the chunks; it never touches the
    store's connection. Its batches leave out the Package/Version nodes its earlier batches carried.
    It dies with its parent: killed by the kernel when the parent exits (Linux), and elsewhere on
    its next send, which fails once no process holds the pipe's read end."""
    _die_with_parent(parent)
    for receive in inherited:
        receive.close()
    written: set[tuple[str, str]] = set()
    try:
        for lo, hi in chunks:
            items: list[LoadedSource] = []
            indices: list[int] = []
            outcomes: list[_Outcome] = []  # without the parsed records: those travel as the prepared load
            rows = 0
            for i in range(lo, hi):
                outcome = _parse_one(candidates[i], context, known)
                if outcome.item is not None:
                    items.append(outcome.item)
                    indices.append(i)
                    rows += len(outcome.item.result.records)
                    outcome = _Outcome(loader=outcome.loader, warnings=outcome.warnings)
                outcomes.append(outcome)
                if rows >= BATCH_ROWS or len(items) >= BATCH_SOURCES or i == hi - 1:
                    batch = GraphBatch()
                    for item in items:
                        batch.add(item, stamp)
                    batch.skip_written(written)
                    prepared = store.prepare_load(batch, run) if items else None
                    send.send(("batch", i + 1, prepared, (batch.edge_count, batch.row_count), outcomes, indices))
                    items, indices, outcomes, rows = [], [], [], 0
                elif i % 50 == 0:
                    send.send(("progress", i + 1))
    finally:
        send.close()


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


def _load_prepared(
    store: Store,
    prepared: object,
    counts: tuple[int, int],
    cands: list[Candidate],
    context: IngestContext,
    known: dict[str, dict],
    report: LoadReport,
    stamp: str,
    run: str,
) -> bool:
    """Run a batch a worker prepared; if the store rejects it, parse its files again here and load
    them one by one so one bad source costs only itself. Returns whether the batch loaded whole."""
    try:
        store.load_prepared(prepared)
    except StoreUnavailable:
        raise  # the store is gone or cannot save: no file is to blame
    except DepwaveError:
        for cand in cands:
            outcome = _parse_one(cand, context, known)
            if outcome.item is not None:
                _load(store, [outcome.item], report, stamp, run)
        return False
    report.loaded += len(cands)
    report.edges += counts[0]
    report.rows += counts[1]
    return True


def _digests(store: Store, keys: list[str]) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for i in range(0, len(keys), 1000):
        for row in store.query("list_source_digests", {"keys": keys[i : i + 1000]}):
            out[row["key"]] = row
    return out


@dataclass(slots=True)
class LoadReport:
    """What the loads of an ingest did (kept apart from the parse results while loads run on a thread)."""

    loaded: int = 0
    skipped: int = 0
    rows: int = 0
    edges: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    merged: bool = False

    def merge_into(self, report: IngestReport) -> None:
        """Add these counts and errors to the ingest's report."""
        self.merged = True
        report.loaded += self.loaded
        report.skipped += self.skipped
        report.rows += self.rows
        report.edges += self.edges
        report.by_loader.subtract(self.rejected)
        report.errors.extend(self.errors)


def _load(store: Store, items: list[LoadedSource], report: LoadReport, stamp: str, run: str) -> None:
    """Load a batch; if it fails, load its sources one by one so one bad source costs only itself."""
    batch = GraphBatch()
    for item in items:
        batch.add(item, stamp)
    try:
        store.load(batch, run)
    except StoreUnavailable:
        raise  # the store is gone or cannot save: no file is to blame
    except DepwaveError as exc:
        if len(items) > 1:
            for item in items:
                _load(store, [item], report, stamp, run)
            return
        report.skipped += 1
        report.rejected[items[0].loader] += 1
        report.errors.append(
            message(
                f"{items[0].source.display}:0: the store rejected this file's records ({excerpt(exc, 200)}); skipped"
            )
        )
        return
    report.loaded += len(items)
    report.edges += batch.edge_count
    report.rows += batch.row_count


def _prune(store: Store, paths: list[Path], candidates: list[Candidate]) -> int:
    """Forget files that disappeared from under the walked directories."""
    walked = [p.resolve() for p in paths if p.is_dir()]
    if not walked:
        return 0
    present = {c.source.key for c in candidates}
    gone = []
    for w in walked:
        for row in store.query("list_sources_under", {"prefix": str(w)}):
            if row["key"] in present or not row.get("root"):
                continue
            if Path(row["root"]).is_relative_to(w) and not (Path(row["root"]) / row["path"]).is_file():
                gone.append(row["key"])
    if gone:
        store.write("delete_sources", {"sources": sorted(set(gone))})
    return len(set(gone))
