"""The Cypher catalog: every query a file with a header, shipped as package data, none in Python."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from planner import catalog
from planner.store.rows import EDGE_SETS, NODE_LABELS, GraphBatch
from tests.conftest import ROOT

CYPHER_DIR = ROOT / "cypher"


def test_every_file_is_in_the_packaged_catalog() -> None:
    on_disk = sorted(p.stem for p in CYPHER_DIR.glob("*.cypher"))
    assert catalog.names() == on_disk
    assert len(on_disk) >= 10


@pytest.mark.parametrize("name", sorted(p.stem for p in CYPHER_DIR.glob("*.cypher")))
def test_header_names_parameters(name: str) -> None:
    text = catalog.text(name)
    header = [line for line in text.splitlines() if line.startswith("//")]
    assert header, f"{name}.cypher has no header comment"
    assert any("Parameters" in line for line in header), f"{name}.cypher does not name its parameters"
    used = set(
        re.findall(
            r"\$([A-Za-z_][A-Za-z0-9_]*)", "\n".join(line for line in text.splitlines() if not line.startswith("//"))
        )
    )
    for param in used:
        assert param in "\n".join(header) or "_rows" in param, f"{name}.cypher: ${param} is not documented"


def test_load_statement_covers_every_label_and_relationship_set() -> None:
    text = catalog.text("load_sources")
    params = GraphBatch().params("run")
    for key in params:
        assert f"${key}" in text, f"load_sources.cypher never reads ${key}"
    for label in NODE_LABELS:
        assert f":{label} {{key: row.key}}" in text
    for name, (rel, a, b) in EDGE_SETS.items():
        assert f"${name}_rows" in text and f":{rel}]" in text and f":{a} " in text and f":{b} " in text


def test_no_cypher_in_python() -> None:
    pattern = re.compile(r"""^[^#]*["'].*\b(MATCH|MERGE|UNWIND)\b[ (]""")
    offenders = []
    for path in list((ROOT / "planner").rglob("*.py")) + list((ROOT / "loaders").rglob("*.py")):
        for i, line in enumerate(path.read_text().splitlines(), 1):
            if pattern.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{i}")
    assert offenders == []


def test_schema_statements_split() -> None:
    neo4j = catalog.statements("schema")
    falkor = catalog.statements("schema.falkordb")
    assert all(s.startswith("CREATE ") for s in neo4j[:-1] + falkor[:-1])
    # the index on RESOLVES `source` an earlier depwave made is dropped (resolves_for replaces it)
    assert neo4j[-1] == "DROP INDEX resolves_source IF EXISTS"
    assert falkor[-1] == "DROP INDEX FOR ()-[r:RESOLVES]-() ON (r.source)"
    assert len([s for s in neo4j if "CONSTRAINT" in s]) == len(NODE_LABELS) + 1  # + Symbol (load_calls.cypher)
    assert len(falkor) >= len(NODE_LABELS)


def test_unknown_query_is_a_usage_error() -> None:
    from planner.errors import UsageError

    with pytest.raises(UsageError):
        catalog.text("drop_everything")
    assert Path(CYPHER_DIR / "__init__.py").exists()


def test_every_catalog_query_is_documented_for_release_engineers() -> None:
    docs = (ROOT / "docs" / "queries.md").read_text()
    undocumented = [p.name for p in sorted(CYPHER_DIR.glob("*.cypher")) if f"`{p.name}`" not in docs]
    assert undocumented == []
