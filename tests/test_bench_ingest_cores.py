"""bench/ingest_cores.py: one sampled ingest, its CPU given to the right roles."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
import ingest_cores
import synth


def test_roles_follow_the_process_tree() -> None:
    # pid: (parent, cpu); 10 is depwave, 11 and 12 its workers (12 a grandchild), 20 the server, 21 its fork
    table = {1: (0, 0.0), 10: (1, 1.0), 11: (10, 2.0), 12: (11, 3.0), 20: (1, 4.0), 21: (20, 5.0), 30: (1, 6.0)}
    roles = {pid: ingest_cores.role(pid, table, client=10, server=20) for pid in table if pid > 1}
    assert roles == {10: "depwave", 11: "workers", 12: "workers", 20: "server", 21: "server forks", 30: None}


def test_timeline_gives_cores_per_window() -> None:
    samples = [(0.0, {}), (5.0, {"workers": 9.0, "server": 4.0}), (10.0, {"workers": 8.0}), (12.0, {"depwave": 2.0})]
    rows = ingest_cores.timeline(samples, window=10.0)
    assert [start for start, _ in rows] == [0.0, 10.0]
    assert rows[0][1]["workers"] == 0.9 and rows[0][1]["server"] == 0.4
    assert rows[1][1]["workers"] == 4.0 and rows[1][1]["depwave"] == 1.0  # 8 + 2 s of CPU in the last 2 s


def test_one_sampled_ingest(tmp_path: Path, short_data_dir: Path) -> None:
    org = tmp_path / "org"
    manifest = synth.generate(org, seed=3, repos=6, projects=30, edges=1500)
    out = tmp_path / "cores.json"
    argv = ["--org", str(org), "--every", "0.05", "--data-dir", str(short_data_dir), "--out", str(out)]
    assert ingest_cores.main(argv) == 0
    run = json.loads(out.read_text())
    assert run["status"] == 0 and run["report"]["edges_written"] == manifest["expected"]["edges_written"]
    assert len(run["samples"]) > 2
    assert run["cpu_s"]["depwave"] > 0 and run["cpu_s"]["server"] > 0
