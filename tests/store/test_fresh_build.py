"""A first large ingest builds the graph apart with GRAPH.BULK (planner/store/embedded_build.py): the
graph it makes is the one the load statements make, property for property, and until its rename the
store is untouched."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

import planner.ingest as ingest_mod
from planner import big_files
from planner.errors import FreshBuildFailed, StoreUnavailable
from planner.ingest import ingest
from planner.store import embedded_build
from planner.store.embedded import EmbeddedStore
from planner.store.statements import END
from tests.conftest import comp, sbom
from tests.store.conftest import kill_ingest_when, kill_server

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
BUILD = embedded_build.BUILD_GRAPH


def graph_of(store: EmbeddedStore, tokens: bool = False) -> list[str]:
    """Every node and relationship with all its properties, sorted; run ids and times as 'X', and a
    pair's statements as one list (the load statements keep a tail of them apart); with ``tokens``, as
    its sources' tokens sorted (a file loaded again adds its tokens as a string of their own)."""

    def shown(props: dict) -> str:
        props = dict(props)
        for k in ("run", "ingested_at"):
            if k in props:
                props[k] = "X"
        if "stated_by" in props:
            props["stated_by"] = list(props["stated_by"]) + list(props.pop("stated_by_tail", None) or [])
            if tokens:
                props["stated_by"] = sorted(t for s in props["stated_by"] for t in s.split(END) if t)
        return json.dumps(props, sort_keys=True)

    lines = [f"{r['l']} {shown(r['p'])}" for r in store.run("MATCH (n) RETURN labels(n) AS l, properties(n) AS p")]
    query = (
        "MATCH (a)-[r]->(b) RETURN labels(a)[0] AS la, a.key AS a, type(r) AS t, properties(r) AS p,"
        " labels(b)[0] AS lb, b.key AS b"
    )
    lines += [f"{r['la']}:{r['a']} {r['t']} {r['lb']}:{r['b']} {shown(r['p'])}" for r in store.run(query)]
    return sorted(lines)


def report_view(report) -> dict:
    d = report.as_dict()
    for k in ("run", "seconds"):
        d.pop(k)
    return d


def write_library_sboms(root: Path, services: int) -> None:
    """Services whose SBOMs restate one library graph (app -> lib-a -> lib-b, log4j-core): the same
    DEPENDS_ON pairs from every file, as SBOM-heavy organisations state them."""
    log4j = "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"
    lib_a, lib_b = "pkg:maven/com.acme/lib-a@1.2.0", "pkg:maven/com.acme/lib-b@3.0.1"
    for i in range(services):
        d = root / f"svc-{i:02d}"
        d.mkdir(parents=True)
        me = f"pkg:maven/com.acme/svc-{i:02d}@1.0.{i}"
        own = f"pkg:npm/own-{i % 5}@1.{i % 3}.0"
        doc = sbom(
            comp(me, type="application"),
            [comp(lib_a, scope="required"), comp(lib_b, scope="optional"), comp(log4j), comp(own)],
            [
                {"ref": me, "dependsOn": [lib_a, own]},
                {"ref": lib_a, "dependsOn": [lib_b, log4j]},
                {"ref": lib_b, "dependsOn": [log4j]},
            ],
        )
        (d / "bom.json").write_text(json.dumps(doc, indent=1))


@pytest.fixture()
def org(tmp_path: Path) -> Path:
    """examples/ (Maven, Gradle, npm, Kubernetes, CODEOWNERS; a pom.xml and an SBOM describing one project)
    and services restating a library graph."""
    root = tmp_path / "org"
    shutil.copytree(EXAMPLES, root)
    write_library_sboms(root / "services", 24)
    return root


def ingest_both(store: EmbeddedStore, org: Path, monkeypatch: pytest.MonkeyPatch, workers: int) -> tuple:
    """The org ingested into an emptied store through load statements, then built fresh: reports and graphs."""
    monkeypatch.setattr(ingest_mod.batches, "BATCH_SOURCES", 4)  # many parts: nodes and pairs restated
    monkeypatch.setattr(ingest_mod.workers, "CHUNK_FILES", 7)
    monkeypatch.setattr(ingest_mod.workers, "WORKER_MIN_FILES", 1)
    monkeypatch.setenv("DEPWAVE_INGEST_WORKERS", str(workers))
    out = []
    for mode in ("0", "1"):
        monkeypatch.setenv("DEPWAVE_FRESH_BUILD", mode)
        store.reset()
        out += [report_view(ingest(store, [org])), graph_of(store)]
    return tuple(out)


