"""bench/load_replay.py edits the load statement's DEPENDS_ON append; the clause it edits must exist."""

from __future__ import annotations

from bench.load_replay import list_append_edit
from planner import catalog


def test_the_append_clause_is_in_the_load_statement_and_the_edit_drops_only_the_append() -> None:
    old, new = list_append_edit()
    text = catalog.text("load_sources")
    assert text.count(old) == 1
    assert "stated_by" in old and "stated_by" not in new
    assert new.startswith("ON MATCH SET r33.") and new.endswith("r33.run = $run")
