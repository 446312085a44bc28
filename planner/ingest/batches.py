"""The one batcher: cuts parse outcomes, in file order, into the batches that are loaded as one statement each.

Used by the in-process ingest and by every forked worker, so both load the same batches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from planner.ingest.parse import Outcome
from planner.record_stream import record_count
from planner.store.rows import LoadedSource

#: rows per load statement unless the store says otherwise (``Store.load_rows``: the embedded store
#: loads larger statements, see there)
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
    full: bool = False  # cut because it reached its row limit or BATCH_SOURCES (not at the end of its range)
    big: bool = False  # one big file alone, loaded in parts (planner/big_files.py)


def cut_batches(
    parsed: Iterable[tuple[int, Outcome]],
    is_big: Callable[[LoadedSource], bool] | None = None,
    max_rows: int | None = None,
) -> Iterator[Batch]:
    """Group ``(candidate index, outcome)`` pairs into batches of at most BATCH_SOURCES sources, cut once
    a batch reaches ``max_rows`` records (default BATCH_ROWS; the ingest passes its store's ``load_rows``).
    The last batch ends the range and is yielded even when empty
    (its ``end`` tells how far the range went); nothing is yielded for an empty range.

    A source ``is_big`` accepts ends the batch before it and comes alone, as a ``big`` batch."""
    limit = max_rows or BATCH_ROWS
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
        if batch.rows >= limit or len(batch.items) >= BATCH_SOURCES:
            batch.full = True
            yield batch
            batch = Batch(end=i + 1)
            started = False
    if started:
        yield batch
