"""bench/ingest_ab.py: both sides ingest the same organisation into an emptied store, measured, and checked."""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
import ingest_ab
import synth


def test_each_side_ingests_the_organisation_and_both_write_the_same_edges(tmp_path: Path) -> None:
    org = tmp_path / "org"
    manifest = synth.generate(org, seed=3, repos=6, projects=30, edges=1500)
    out = tmp_path / "ab.json"
    data_dir = Path(tempfile.mkdtemp(prefix="dw-ab-"))  # short: the store's unix socket lives in it
    try:
        # this checkout on both sides: the same code must give the same edges
        assert (
            ingest_ab.main(["--org", str(org), "--base", str(ROOT), "--data-dir", str(data_dir), "--out", str(out)])
            == 0
        )
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    runs = json.loads(out.read_text())["runs"]
    assert [len(runs["A"]), len(runs["B"])] == [2, 2]
    for run in runs["A"] + runs["B"]:
        assert run["status"] == 0
        assert run["edges_written"] == manifest["expected"]["edges_written"]
        assert run["wall_ms"] > 0 and run["cpu_ms"] > 0
