"""A Go workspace shaped like etcd-io/etcd: go.work uses ./api and ./server; server requires x/net
directly and api's go.mod lists it ``// indirect`` (go.mod holds the whole build list); server replaces
api with ../api. Expected by hand from the files: each module moves its own go.mod line (no module
waits for a release of another), and the workspace file itself changes nothing."""

from __future__ import annotations

from pathlib import Path

from planner import exposure
from planner.ingest import ingest
from planner.planning import PlanRequest, make_plan
from planner.policy import Policy

GO_WORK = "go 1.26\n\nuse (\n\t./api\n\t./server\n)\n"
API = """module go.etcd.io/etcd/api/v3

go 1.26

require google.golang.org/grpc v1.83.0

require (
	golang.org/x/net v0.57.0 // indirect
	golang.org/x/sys v0.47.0 // indirect
)
"""
SERVER = """module go.etcd.io/etcd/server/v3

go 1.26

require (
	go.etcd.io/etcd/api/v3 v3.8.0-alpha.0
	golang.org/x/net v0.57.0
)

replace go.etcd.io/etcd/api/v3 => ../api
"""
NET = "pkg:golang/golang.org/x/net"


def write_workspace(root: Path) -> Path:
    repo = root / "etcd"
    for rel, text in {"go.work": GO_WORK, "api/go.mod": API, "server/go.mod": SERVER}.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text)
    return root


def test_each_module_moves_its_own_go_mod_line(store, tmp_path: Path) -> None:
    ingest(store, [write_workspace(tmp_path)])
    report = exposure.assess(store, exposure.affected_from_spec(f"{NET}@<0.60.0"))
    change = {p.name: p.change_at for p in report.projects if p.verdict == "exposed"}
    assert change["go.etcd.io/etcd/api/v3"] == "api/go.mod:8"  # its // indirect require, not a route
    assert change["go.etcd.io/etcd/server/v3"] == "server/go.mod:7"

    plan = make_plan(store, PlanRequest(package=NET, fixed="0.60.0"), Policy(), lambda a: []).plan
    edits = [s for s in plan.steps if s.kind == "edit"]
    assert len(edits) == 1  # one workspace, one edit step
    assert sorted((e["location"], e["mechanism"]) for e in edits[0].edits) == [
        ("api/go.mod:8", "direct-dependency"),
        ("server/go.mod:7", "direct-dependency"),
    ]
    assert "go.work" not in (edits[0].location or "")
    assert edits[0].change == (
        "go.etcd.io/etcd/api/v3: net v0.57.0 → v0.60.0; go.etcd.io/etcd/server/v3: net v0.57.0 → v0.60.0"
    )
