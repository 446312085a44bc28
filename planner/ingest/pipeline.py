"""The in-process load pipeline: batches go to the store in file order, one in flight on a thread."""

from __future__ import annotations

import contextlib
from concurrent.futures import Future, ThreadPoolExecutor

from planner.ingest.batches import Batch
from planner.ingest.loads import load
from planner.ingest.report import LoadReport
from planner.store.base import Store


class LoadPipeline:
    """Loads the batches of :func:`planner.ingest.batches.cut_batches` in order.

    The first full batch switches the store to bulk mode and starts one background thread, so that
    reading and parsing the next batch overlaps the store executing this one (the GIL is released
    while the thread waits for the server). At most one load is in flight; the last batch is loaded
    on the calling thread. Its outcome goes to ``loads``, merged into the ingest's report at the end.
    """

    def __init__(self, store: Store, stack: contextlib.ExitStack, loads: LoadReport, stamp: str, run: str) -> None:
        self.store = store
        self.stack = stack
        self.loads = loads
        self.stamp = stamp
        self.run = run
        self.bulk = False
        self.thread: ThreadPoolExecutor | None = None
        self.in_flight: Future[None] | None = None

    def enter_bulk(self) -> None:
        """Bulk mode without the thread (the workers' path, once its loads are large); once."""
        if not self.bulk:
            self.stack.enter_context(self.store.bulk(wait=False))  # ingest() waits at its end
            self.bulk = True

    def submit(self, batch: Batch, final: bool = False) -> None:
        """Load ``batch`` after the one in flight: on the thread unless ``final`` or no thread was started."""
        if self.thread is None and batch.full:
            self.enter_bulk()  # a large ingest: let the store load in bulk mode
            self.thread = self.stack.enter_context(ThreadPoolExecutor(1, thread_name_prefix="depwave-load"))
        self.wait()
        if not batch.items:
            return
        if self.thread is not None and not final:
            self.in_flight = self.thread.submit(load, self.store, batch.items, self.loads, self.stamp, self.run)
        else:
            load(self.store, batch.items, self.loads, self.stamp, self.run)

    def wait(self) -> None:
        """Wait for the load in flight (raising what it raised)."""
        if self.in_flight is not None:
            self.in_flight.result()
            self.in_flight = None
