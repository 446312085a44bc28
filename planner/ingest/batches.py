"""The one batcher: cuts parse outcomes, in file order, into the batches that are loaded as one statement each.

Used by the in-process ingest and by every forked worker, so both load the same batches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from planner.ingest.parse import Outcome
from planner.record_stream import record_count
from planner.store.rows import LoadedSource

#: rows per load statement. Larger statements cost FalkorDB less per row but hold more memory while
#: they run (1M-edge org, one worker: 47.7 s of load statements and 1.34 GB peak redis RSS at 25,000
#: rows; 40.5 s / 1.40 GB at 50,000; 32.2 s / 1.61 GB at 100,000, over the 1.5 GB budget)
BATCH_ROWS = 50_000
BATCH_SOURCES = 1_000


@dataclass(slots=True)
class Batch:
    """Consecutive candidates ``[..., end)``: their parse outcomes and the sources among them to load."""

    end: int = 0
    outcomes: list[Outcome] = field(default_factory=list)
    items: list[LoadedSource] = field(default_factory=list)
    indices: list[int] = field(default_factory=list)  # the candidate index of each item
    rows: int = 0
    full: bool = False  # cut because it reached BATCH_ROWS or BATCH_SOURCES (not at the end of its range)
    big: bool = False  # one big file alone, loaded in parts (planner/big_files.py)


def cut_batches(
    parsed: Iterable[tuple[int, Outcome]], is_big: Callable[[LoadedSource], bool] | None = None
) -> Iterator[Batch]:
    """Group ``(candidate index, outcome)`` pairs into batches of at most BATCH_SOURCES sources, cut once
    a batch reaches BATCH_ROWS records. The last batch ends the range and is yielded even when empty
    (its ``end`` tells how far the range went); nothing is yielded for an empty range.

    A source ``is_big`` accepts ends the batch before it and comes alone, as a ``big`` batch."""
    batch = Batch()
    started = False
    for i, outcome in parsed:
        started = True
        if outcome.item is not None and is_big is not None and is_big(outcome.item):
            if batch.outcomes:
                batch.full = True
                yield batch
            yield Batch(end=i + 1, outcomes=[outcome], items=[outcome.item], indices=[i], full=True, big=True)
            batch = Batch(end=i + 1)
            started = False
            continue
        batch.outcomes.append(outcome)
        batch.end = i + 1
        if outcome.item is None:
            continue
        batch.items.append(outcome.item)
        batch.indices.append(i)
        batch.rows += record_count(outcome.item.result.records)
        if batch.rows >= BATCH_ROWS or len(batch.items) >= BATCH_SOURCES:
            batch.full = True
            yield batch
            batch = Batch(end=i + 1)
            started = False
    if started:
        yield batch
