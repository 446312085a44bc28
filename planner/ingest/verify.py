"""The check after the loads: the store holds every edge the ingest sent, no fewer, no more.

FalkorDB 4.16.3 has been seen to lose RESOLVES edges of a 1M-edge ingest, to write DEPENDS_ON pairs
twice and to lose parts of appends to a string, all without an error (BENCHMARKS.md, "The load fault");
an ingest that says "loaded" must not rest on that. Each load records what it sent
(:meth:`GraphBatch.expected`); once every batch is in, :func:`verify_loads` reads back

* per loaded file, the edges it stamps of each type (``count_source_edges.cypher``: an index lookup
  per type; RESOLVES through the projects the SourceFile's ``resolves_for`` lists, as the next load
  will find them), which must equal what its load sent;
* per DEPENDS_ON pair the loads stated, its edges (``count_pair_edges.cypher``, by version): exactly
  one, the strings of its ``stated_by`` at least as long as the statements the loads appended (exactly
  as long on a fresh store). A pair is restated by thousands of files, so the check goes by pair, not
  by statement, and a lost statement shows as a short string; the files a wrong pair concerns are then
  found by their SourceFile entries (``find_sources_stating.cypher``).

The files that differ are loaded once more (a pair written twice first made one edge again:
``merge_duplicate_pairs.cypher``) and everything is checked again, up to :data:`ROUNDS` times. Files
still wrong are forgotten (so that the next ingest loads them, not skips them as unchanged) and the
ingest fails with :class:`StoreLostWrites`. A big file, loaded in parts through a staging copy, is
checked under its real key once swapped in, against its parts' expectations added up
(:func:`planner.store.source_parts.load_in_parts`), and loaded again in parts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from planner.errors import StoreLostWrites
from planner.safe_text import message
from planner.store.base import Store
from planner.store.rows import Expected, LoadedSource
from planner.store.statements import FIELD, SEP_PARAM

#: sources per counting query
SOURCE_CHUNK = 1_000
#: versions per pair-counting query
VERSION_CHUNK = 5_000
#: how many times the files that differ are loaded again before the ingest gives up on them
ROUNDS = 3


@dataclass(frozen=True, slots=True)
class WrongPair:
    """A DEPENDS_ON pair that is not one edge holding the statements the loads sent for it."""

    version: str
    package: str
    edges: int
    length: int  # of the statements on those edges, in characters
    sent: int  # length of the statements this ingest's loads appended

    def describe(self) -> str:
        """``DEPENDS_ON a -> b on 2 edges`` or ``... statements 140 of 210 characters long``."""
        where = f"DEPENDS_ON {self.version} -> {self.package}"
        if self.edges != 1:
            return f"{where} on {self.edges} edges"
        return f"{where} statements {self.length} of {self.sent} characters long"


@dataclass(frozen=True, slots=True)
class Difference:
    """What the store holds for one file against what its load sent: (what, expected, found) per
    relationship type, and the DEPENDS_ON pairs it states that are wrong."""

    source: str
    counts: tuple[tuple[str, int, int], ...] = ()
    pairs: tuple[WrongPair, ...] = ()

    def doubles_pairs(self) -> bool:
        """Whether some pair this file states has more than one DEPENDS_ON edge."""
        return any(p.edges > 1 for p in self.pairs)

    def describe(self) -> str:
        """What differs: ``RESOLVES 38 of 40, DEPENDS_ON a -> b on 2 edges`` (found of expected)."""
        return ", ".join(
            [f"{what} {found} of {want}" for what, want, found in self.counts] + [p.describe() for p in self.pairs]
        )


def find_differences(store: Store, expected: Expected) -> list[Difference]:
    """The files whose edges in the store differ from ``expected``, in key order. A wrong pair that
    none of the loaded files states (its version is one they state pairs of) has no file to load again
    and is not reported."""
    counted = _edge_differences(store, expected.edges)
    wrong = _wrong_pairs(store, expected.pairs)
    stating = _sources_stating(store, list(expected.edges), wrong) if wrong else {}
    keys = sorted(set(counted) | set(stating))
    return [Difference(k, counted.get(k, ()), tuple(stating.get(k, ()))) for k in keys]


def _edge_differences(store: Store, expected: dict[str, dict[str, int]]) -> dict[str, tuple]:
    """Per file, the relationship types whose edge count is not what its load sent."""
    keys = sorted(expected)
    out: dict[str, tuple] = {}
    for i in range(0, len(keys), SOURCE_CHUNK):
        chunk = keys[i : i + SOURCE_CHUNK]
        found: dict[str, dict[str, int]] = {k: {} for k in chunk}
        for row in store.query("count_source_edges", {"sources": chunk}):
            # a row for no source asked for: the index named an edge whose `source` is gone (seen with
            # FalkorDB's fault); the source it was for comes out short and is loaded again
            if (counts := found.get(str(row["source"]))) is not None:
                counts[str(row["type"])] = int(row["edges"])
        for key in chunk:
            want, got = expected[key], found[key]
            names = sorted(set(want) | set(got))
            if diff := tuple((n, want.get(n, 0), got.get(n, 0)) for n in names if want.get(n, 0) != got.get(n, 0)):
                out[key] = diff
    return out


def _wrong_pairs(store: Store, expected: dict[tuple[str, str], int]) -> list[WrongPair]:
    """The pairs of the loaded versions that are not one edge holding the statements sent."""
    versions = sorted({v for v, _ in expected})
    found: dict[tuple[str, str], tuple[int, int]] = {}
    for i in range(0, len(versions), VERSION_CHUNK):
        for row in store.query("count_pair_edges", {"versions": versions[i : i + VERSION_CHUNK]}):
            found[(str(row["version"]), str(row["package"]))] = (int(row["edges"]), int(row["length"]))
    wrong = []
    for pair in sorted(set(expected) | set(found)):
        edges, length = found.get(pair, (0, 0))
        sent = expected.get(pair, 0)
        if (sent and edges != 1) or edges > 1 or length < sent:
            wrong.append(WrongPair(pair[0], pair[1], edges, length, sent))
    return wrong


def _sources_stating(store: Store, sources: list[str], wrong: list[WrongPair]) -> dict[str, list[WrongPair]]:
    """Which of ``sources`` state each wrong pair, by their SourceFile entries."""
    by_prefix = {f"{p.version}{FIELD}{p.package}{FIELD}": p for p in wrong}
    out: dict[str, list[WrongPair]] = {}
    keys = sorted(sources)
    for i in range(0, len(keys), SOURCE_CHUNK):
        params = {"sources": keys[i : i + SOURCE_CHUNK], "pairs": sorted(by_prefix), "sep": SEP_PARAM}
        for row in store.query("find_sources_stating", params):
            out[str(row["source"])] = [by_prefix[p] for p in row["pairs"]]
    return out


def verify_loads(
    store: Store,
    expected: Expected,
    reparse: Callable[[str], LoadedSource | None],
    reload: Callable[[list[LoadedSource]], set[str]],
) -> list[Difference]:
    """Check what ``expected`` says the loads left; load the files that differ once more (``reparse``
    reads one again, ``reload`` loads some and answers which the store took) and check everything
    again, up to :data:`ROUNDS` times (a load may damage what another file stated); raise
    :class:`StoreLostWrites` when files still differ (after forgetting them). Returns the differences
    found at first (each of those files loaded again and right now)."""
    first = pending = find_differences(store, expected) if expected.edges else []
    for _ in range(ROUNDS):
        if not pending:
            return first
        doubled = [d.source for d in pending if d.doubles_pairs()]
        if doubled:  # loading a file again cuts its statements out of both edges and appends to both
            store.write("merge_duplicate_pairs", {"sources": doubled, "sep": SEP_PARAM})
        items = [item for d in pending if (item := reparse(d.source)) is not None]
        if len(reload(items)) < len(pending):
            break  # a file could not be read or loaded again: give up on all of them, unchecked
        pending = find_differences(store, expected)
    if pending:
        _forget(store, (d.source for d in pending))
        raise StoreLostWrites(_lost_message(pending, len(first)))
    return first


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
