"""Load one big file as several statements, atomically for that file.

One ``load_sources`` statement for a 300 MB lockfile holds millions of rows: the client renders them all
at once and the server holds the whole statement (4.7 GB and 11.1 GB RSS in issue 13). A file with more
than :data:`PART_RECORDS` records is loaded here instead, in parts:

1. its records are loaded part by part under a *staging* source key (``repo:path`` + :data:`STAGING_SUFFIX`),
   whose SourceFile node says ``staged_for`` the real key; the real source keeps its previous edges;
2. one last statement (``swap_staged_source.cypher``) deletes the real source's old edges and renames the
   staged ones to it.

So a crash, a kill or a store failure before step 2 leaves the file's previous version in place plus a
staging copy, which :func:`delete_leftovers` removes at the start of the next ingest (before it loads
anything). The staging copy's edges are visible to queries while a load runs and after a crash until
that next ingest; the real source is never half-replaced.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from itertools import islice
from typing import Any

from planner import catalog
from planner import purl as purls
from planner.model import ParseResult, Record, Source
from planner.record_stream import RecordStream, record_count
from planner.store.base import Store
from planner.store.rows import Expected, GraphBatch, LoadedSource
from planner.store.statements import SEP_PARAM

#: a file with more records than this is loaded in parts of this many records
PART_RECORDS = 20_000
#: records per part of a :class:`RecordStream`, made as they are loaded: a part of 20,000 npm lockfile
#: records costs the client ~140 MB while it is rendered and sent (a 30 MB lock: 273 MB peak RSS at
#: 20,000, 236 MB at 10,000, 200 MB at 5,000)
STREAM_PART_RECORDS = 5_000
#: appended to a source key to name its staging copy (a normalised repo-relative path never holds ``//``)
STAGING_SUFFIX = "//staging"

#: called with (records loaded so far, records in the file)
PartProgress = Callable[[int, int], None]


def needs_parts(item: LoadedSource) -> bool:
    """Whether a parsed file is big enough to be loaded in parts: more than :data:`PART_RECORDS` records,
    or records its loader makes on demand (a :class:`RecordStream`, too many to hold at once)."""
    records = item.result.records
    return isinstance(records, RecordStream) or len(records) > PART_RECORDS


def staging_key(source: Source) -> str:
    """The key a file's parts are loaded under until they are swapped in."""
    return source.key + STAGING_SUFFIX


def delete_leftovers(store: Store) -> list[str]:
    """Delete the staging copies that a killed or failed part load left; returns the real keys they were for."""
    rows = store.query("list_staged_sources")
    if rows:
        store.query("count_source_files")  # a FalkorDB work-around: see count_source_files.cypher
        store.write("delete_sources", {"sources": [r["key"] for r in rows], "sep": SEP_PARAM})
        store.write("delete_orphans")
    return sorted(str(r["staged_for"]) for r in rows)


def _parts(records: Iterable[Record], size: int) -> Iterable[list[Record]]:
    it = iter(records)
    while part := list(islice(it, size)):
        yield part


def load_in_parts(
    store: Store,
    item: LoadedSource,
    stamp: str,
    run: str,
    progress: PartProgress | None = None,
    part_records: int | None = None,
) -> tuple[int, int, Expected]:
    """Load one file's records in parts under its staging key, then swap them in (see the module
    docstring). Returns (edges, rows) written and what the store must then hold under the real key (the
    parts' :meth:`GraphBatch.expected` added up by :func:`_add_part`), for the check after the loads.
    Raises what the store raises; the file's previous version then stays, and the staging copy is removed
    here when the store still answers (else by the next ingest)."""
    staged = staging_key(item.source)
    records: Iterable[Record] = item.result.records
    total = record_count(records)  # an estimate for a RecordStream: told as at least what is done
    store.query("count_source_files")  # a FalkorDB work-around: see count_source_files.cypher
    store.write("delete_sources", {"sources": [staged], "sep": SEP_PARAM})  # a leftover of an earlier attempt
    edges = rows = done = 0
    resolving: set[str] = set()  # the projects the parts' RESOLVES start at: the real SourceFile's resolves_for
    expected = Expected(edges={item.source.key: {}})
    try:
        size = part_records or (STREAM_PART_RECORDS if isinstance(records, RecordStream) else PART_RECORDS)
        for number, part in enumerate(_parts(records, size)):
            batch, params, entries = _part(item, part, number, resolving, stamp, run)
            if entries:
                store.write("add_staged_statements", {"staged": staged, "source": item.source.key, "entries": entries})
            store.run(catalog.text("load_sources"), params, write=True)
            purls.clear_caches()  # see purls.clear_caches: the rows of each part fill them
            edges += batch.edge_count
            rows += batch.row_count
            _add_part(expected, item.source.key, staged, batch.expected())
            done += len(part)
            if progress:
                progress(done, max(total, done))
        if progress and done < total:  # a RecordStream made fewer than its estimate: the last line says so
            progress(done, done)
        _swap(store, item, stamp, run, resolving)
    except BaseException:
        _forget(store, staged)
        raise
    return edges, rows, expected