@pytest.mark.parametrize("workers", [0, 2])
def test_a_fresh_build_makes_the_graph_load_statements_make(store: EmbeddedStore, org: Path, monkeypatch, workers):
    built: list[object] = []
    real = embedded_build.add
    monkeypatch.setattr(embedded_build, "add", lambda s, part: built.append(part) or real(s, part))
    plain_report, plain, report, graph = ingest_both(store, org, monkeypatch, workers)
    assert len(built) > 10  # the second ingest was built, in many parts
    assert report == plain_report and report["loaded"] > 40
    assert graph == plain
    pairs = [line for line in graph if " DEPENDS_ON " in line]
    assert any('"stated_by": [' in p and p.count("\\u001f") >= 24 for p in pairs)  # one edge, every SBOM
    assert not store._conn.execute_command("EXISTS", BUILD)


def test_the_real_corpus_builds_the_same_graph(store: EmbeddedStore, corpus: Path, monkeypatch) -> None:
    out = []
    for mode in ("0", "1"):
        monkeypatch.setenv("DEPWAVE_FRESH_BUILD", mode)
        store.reset()
        out += [report_view(ingest(store, [corpus])), graph_of(store)]
    assert out[0] == out[2] and out[0]["loaded"] > 900
    assert out[1] == out[3] and len(out[1]) > 100_000


def test_changes_after_a_fresh_build_load_as_after_load_statements(store: EmbeddedStore, org: Path, monkeypatch):
    """The built graph is an ordinary store afterwards: a changed, a vanished and a new file load the same."""
    monkeypatch.setattr(ingest_mod.batches, "BATCH_SOURCES", 4)
    graphs = []
    for mode in ("0", "1"):
        work = org.parent / f"org-{mode}"
        shutil.copytree(org, work)
        monkeypatch.setenv("DEPWAVE_FRESH_BUILD", mode)
        store.reset()
        ingest(store, [work])
        bom = work / "services" / "svc-03" / "bom.json"
        bom.write_text(bom.read_text().replace("lib-b@3.0.1", "lib-b@3.0.2"))
        shutil.rmtree(work / "services" / "svc-07")
        write_library_sboms(work / "more", 2)
        again = ingest(store, [work])
        assert again.loaded == 3 and again.pruned == 1
        graphs.append([line.replace(f"org-{mode}", "org") for line in graph_of(store)])
    assert graphs[0] == graphs[1]


def test_a_big_file_is_loaded_whole_in_a_build(store: EmbeddedStore, org: Path, monkeypatch) -> None:
    """A file loaded in parts beside the store's graph (planner/store/source_parts.py) joins the build whole."""
    monkeypatch.setattr(big_files, "is_big", lambda item: item.source.repo == "services")
    monkeypatch.setattr(ingest_mod.batches, "BATCH_SOURCES", 4)
    monkeypatch.setenv("DEPWAVE_INGEST_WORKERS", "0")
    out = []
    for mode in ("0", "1"):
        monkeypatch.setenv("DEPWAVE_FRESH_BUILD", mode)
        store.reset()
        out += [report_view(ingest(store, [org])), graph_of(store)]
    assert out[0] == out[2]
    assert out[1] == out[3]


def test_a_value_the_store_cannot_keep_is_dropped_alike(store: EmbeddedStore, org: Path, monkeypatch) -> None:
    """A NUL in a value: neither a load statement (the server reads the query as a C string) nor
    GRAPH.BULK can carry it; the record is dropped with a warning before either sees it
    (planner/storable.py), the same way in both. A part that still held one is rejected like a statement
    the server cannot parse: tests/store/test_bulk_encoding.py."""
    bad = org / "zz-nul" / "bom.json"
    bad.parent.mkdir()
    bad.write_text(json.dumps(sbom(comp("pkg:npm/nul-app@1.0.0"), [comp("pkg:npm/x@1.0.0", scope="req\u0000uired")])))
    plain_report, plain, report, graph = ingest_both(store, org, monkeypatch, 0)
    assert any("zz-nul" in w and "NUL" in w for w in report["warnings"]), report["warnings"]
    assert report == plain_report
    assert graph == plain


def test_a_write_by_another_process_during_the_build_is_kept(store: EmbeddedStore, org: Path, monkeypatch) -> None:
    monkeypatch.setenv("DEPWAVE_FRESH_BUILD", "1")
    store.reset()
    other = EmbeddedStore(store.data_dir)
    wrote = []

    def progress(i: int, n: int, name: str) -> None:
        if not wrote:
            other.run("CREATE (:Owner {key: 'team-by-hand'})", write=True)
            wrote.append(i)

    try:
        with pytest.raises(StoreUnavailable, match="another process wrote to the store"):
            ingest(store, [org], progress=progress)
    finally:
        other.close()
    assert store.stats()["nodes"] == {"Owner": 1}
    assert not store._conn.execute_command("EXISTS", BUILD)


def projects_in(data: Path, graph: str) -> int:
    store = EmbeddedStore(data)
    try:
        if not store._conn.execute_command("EXISTS", graph):
            return 0
        reply = store._conn.execute_command("GRAPH.RO_QUERY", graph, "MATCH (p:Project) RETURN count(p)")
        return int(reply[1][0][0])
    finally:
        store.close()


