"""The statements that replace, forget or swap a file's edges find them through indexes, never by scanning
every relationship or every node of a label: at 10M edges one untyped scan took 16-23 s, and a big file's
load paid for three (BENCHMARKS.md, "Forgetting a file at 10M edges"). FalkorDB's own plan says which
operations a statement runs (GRAPH.EXPLAIN), so this fails when a change brings a scan back."""

from __future__ import annotations

import pytest

from planner import catalog
from planner.store.embedded import GRAPH_NAME, EmbeddedStore, params_header
from planner.store.rows import GraphBatch
from planner.store.statements import SEP_PARAM

#: the operations that read a whole label or every node; an index scan is "Node/Edge By Index Scan"
SCANS = ("All Node Scan", "Label Scan", "All Edge Scan")

KEY = "payments:services/api/pom.xml"
STAGED = KEY + "//staging"


def plan(store: EmbeddedStore, name: str, params: dict) -> list[str]:
    """The operations of one catalog statement's plan, one line each."""
    text = params_header(params) + catalog.text(name)
    lines = store._conn.execute_command("GRAPH.EXPLAIN", GRAPH_NAME, text)  # the test reaches the connection
    return [(line if isinstance(line, str) else line.decode()).strip() for line in lines]


def load_params() -> dict:
    batch = GraphBatch(sources=[KEY])
    return batch.params("run-1")


STATEMENTS = {
    "load_sources": load_params,
    "delete_sources": lambda: {"sources": [KEY], "sep": SEP_PARAM},
    "swap_staged_source": lambda: {
        "source": KEY,
        "sources": [KEY],
        "staged": STAGED,
        "props": {"sha256": "0" * 64},
        "sep": SEP_PARAM,
        "run": "run-1",
    },
    "count_source_edges": lambda: {"sources": [KEY]},
}


@pytest.mark.parametrize("name", sorted(STATEMENTS))
def test_a_files_edges_are_found_through_indexes(store: EmbeddedStore, name: str) -> None:
    operations = plan(store, name, STATEMENTS[name]())
    assert any("By Index Scan" in op for op in operations), operations  # the plan was read
    assert [op for op in operations if any(scan in op for scan in SCANS)] == []


def test_the_old_statement_scanned_every_relationship(store: EmbeddedStore) -> None:
    """What the check above looks for: ``MATCH ()-[r]->() WHERE r.source IN $sources``, as
    delete_sources.cypher had it, is planned as a scan of every node."""
    text = params_header({"sources": [KEY]}) + "MATCH ()-[r]->() WHERE r.source IN $sources DELETE r"
    lines = [
        line.decode() if isinstance(line, bytes) else line
        for line in store._conn.execute_command("GRAPH.EXPLAIN", GRAPH_NAME, text)
    ]
    assert any("All Node Scan" in line for line in lines), lines


def test_the_check_every_ingest_makes_for_an_old_store_reads_no_edge(store: EmbeddedStore) -> None:
    """``find_legacy_statements`` runs before every ingest: it reads the SourceFile nodes only (scanning
    every DEPENDS_ON edge took 2.2-3.1 s at 10M edges, on an unchanged re-ingest too)."""
    operations = plan(store, "find_legacy_statements", {})
    assert any("SourceFile" in op for op in operations), operations
    assert [op for op in operations if "Traverse" in op] == []


def test_the_derived_links_start_from_the_published_packages(store: EmbeddedStore) -> None:
    """``link_resolves_from`` runs after every ingest that loads a file: it must reach the RESOLVES edges into
    published packages' versions from those versions, not read every RESOLVES edge from every project (at
    10M edges: 6.97M edges read for 10,952 links, 8.4 s; 0.1 s from the packages)."""
    operations = plan(store, "link_resolves_from", {"run": "run-1"})
    assert "Conditional Traverse | (v)-[r:RESOLVES]->(c:Project)" in operations, operations
    assert [op for op in operations if "Scan" in op and "(c" in op] == []
