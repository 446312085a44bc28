"""Records a loader makes on demand, for a file too big to hold them all at once.

A loader may return a :class:`RecordStream` instead of a list as ``ParseResult.records`` (the npm
lockfile loader does for a big file). Iterating it makes the records, in the same order every time;
nothing can ask how many there are without making them, so it carries an ``estimate`` for progress and
batching. The ingest loads such a file in parts (``planner.store.source_parts``), a part at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from planner.model import Record


class RecordStream:
    """Records made anew by ``make()`` on each iteration; about ``estimate`` of them."""

    __slots__ = ("_make", "estimate")

    def __init__(self, make: Callable[[], Iterator[Record]], estimate: int) -> None:
        self._make = make
        self.estimate = estimate

    def __iter__(self) -> Iterator[Record]:
        return self._make()

    def __repr__(self) -> str:
        return f"RecordStream(estimate={self.estimate})"


def record_count(records: Iterable[Record]) -> int:
    """How many records: the length of a list, the estimate of a :class:`RecordStream`."""
    return records.estimate if isinstance(records, RecordStream) else len(records)  # type: ignore[arg-type]
