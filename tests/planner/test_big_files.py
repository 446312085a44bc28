"""Big files load in parts under a staging key and are swapped in atomically (issue 13 item 11)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from planner import big_files
from planner import ingest as ingest_mod
from planner.big_files import stderr_progress
from planner.errors import QueryError
from planner.store import embedded_server, source_parts
from planner.store.embedded import EmbeddedStore

ROOT = Path(__file__).resolve().parents[2]


def _lock(packages: dict[str, dict]) -> str:
    root = {"name": "app", "version": "1.0.0", "dependencies": {n.split("node_modules/")[-1]: "*" for n in packages}}
    return json.dumps({"name": "app", "version": "1.0.0", "lockfileVersion": 3, "packages": {"": root, **packages}})


def _packages(names: list[str], version: str, deps: bool = True) -> dict[str, dict]:
    out = {}
    for i, n in enumerate(names):
        entry: dict = {"version": version, "integrity": "sha512-" + "A" * 86 + "=="}
        if deps and i + 1 < len(names):
            entry["dependencies"] = {names[i + 1]: "^" + version}
        if i % 3 == 1:
            entry["dev"] = True
        out[f"node_modules/{n}"] = entry
    return out


def _graph(store: EmbeddedStore) -> tuple[list, list]:
    """Every node and edge, without run stamps and times: what a query can see."""
    volatile = {"run", "ingested_at"}
    nodes = store.run("MATCH (n) RETURN labels(n)[0] AS label, properties(n) AS props")
    edges = store.run("MATCH (a)-[r]->(b) RETURN type(r) AS type, a.key AS a, b.key AS b, properties(r) AS props")

    def clean(props: dict) -> str:
        return json.dumps({k: v for k, v in sorted(props.items()) if k not in volatile}, sort_keys=True)

    return (
        sorted((n["label"], clean(n["props"])) for n in nodes),
        sorted((e["type"], e["a"], e["b"], clean(e["props"])) for e in edges),
    )


def _ingest(store: EmbeddedStore, root: Path, **kw) -> ingest_mod.IngestReport:
    return ingest_mod.ingest(store, [root], repo="app", **kw)


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "app"
    root.mkdir()
    names = [f"pkg{i}" for i in range(40)] + [f"@s/p{i}" for i in range(10)]
    (root / "package-lock.json").write_text(_lock(_packages(names, "1.0.0")))
    return root


def test_parts_give_the_same_graph_as_one_statement(store, repo, monkeypatch):
    _ingest(store, repo)
    whole = _graph(store)
    store.reset()
    monkeypatch.setattr(source_parts, "PART_RECORDS", 7)  # 50 Resolved + 49 VersionDependency + ...: many parts
    seen: list[tuple[str, int, int]] = []
    report = _ingest(store, repo, file_progress=lambda shown, done, total: seen.append((shown, done, total)))
    assert report.loaded == 1 and report.errors == []
    assert _graph(store) == whole
    assert seen[-1][1] == seen[-1][2] == 101  # 1 Project, 50 Resolved, 49 VersionDependency, 1 Publishes
    assert [d for _, d, _ in seen] == [7 * k for k in range(1, 15)] + [101]
    assert store.query("list_staged_sources") == []


def test_a_new_version_replaces_the_old_one_whole(store, repo, tmp_path, monkeypatch):
    monkeypatch.setattr(source_parts, "PART_RECORDS", 7)
    _ingest(store, repo)
    names = [f"pkg{i}" for i in range(30)] + ["newpkg"]
    (repo / "package-lock.json").write_text(_lock(_packages(names, "2.0.0")))
    report = _ingest(store, repo)
    assert report.loaded == 1
    parted = _graph(store)
    monkeypatch.setattr(source_parts, "PART_RECORDS", 10**9)  # the same two ingests, one statement each
    store.reset()
    first = [f"pkg{i}" for i in range(40)] + [f"@s/p{i}" for i in range(10)]
    (repo / "package-lock.json").write_text(_lock(_packages(first, "1.0.0")))
    _ingest(store, repo)
    (repo / "package-lock.json").write_text(_lock(_packages(names, "2.0.0")))
    _ingest(store, repo)
    assert _graph(store) == parted
    versions = {
        r["version"] for r in store.run("MATCH (:Project)-[:RESOLVES]->(v:Version) RETURN v.version AS version")
    }
    assert versions == {"2.0.0"}


def test_a_rejected_part_keeps_the_old_version(store, repo, monkeypatch):
    monkeypatch.setattr(source_parts, "PART_RECORDS", 7)
    _ingest(store, repo)
    before = _graph(store)
    names = [f"pkg{i}" for i in range(45)]
    (repo / "package-lock.json").write_text(_lock(_packages(names, "3.0.0")))
    calls = {"n": 0}
    real = store.run

    def fail_third(cypher, params=None, *, write=False):
        if cypher.startswith("// load_sources.cypher"):
            calls["n"] += 1
            if calls["n"] == 3:
                raise QueryError("injected: the store rejected part 3")
        return real(cypher, params, write=write)

    monkeypatch.setattr(store, "run", fail_third)
    report = _ingest(store, repo)
    assert report.loaded == 0 and report.skipped == 1
    assert report.errors == [
        f"{repo}/package-lock.json:0: the store rejected this file's records "
        "(injected: the store rejected part 3); skipped"
    ]
    after = _graph(store)
    assert after == before
    assert store.query("list_staged_sources") == []


def test_stderr_progress_is_throttled():
    lines: list[str] = []

    class Out:
        def write(self, text):
            lines.append(text)

        def flush(self):
            pass

    show = stderr_progress(every_s=3600, stream=Out())
    show("a/package-lock.json", 0, 0)
    for done in range(1000, 10_001, 1000):
        show("a/package-lock.json", done, 10_000)
    assert lines == [
        "a/package-lock.json: reading and parsing" + os.linesep,
        "a/package-lock.json: 10,000 of 10,000 records loaded" + os.linesep,
    ]


def test_a_killed_part_load_leaves_the_old_version_and_the_next_ingest_finishes(store, data_dir, tmp_path):
    root = tmp_path / "app"
    root.mkdir()
    lock = root / "package-lock.json"
    old = [f"old{i}" for i in range(50)]
    lock.write_text(_lock(_packages(old, "1.0.0")))
    _ingest(store, root)
    new = [f"new{i}" for i in range(30_000)]  # 30,000 Resolved + 29,999 VersionDependency: 3 parts of 20,000
    lock.write_text(_lock(_packages(new, "2.0.0", deps=True)))
    env = {**os.environ, "DEPWAVE_DATA_DIR": str(data_dir)}
    cmd = [sys.executable, "-c", "from planner.cli import main; main()", "ingest", str(root), "--repo", "app"]
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    assert proc.stderr is not None
    deadline = time.monotonic() + 300
    line = ""
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if "records loaded" in line or not line:
            break
    assert "20,000 of 60,001 records loaded" in line  # the first part is in, the swap has not run
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    # a restart replays what the killed load left in the append-only file: in about a second (written
    # as the query text it replayed for over 10 minutes, silent, and `start` killed it after 15 s)
    store.close()
    embedded_server.stop(data_dir)
    restarted = time.monotonic()
    embedded_server.start(data_dir)
    assert time.monotonic() - restarted < 60  # start waits while the log says loading: bound it
    store = EmbeddedStore(data_dir)

    def versions() -> set[str]:
        rows = store.run(
            "MATCH (:Project)-[r:RESOLVES]->(v:Version) WHERE r.source = 'app:package-lock.json' RETURN v.version AS v"
        )
        return {r["v"] for r in rows}

    assert versions() == {"1.0.0"}
    assert len(store.run("MATCH (:Project)-[r:RESOLVES]->() WHERE r.source = 'app:package-lock.json' RETURN r")) == 50
    assert [r["staged_for"] for r in store.query("list_staged_sources")] == ["app:package-lock.json"]

    report = _ingest(store, root)
    assert report.loaded == 1 and report.errors == []
    assert store.query("list_staged_sources") == []
    assert versions() == {"2.0.0"}
    assert len(store.run("MATCH (:Project)-[r:RESOLVES]->() RETURN r")) == 30_000
    store.close()


def test_a_streamed_lock_loads_in_parts_the_graph_of_one_statement(store, repo, monkeypatch):
    from loaders.js import npm_lock

    monkeypatch.setattr(source_parts, "PART_RECORDS", 10**9)  # read whole, one statement
    _ingest(store, repo)
    whole = _graph(store)
    store.reset()
    monkeypatch.setattr(npm_lock, "STREAM_CHARS", 0)  # read entry by entry, records made part by part
    monkeypatch.setattr(source_parts, "STREAM_PART_RECORDS", 7)
    monkeypatch.setattr(big_files, "ANNOUNCE_BYTES", 0)
    seen: list[tuple] = []
    report = _ingest(store, repo, file_progress=lambda *told: seen.append(told))
    assert report.loaded == 1 and report.errors == []
    assert _graph(store) == whole
    shown = str(repo / "package-lock.json")
    size = (repo / "package-lock.json").stat().st_size  # ASCII: one character a byte
    parse_lines = [t for t in seen if t[3:] == ("characters parsed",)]
    assert seen[0] == (shown, 0, 0)  # before the parse
    assert parse_lines[-1] == (shown, size, size, "characters parsed")
    loaded = [t[1:3] for t in seen if len(t) == 3 and t[2]]
    # 101 records (1 Project, 1 Publishes, 50 Resolved, 49 VersionDependency); estimated as 1 + 1 + 50 + 49
    assert [d for d, _ in loaded] == [7 * k for k in range(1, 15)] + [101]
    assert loaded[-1] == (101, 101)
    assert seen.index(parse_lines[-1]) < seen.index((shown, 7, 101))


# -- the check after the loads covers big files (planner/ingest/verify.py) ---------------------------------

LOCK_KEY = "app:package-lock.json"
LOSE_ONE_RESOLVES = (
    "MATCH (:Project)-[r:RESOLVES]->(:Version {key: 'pkg:npm/pkg7@1.0.0'}) WHERE r.source = $source DELETE r"
)
CUT_ONE_TOKEN = (  # the lockfile's statement of pkg3@1.0.0 -> pkg4, cut out of its edge
    "MATCH (:Version {key: 'pkg:npm/pkg3@1.0.0'})-[d:DEPENDS_ON]->(:Package {key: 'pkg:npm/pkg4'}) "
    "SET d.stated_by = [c IN d.stated_by | replace(c, $token, '')]"
)
# "\x1f" source "\x1e" range "\x1e" resolved "\x1e" scope "\x1d": 1 + 21 + 1 + 6 + 1 + 5 + 1 + 7 + 1 = 44
PKG3_TOKEN = "\x1f" + LOCK_KEY + "\x1e^1.0.0\x1e1.0.0\x1eruntime\x1d"


def _damage_after_swaps(store, monkeypatch, damage: str, times: int) -> list[int]:
    """Make the store lose something of the lockfile right after each of its first ``times`` swaps (as
    FalkorDB's fault did: the statement answered, part of it missing); returns the swap count, as it goes."""
    swaps = [0]
    real = store.write

    def write(name, params=None):
        out = real(name, params)
        if name == "swap_staged_source":
            swaps[0] += 1
            if swaps[0] <= times:
                store.run(damage, {"source": LOCK_KEY, "token": PKG3_TOKEN}, write=True)
        return out

    monkeypatch.setattr(store, "write", write)
    return swaps


def test_a_big_files_expectation_is_what_one_statement_of_it_would_expect(store, repo, monkeypatch):
    from planner.ingest.verify import find_differences
    from planner.store.rows import GraphBatch

    monkeypatch.setattr(source_parts, "PART_RECORDS", 7)
    seen = []
    real = big_files.load_in_parts

    def spy(store_, item, *args, **kwargs):
        whole = GraphBatch()
        whole.add(item, "now")
        edges, rows, expected = real(store_, item, *args, **kwargs)
        seen.append((whole.expected(), expected))
        return edges, rows, expected

    monkeypatch.setattr(big_files, "load_in_parts", spy)
    report = _ingest(store, repo)
    assert report.loaded == 1 and not report.warnings
    [(whole, parts)] = seen
    # written from the lockfile: the root resolves all 50 packages, each but the last depends on the next
    assert parts.edges[LOCK_KEY]["RESOLVES"] == 50
    assert len(parts.pairs) == 49
    assert parts.edges == whole.edges and parts.pairs == whole.pairs
    assert find_differences(store, parts) == []
    short = {LOCK_KEY: {**parts.edges[LOCK_KEY], "RESOLVES": 51}}
    assert [d.describe() for d in find_differences(store, type(parts)(short, parts.pairs))] == ["RESOLVES 50 of 51"]


@pytest.mark.parametrize(
    ("damage", "told"),
    [
        (LOSE_ONE_RESOLVES, "RESOLVES 49 of 50"),
        (CUT_ONE_TOKEN, "DEPENDS_ON pkg:npm/pkg3@1.0.0 -> pkg:npm/pkg4 statements 0 of 44 characters long"),
    ],
)
def test_what_a_big_files_swap_lost_is_found_and_the_file_loaded_again_in_parts(store, repo, monkeypatch, damage, told):
    monkeypatch.setattr(source_parts, "PART_RECORDS", 7)
    _ingest(store, repo)
    clean = _graph(store)
    store.reset()
    swaps = _damage_after_swaps(store, monkeypatch, damage, 1)
    report = _ingest(store, repo)
    assert report.warnings == [
        f"{repo}/package-lock.json:0: the store had not kept all of this file's edges ({told}); loaded again"
    ]
    assert report.loaded == 1 and swaps == [2]  # loaded again in parts
    assert _graph(store) == clean
    assert store.query("list_staged_sources") == []


def test_a_big_file_the_store_keeps_losing_fails_the_ingest_and_is_forgotten(store, repo, monkeypatch):
    from planner.errors import StoreLostWrites

    monkeypatch.setattr(source_parts, "PART_RECORDS", 7)
    _damage_after_swaps(store, monkeypatch, LOSE_ONE_RESOLVES, 99)
    with pytest.raises(StoreLostWrites) as caught:
        _ingest(store, repo)
    assert f"{LOCK_KEY}: RESOLVES 49 of 50" in str(caught.value)
    assert store.run("MATCH (s:SourceFile) RETURN count(s) AS n")[0]["n"] == 0  # the next ingest loads it
    assert store.query("list_staged_sources") == []
    monkeypatch.undo()
    monkeypatch.setattr(source_parts, "PART_RECORDS", 7)
    again = _ingest(store, repo)
    assert again.loaded == 1 and not again.warnings
