"""The ingest's handling of one big parsed file: load it in parts (``planner.store.source_parts``),
report its progress, and count the outcome like any other load (one bad file costs only itself)."""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Protocol

from planner.errors import DepwaveError, StoreUnavailable
from planner.safe_text import excerpt, message
from planner.store.base import Store
from planner.store.rows import LoadedSource
from planner.store.source_parts import delete_leftovers, load_in_parts, needs_parts

if TYPE_CHECKING:
    from planner.ingest import LoadReport
    from planner.ingest.candidates import Candidate
    from planner.ingest.context import IngestContext

#: called with (file as shown, records loaded so far, records in the file); total 0 = still parsing;
#: during a parse, with a fourth argument ``"characters parsed"`` and characters instead of records
FileProgress = Callable[..., None]

#: a file at least this big gets a "reading" line before its parse (which may take minutes)
ANNOUNCE_BYTES = 16 * 1024 * 1024

__all__ = [
    "ANNOUNCE_BYTES",
    "FileProgress",
    "delete_leftovers",
    "is_big",
    "load_big",
    "parse_progress",
    "parsed_where_loaded",
    "stderr_progress",
]


def parsed_where_loaded(cand: Candidate) -> bool:
    """Whether a file is too big to be parsed in an ingest worker: a worker sends its records to this process
    in one message, to be loaded in one statement; this process parses it itself and loads it in parts (a
    big npm lockfile's records then come as a stream, never all held at once)."""
    return _size(cand.file) >= ANNOUNCE_BYTES


def is_big(item: LoadedSource) -> bool:
    """Whether the ingest should load this parsed file in parts."""
    return needs_parts(item)


@contextlib.contextmanager
def parse_progress(context: IngestContext, cand: Candidate, progress: FileProgress | None) -> Iterator[None]:
    """Around the parse of one file: when it is big (:data:`ANNOUNCE_BYTES`), say it is being read and
    pass what its loader reports (characters parsed) to ``progress``."""
    if progress is None or _size(cand.file) < ANNOUNCE_BYTES:
        yield
        return
    shown = cand.source.display
    progress(shown, 0, 0)  # its parse may take minutes
    context.on_progress = lambda done, total: progress(shown, done, total, "characters parsed")
    try:
        yield
    finally:
        context.on_progress = None


def _size(file: str) -> int:
    try:
        return os.stat(file).st_size
    except OSError:
        return 0


def load_big(
    store: Store, item: LoadedSource, report: LoadReport, stamp: str, run: str, progress: FileProgress | None
) -> None:
    """Load one big file in parts and count it in ``report``; a store rejection skips the file with
    a ``path:0: reason`` error (its previous version stays), a dead store stops the ingest. While the
    store builds the graph apart (``Store.building``: a first ingest, nothing to stage it beside) it is
    loaded whole, like any other file."""
    if store.building:
        from planner.ingest.loads import load

        load(store, [item], report, stamp, run)
        return
    shown = item.source.display
    try:
        edges, rows, expected = load_in_parts(
            store, item, stamp, run, (lambda done, total: progress(shown, done, total)) if progress else None
        )
    except StoreUnavailable:
        raise
    except DepwaveError as exc:
        report.skipped += 1
        report.rejected[item.loader] += 1
        report.errors.append(
            message(f"{shown}:0: the store rejected this file's records ({excerpt(exc, 200)}); skipped")
        )
        return
    report.loaded += 1
    report.edges += edges
    report.rows += rows
    report.expected.add(expected)  # checked after the loads, under the real key, like any other file


class _Writer(Protocol):
    def write(self, text: str, /) -> object: ...
    def flush(self) -> object: ...


def stderr_progress(every_s: float = 5.0, stream: _Writer | None = None) -> FileProgress:
    """A :data:`FileProgress` that prints ``file: 40,000 of 250,000 records loaded`` lines (``file:
    30,000,000 of 98,000,000 characters parsed`` during a parse), at most one per ``every_s`` seconds (and
    always the last), for a stderr that is not a terminal."""
    last = [0.0]
    out = stream or sys.stderr

    def show(shown: str, done: int, total: int, what: str = "records loaded") -> None:
        now = time.monotonic()
        if total and done < total and now - last[0] < every_s:
            return
        last[0] = now
        text = f"{shown}: reading and parsing" if not total else f"{shown}: {done:,} of {total:,} {what}"
        out.write(message(text) + os.linesep)
        out.flush()

    return show
