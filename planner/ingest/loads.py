"""Loading batches into the store: a rejected batch is loaded again source by source."""

from __future__ import annotations

from collections.abc import Mapping

from planner.errors import DepwaveError, StoreUnavailable
from planner.ingest.candidates import Candidate
from planner.ingest.context import IngestContext
from planner.ingest.parse import parse_one
from planner.ingest.report import LoadReport
from planner.safe_text import excerpt, message
from planner.store.base import Store
from planner.store.rows import Expected, GraphBatch, LoadedSource


def load(store: Store, items: list[LoadedSource], report: LoadReport, stamp: str, run: str) -> None:
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
                load(store, [item], report, stamp, run)
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
    report.expected.add(batch.expected())


def load_prepared(
    store: Store,
    prepared: object,
    counts: tuple[int, int, Expected],
    cands: list[Candidate],
    context: IngestContext,
    known: Mapping[str, dict],
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
            outcome = parse_one(cand, context, known)
            if outcome.item is not None:
                load(store, [outcome.item], report, stamp, run)
        return False
    report.loaded += len(cands)
    report.edges += counts[0]
    report.rows += counts[1]
    report.expected.add(counts[2])
    return True