def test_a_killed_first_ingest_leaves_the_store_as_it_was(data: Path, tmp_path: Path) -> None:
    """kill -9 while the graph is being built: the store's graph stays empty (nothing was renamed over it),
    the next ingest deletes the leftover and builds the whole graph. 2,400 files: over the size at which
    a first ingest builds apart, with nothing set."""
    from tests.store.conftest import write_service_sboms

    files = 2_400
    org = write_service_sboms(tmp_path / "org", files, 40)
    env = {**os.environ, "DEPWAVE_DATA_DIR": str(data), "DEPWAVE_INGEST_WORKERS": "2"}
    env.pop("DEPWAVE_FRESH_BUILD", None)
    cmd = [sys.executable, "-c", "from planner.cli import main; main()"]
    kill_ingest_when(cmd, env, org, lambda: projects_in(data, BUILD) > 0)
    time.sleep(1)  # let the killed workers go
    assert 0 < projects_in(data, BUILD) < files, "killed in the middle of the build"
    assert projects_in(data, "depwave") == 0
    res = subprocess.run([*cmd, "ingest", str(org), "--format", "json"], env=env, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["loaded"] == files
    assert projects_in(data, "depwave") == files and projects_in(data, BUILD) == 0


def test_the_built_graph_is_durable(store: EmbeddedStore, org: Path, monkeypatch) -> None:
    """Once the ingest returns, a killed server restarts with the whole built graph (from its AOF)."""
    monkeypatch.setenv("DEPWAVE_FRESH_BUILD", "1")
    store.reset()
    ingest(store, [org])
    before = graph_of(store)
    kill_server(store.data_dir)
    again = EmbeddedStore(store.data_dir)
    try:
        assert graph_of(again) == before and len(before) > 500
    finally:
        again.close()


def test_the_check_after_the_loads_covers_a_built_graph(store: EmbeddedStore, org: Path, monkeypatch) -> None:
    """What the build lost (here one RESOLVES edge, deleted right after the rename) is found by the check
    that follows every ingest's loads, and the file loaded again through a statement."""
    monkeypatch.setenv("DEPWAVE_FRESH_BUILD", "1")
    real = embedded_build._finish

    def finish_losing_one(s: EmbeddedStore, build) -> None:
        real(s, build)
        s.run("MATCH (:Project)-[r:RESOLVES]->() WHERE r.source = 'services:svc-05/bom.json' WITH r LIMIT 1 DELETE r",
              write=True)  # fmt: skip

    monkeypatch.setattr(embedded_build, "_finish", finish_losing_one)
    store.reset()
    report = ingest(store, [org])
    assert [w.split(":0: ", 1)[1] for w in report.warnings if "svc-05" in w] == [
        "the store had not kept all of this file's edges (RESOLVES 3 of 4); loaded again"
    ]
    monkeypatch.setenv("DEPWAVE_FRESH_BUILD", "0")
    built = graph_of(store, tokens=True)
    store.reset()
    ingest(store, [org])
    assert graph_of(store, tokens=True) == built


def test_a_build_sends_no_list_in_bulk(store: EmbeddedStore, org: Path, monkeypatch) -> None:
    """GRAPH.BULK keeps a leaked copy of every string of a list it stores (26,417 bytes an edge against
    13,617 for 40 strings set by Cypher): lists go apart (packed and split, or set by a statement)."""
    from planner.store import bulk_encoding

    def refused(*_a, **_k):
        raise AssertionError("a list encoded for GRAPH.BULK")

    monkeypatch.setattr(bulk_encoding, "array", refused)
    monkeypatch.setenv("DEPWAVE_FRESH_BUILD", "1")
    store.reset()
    report = ingest(store, [org])
    assert report.loaded > 40 and not report.errors
    kinds = store.run(
        "MATCH ()-[r:RESOLVES]->() WHERE r.chain IS NOT NULL RETURN DISTINCT typeOf(r.chain) AS t "
        "UNION MATCH ()-[d:DEPENDS_ON]->() RETURN DISTINCT typeOf(d.stated_by) AS t "
        "UNION MATCH (f:SourceFile) RETURN DISTINCT typeOf(f.resolves_for) AS t"
    )
    assert kinds == [{"t": "List"}]


def test_a_build_that_fails_midway_stops_the_ingest_and_keeps_the_store_empty(
    store: EmbeddedStore, org: Path, monkeypatch
) -> None:
    """A part already numbered cannot be loaded again file by file (its nodes would be made twice): a
    failure inside the build stops the ingest, and the store's graph stays as it was."""
    from planner.errors import QueryError

    def failing(s, name, params):
        raise QueryError("simulated failure")

    monkeypatch.setattr(embedded_build, "_query", failing)
    monkeypatch.setenv("DEPWAVE_FRESH_BUILD", "1")
    store.reset()
    with pytest.raises(FreshBuildFailed, match=r"^the first ingest's bulk build failed .*simulated failure"):
        ingest(store, [org])
    assert store.stats()["nodes"] == {}
    assert not store._conn.execute_command("EXISTS", BUILD)
