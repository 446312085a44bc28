"""bench/ingest_ab.py: both sides ingest the same organisation into an emptied store, measured, and checked."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
import ingest_ab
import synth


def test_each_side_ingests_the_organisation_and_both_write_the_same_edges(tmp_path: Path, short_data_dir: Path) -> None:
    org = tmp_path / "org"
    manifest = synth.generate(org, seed=3, repos=6, projects=30, edges=1500)
    out = tmp_path / "ab.json"
    # this checkout on both sides: the same code must give the same edges
    argv = ["--org", str(org), "--base", str(ROOT), "--data-dir", str(short_data_dir), "--out", str(out)]
    assert ingest_ab.main(argv) == 0
    runs = json.loads(out.read_text())["runs"]
    assert [len(runs["A"]), len(runs["B"])] == [2, 2]
    for run in runs["A"] + runs["B"]:
        assert run["status"] == 0
        assert run["edges_written"] == manifest["expected"]["edges_written"]
        assert run["wall_ms"] > 0 and run["cpu_ms"] > 0
