"""The check after the loads: the store holds every edge the ingest sent for each file, no fewer, no more.

FalkorDB 4.16 has been seen to lose RESOLVES edges of a 1M-edge ingest, or to write a DEPENDS_ON pair
twice, without an error (BENCHMARKS.md, "The load fault"); an ingest that says "loaded" must not rest on
that. Each load records what it sent per source (:meth:`GraphBatch.expected`); once every batch is in,
:func:`verify_loads` counts what the store holds for those sources — the edges each source stamps, per
type (``count_source_edges.cypher``, an index lookup each), and each DEPENDS_ON statement on exactly one
edge holding the source's token (``check_source_statements.cypher``) — and loads the files that differ
once more, alone (a pair written twice is first made one edge again: ``merge_duplicate_pairs.cypher``).
A file still wrong after that is forgotten (so the next ingest loads it, not skips it as unchanged) and
the ingest fails with :class:`StoreLostWrites`. Big files (loaded in parts through a staging copy) are
not checked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from planner.errors import StoreLostWrites
from planner.safe_text import message
from planner.store.base import Store
from planner.store.rows import STATEMENTS, LoadedSource
from planner.store.statements import SEP_PARAM

#: sources per checking query
CHECK_CHUNK = 1_000


@dataclass(frozen=True, slots=True)
class Difference:
    """What the store holds for one source against what its load sent: (what, expected, found)."""

    source: str
    counts: tuple[tuple[str, int, int], ...]

    def doubles_pairs(self) -> bool:
        """Whether some pair this source states has more than one DEPENDS_ON edge."""
        return any(what == "DEPENDS_ON edges" and found > want for what, want, found in self.counts)

    def describe(self) -> str:
        """What differs, found of expected: ``RESOLVES 38 of 40, DEPENDS_ON edges 13 of 12``."""
        return ", ".join(f"{what} {found} of {want}" for what, want, found in self.counts)


def find_differences(store: Store, expected: Mapping[str, Mapping[str, int]]) -> list[Difference]:
    """The sources whose edges in the store differ from ``expected`` (source -> type -> edges, with the
    DEPENDS_ON statements under :data:`STATEMENTS`), in key order."""
    keys = sorted(expected)
    out: list[Difference] = []
    for i in range(0, len(keys), CHECK_CHUNK):
        chunk = keys[i : i + CHECK_CHUNK]
        found: dict[str, dict[str, int]] = {k: {} for k in chunk}
        for row in store.query("count_source_edges", {"sources": chunk}):
            # a row for no source asked for: the index named an edge whose `source` is gone (seen with
            # FalkorDB's fault); the source it was for comes out short and is loaded again
            if (counts := found.get(str(row["source"]))) is not None:
                counts[str(row["type"])] = int(row["edges"])
        with_statements = [k for k in chunk if expected[k].get(STATEMENTS)]
        if with_statements:
            for row in store.query("check_source_statements", {"sources": with_statements, "sep": SEP_PARAM}):
                if (counts := found.get(str(row["source"]))) is None:
                    continue
                counts[STATEMENTS] = int(row["entries"])
                counts["DEPENDS_ON edges"] = int(row["edges"])
                counts["DEPENDS_ON tokens"] = int(row["stated"])
        for key in chunk:
            if diff := _compare(key, expected[key], found[key]):
                out.append(diff)
    return out


def _compare(source: str, want: Mapping[str, int], got: Mapping[str, int]) -> Difference | None:
    wanted = dict(want)
    if statements := wanted.get(STATEMENTS):
        wanted["DEPENDS_ON edges"] = statements
        wanted["DEPENDS_ON tokens"] = statements
    names = sorted(set(wanted) | set(got))
    counts = tuple((n, wanted.get(n, 0), got.get(n, 0)) for n in names if wanted.get(n, 0) != got.get(n, 0))
    return Difference(source, counts) if counts else None


def verify_loads(
    store: Store,
    expected: Mapping[str, Mapping[str, int]],
    reparse: Callable[[str], LoadedSource | None],
    reload: Callable[[LoadedSource], bool],
) -> list[Difference]:
    """Check every source in ``expected``; load each that differs once more (``reparse`` reads it
    again, ``reload`` loads it alone and says whether the store took it), check those again, and raise
    :class:`StoreLostWrites` when any still differs (after forgetting them). Returns the differences
    found at first (each source loaded again and right now)."""
    differences = find_differences(store, expected) if expected else []
    if not differences:
        return []
    doubled = [d.source for d in differences if d.doubles_pairs()]
    if doubled:  # loading a source again cuts its statements out of both edges and appends to both
        store.write("merge_duplicate_pairs", {"sources": doubled, "sep": SEP_PARAM})
    again: dict[str, Mapping[str, int]] = {}
    for diff in differences:
        item = reparse(diff.source)
        if item is not None and reload(item):
            again[diff.source] = expected[diff.source]
    still = find_differences(store, again) if again else []
    lost = still + [d for d in differences if d.source not in again]
    if lost:
        _forget(store, (d.source for d in lost))
        raise StoreLostWrites(_lost_message(lost, len(differences)))
    return differences


def _forget(store: Store, sources: Iterable[str]) -> None:
    """Delete what the store holds of ``sources``, so that the next ingest loads them again."""
    store.write("delete_sources", {"sources": sorted(set(sources)), "sep": SEP_PARAM})


def _lost_message(lost: list[Difference], first: int) -> str:
    shown = "; ".join(message(f"{d.source}: {d.describe()}") for d in lost[:3])
    more = f" and {len(lost) - 3} more" if len(lost) > 3 else ""
    return (
        f"the store did not keep what was loaded for {len(lost)} file(s) ({shown}{more}), even after loading "
        f"them again ({first} differed at first); they were removed from the store so that the next ingest "
        "loads them: stop the store (depwave db stop) and run the same command again"
    )