def _part(
    item: LoadedSource, part: list[Record], number: int, resolving: set[str], stamp: str, run: str
) -> tuple[GraphBatch, dict[str, Any], str]:
    """One part's batch, its load parameters under the staging key, and its ``depends_on`` entries (listed
    on the staging copy first, by add_staged_statements). ``resolving`` gains the part's projects."""
    staged_source = Source(item.source.repo, item.source.path + STAGING_SUFFIX, item.source.display)
    batch = GraphBatch()
    batch.add(replace(item, source=staged_source, result=ParseResult(records=part)), stamp)
    params = batch.params(run)
    props = params["sourcefile_rows"][0]["props"]
    entries = props.pop("depends_on")
    resolving.update(props["resolves_for"])
    # the staging copy lists the projects of every part loaded so far, in the statement that loads the
    # part: delete_sources and the swap find its RESOLVES edges through them
    props["resolves_for"] = sorted(resolving)
    props["staged_for"] = item.source.key
    props["root"] = ""  # never pruned as a file: list_sources_under skips it
    params["sources"] = []  # nothing to replace: the earlier parts are kept, the leftovers went before
    if number > 0:  # created by the first part: only its list grows
        params["sourcefile_rows"][0]["props"] = {"resolves_for": props["resolves_for"]}
        params["repo_rows"] = []
    return batch, params, entries


def _swap(store: Store, item: LoadedSource, stamp: str, run: str, resolving: set[str]) -> None:
    """Make the staged parts the real file's content (swap_staged_source.cypher), then drop the copy."""
    staged = staging_key(item.source)
    props = {**_real_props(item, stamp), "resolves_for": sorted(resolving)}
    params = {"source": item.source.key, "sources": [item.source.key], "staged": staged, "props": props}
    store.write("swap_staged_source", {**params, "sep": SEP_PARAM, "run": run})
    store.query("count_source_files")  # a FalkorDB work-around: see count_source_files.cypher
    store.write("delete_staging_node", {"staged": staged})  # now without edges (see swap_staged_source.cypher)


def _add_part(expected: Expected, real: str, staged: str, part: Expected) -> None:
    """Add one part's expectations, stated for its staging key, to the real key's (the swap renames them).

    Its edges of each type add up: every part's edges are created, never merged with another part's.
    Each DEPENDS_ON pair a part states gets one token of that part (a part is one source), which the swap
    shortens by the staging suffix: ``\x1f`` staged ``\x1e`` ... becomes ``\x1f`` real ``\x1e`` ...."""
    counts = expected.edges[real]
    for rel_type, n in part.edges.get(staged, {}).items():
        counts[rel_type] = counts.get(rel_type, 0) + n
    shorter = len(staged) - len(real)
    for pair, length in part.pairs.items():
        expected.pairs[pair] = expected.pairs.get(pair, 0) + length - shorter


def _real_props(item: LoadedSource, stamp: str) -> dict[str, object]:
    """The real SourceFile's properties, as ``GraphBatch.add`` sets them (less depends_on and resolves_for)."""
    batch = GraphBatch()
    batch.add(replace(item, result=ParseResult(warnings=item.result.warnings)), stamp)
    props = dict(batch.nodes["SourceFile"][item.source.key])
    props["staged_for"] = None
    return props


def _forget(store: Store, staged: str) -> None:
    """Remove a staging copy after a failed part load, if the store still answers (never raises)."""
    try:
        store.query("count_source_files")  # a FalkorDB work-around: see count_source_files.cypher
        store.write("delete_sources", {"sources": [staged], "sep": SEP_PARAM})
        store.write("delete_orphans")  # the Package and Version nodes only the staged parts mentioned
    except Exception:  # the store may be gone: the next ingest removes the copy
        pass
