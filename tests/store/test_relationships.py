"""The relationship table is the one place a relationship is declared: the load statement, the rows and
the schema indexes agree with it."""

from __future__ import annotations

import re
import typing
from pathlib import Path

import pytest

from planner import catalog, model
from planner.store import render_load_cypher
from planner.store.record_rows import ROW_WRITERS
from planner.store.relationships import NODE_LABELS, RELATIONSHIPS, stamped_types
from planner.store.rows import COMPACT_EDGES, EDGE_SETS, GraphBatch, LoadedSource

ROOT = Path(__file__).resolve().parents[2]


def test_the_committed_load_statement_is_the_rendering_of_the_table() -> None:
    committed = (ROOT / "cypher" / "load_sources.cypher").read_text(encoding="utf-8")
    assert committed == render_load_cypher.render()
    assert render_load_cypher.main(["--check"]) == 0


def test_the_committed_counting_query_is_the_rendering_and_counts_every_per_source_type(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    committed = (ROOT / "cypher" / "count_source_edges.cypher").read_text(encoding="utf-8")
    assert committed == render_load_cypher.render_counts()
    shared = {r.type for r in RELATIONSHIPS if r.merge == "one edge listing its sources"}
    assert shared == {"DEPENDS_ON"}
    for rel_type in set(stamped_types()) - shared - {"RESOLVES"}:
        assert f"MATCH ()-[r:{rel_type}]->() WHERE r.source IN $sources" in committed
    # RESOLVES is counted the way the load finds it: through the projects its SourceFile lists
    assert "UNWIND coalesce(sf.resolves_for, []) AS p\nMATCH (:Project {key: p})-[r:RESOLVES]->()" in committed
    assert "DEPENDS_ON]" not in committed
    edited = tmp_path / "count_source_edges.cypher"
    edited.write_text(committed.replace("UNION ALL\n", "", 1), encoding="utf-8")
    monkeypatch.setattr(render_load_cypher, "COUNT_TARGET", edited)
    assert render_load_cypher.main(["--check"]) == 1


@pytest.mark.parametrize(
    ("name", "target", "rendering"),
    [
        ("delete_sources.cypher", "DELETE_TARGET", render_load_cypher.render_delete),
        ("swap_staged_source.cypher", "SWAP_TARGET", render_load_cypher.render_swap),
    ],
)
def test_forgetting_and_swapping_files_find_every_type_as_the_load_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, target: str, rendering
) -> None:
    committed = (ROOT / "cypher" / name).read_text(encoding="utf-8")
    assert committed == rendering()
    load = render_load_cypher.render()
    for rel_type in set(stamped_types()) - {"DEPENDS_ON", "RESOLVES"}:  # each type by its index on `source`
        assert f"-[old{_step(committed, rel_type)}:{rel_type}]->() WHERE old" in committed
        assert f":{rel_type}]->() WHERE old" in load
    assert "coalesce(sf" in committed and ".resolves_for, [])" in committed  # RESOLVES through the list
    assert re.search(r"\(\)-\[\w*\]->\(\)", committed) is None  # no relationship matched without its type
    assert "@" not in committed  # every placeholder filled
    edited = tmp_path / name
    edited.write_text(committed.replace("WHERE old", "WHERE  old", 1), encoding="utf-8")
    monkeypatch.setattr(render_load_cypher, target, edited)
    assert render_load_cypher.main(["--check"]) == 1


def _step(text: str, rel_type: str) -> str:
    """The step number of the line that deletes ``rel_type``'s old edges in a rendered statement."""
    line = next(x for x in text.splitlines() if f":{rel_type}]->() WHERE old" in x)
    return line.split("-[old", 1)[1].split(":", 1)[0]


def test_check_fails_on_a_hand_edited_statement(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    edited = tmp_path / "load_sources.cypher"
    edited.write_text(render_load_cypher.render().replace("CREATE (a", "MERGE (a", 1), encoding="utf-8")
    monkeypatch.setattr(render_load_cypher, "TARGET", edited)
    assert render_load_cypher.main(["--check"]) == 1


def test_steps_are_numbered_in_order_and_the_last_is_returned() -> None:
    text = render_load_cypher.render()
    steps = [int(line.split("AS step")[1]) for line in text.splitlines() if line.startswith("WITH count(*) AS step")]
    # one delete per stamped type, one merge per label, VERSION_OF, one create per relationship set
    assert steps == list(range(1, len(stamped_types()) + len(NODE_LABELS) + 1 + len(RELATIONSHIPS) + 1))
    assert text.rstrip().endswith(f"RETURN step{steps[-1]} AS last_rows")
    assert "@" not in text.replace("@<", "")  # every placeholder filled


def test_every_record_type_has_one_row_function_and_every_set_names_a_record() -> None:
    assert set(ROW_WRITERS) == set(typing.get_args(model.Record))
    for rel in RELATIONSHIPS:
        assert getattr(model, rel.record) in ROW_WRITERS, rel.name


def test_rows_derive_their_sets_from_the_table() -> None:
    assert list(EDGE_SETS) == [r.name for r in RELATIONSHIPS]
    assert COMPACT_EDGES == ("resolves", "depends_on")
    params = GraphBatch().params("run")
    assert {f"{r.name}_rows" for r in RELATIONSHIPS} <= set(params)
    assert {f"{label.lower()}_rows" for label in NODE_LABELS} <= set(params)


def test_a_row_function_writes_the_set_its_record_is_declared_for() -> None:
    src = model.Source("r", "pom.xml", "r/pom.xml")
    loc = model.Location("pom.xml", 3)
    records = [
        model.Project("r/.#pkg:maven/g/a", "a", "maven", "r", ".", "pom.xml"),
        model.Declared("r/.#pkg:maven/g/a", "pkg:maven/g/b", "1.0", "compile", location=loc),
        model.Publishes("r/.#pkg:maven/g/a", "pkg:maven/g/a"),
    ]
    batch = GraphBatch()
    batch.add(LoadedSource(src, "sha", "maven", model.ParseResult(records)), "now")
    written = {name for name, rows in batch.edges.items() if rows}
    assert written == {"contains", "describes", "declares", "published_by"}
    (declares,) = batch.edges["declares"]
    assert declares["props"] == {"range": "1.0", "scope": "compile", "optional": False, "file": "pom.xml", "line": 3}
    declared_props = next(r.properties for r in RELATIONSHIPS if r.name == "declares")
    assert set(declares["props"]) <= set(declared_props)


@pytest.mark.parametrize("schema", ["schema", "schema.falkordb"])
def test_every_stamped_type_has_an_index_on_its_source_but_those_found_through_their_files(schema: str) -> None:
    created = [s for s in catalog.statements(schema) if s.startswith("CREATE INDEX")]
    indexed = {t for t in stamped_types() if any(f"[r:{t}]" in s for s in created)}
    # DEPENDS_ON (SourceFile.depends_on) and RESOLVES (SourceFile.resolves_for) are found through the file
    assert indexed == set(stamped_types()) - {"DEPENDS_ON", "RESOLVES"}
