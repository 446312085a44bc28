"""A load finds a file's old RESOLVES edges through the projects its SourceFile's ``resolves_for`` lists.

There is no index on RESOLVES ``source`` any more (it held ~133 MB of the server's memory at 1M edges).
The oracle for a re-ingest is a fresh ingest of the same files; the lists are written by hand from the
fixture (a real npm workspace's layout: OpenTelemetry JS, whose lockfile resolves for each member).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from planner.ingest import ingest
from planner.store.base import Store
from planner.store.upgrade import needs_resolves_for, upgrade_resolves_for

ROOT = Path(__file__).resolve().parents[2]
OTEL = ROOT / "tests" / "fixtures" / "npm" / "otel-workspace"
EXAMPLES = ROOT / "examples"


def resolves(store: Store) -> list[tuple]:
    """Every RESOLVES edge with what a query reads of it."""
    rows = store.run(
        "MATCH (p:Project)-[r:RESOLVES]->(v:Version) "
        "RETURN p.key AS p, v.key AS v, r.source AS s, r.scope AS scope, r.depth AS depth, r.line AS line"
    )
    return sorted((r["p"], r["v"], r["s"], r["scope"], r["depth"], r["line"]) for r in rows)


def lists(store: Store) -> dict[str, list[str]]:
    """Each SourceFile's resolves_for."""
    rows = store.run("MATCH (s:SourceFile) RETURN s.key AS k, s.resolves_for AS r")
    return {r["k"]: r["r"] for r in rows}


def test_a_workspace_lockfile_lists_its_members_and_a_new_version_replaces_their_edges(
    store: Store, tmp_path: Path
) -> None:
    repo = tmp_path / "otel"
    shutil.copytree(OTEL, repo)
    ingest(store, [repo], repo="otel")
    # written from the lockfile: the root and the three members with dependencies; semantic-conventions
    # states none, and the manifests resolve nothing
    assert lists(store)["otel:package-lock.json"] == [
        "otel/.#pkg:npm/opentelemetry",
        "otel/experimental/packages/opentelemetry-sdk-node#pkg:npm/%40opentelemetry/sdk-node",
        "otel/packages/opentelemetry-core#pkg:npm/%40opentelemetry/core",
        "otel/packages/opentelemetry-sdk-trace-base#pkg:npm/%40opentelemetry/sdk-trace-base",
    ]
    assert lists(store)["otel:packages/opentelemetry-core/package.json"] == []

    # the next version of the lockfile: typescript 5.2.2 -> 5.3.3; sdk-node drops protobufjs (and long)
    lock_path = repo / "package-lock.json"
    lock = json.loads(lock_path.read_text())
    packages = lock["packages"]
    packages[""]["devDependencies"]["typescript"] = "5.3.3"
    packages["node_modules/typescript"]["version"] = "5.3.3"
    del packages["experimental/packages/opentelemetry-sdk-node"]["dependencies"]["protobufjs"]
    del packages["node_modules/protobufjs"], packages["node_modules/long"]
    lock_path.write_text(json.dumps(lock, indent=2))
    report = ingest(store, [repo], repo="otel")
    assert report.loaded == 1 and report.errors == []
    reloaded, reloaded_lists = resolves(store), lists(store)

    store.reset()
    ingest(store, [repo], repo="otel")
    assert reloaded == resolves(store)
    assert reloaded_lists == lists(store)
    versions = {v for _, v, _, _, _, _ in reloaded}
    assert "pkg:npm/typescript@5.3.3" in versions
    assert not {"pkg:npm/typescript@5.2.2", "pkg:npm/protobufjs@7.2.4", "pkg:npm/long@5.2.3"} & versions


def test_a_project_the_file_no_longer_resolves_for_loses_its_edges(store: Store, tmp_path: Path) -> None:
    repo = tmp_path / "otel"
    shutil.copytree(OTEL, repo)
    ingest(store, [repo], repo="otel")
    root_edges = [e for e in resolves(store) if e[0] == "otel/.#pkg:npm/opentelemetry"]
    assert len(root_edges) == 2  # lerna, typescript
    lock_path = repo / "package-lock.json"
    lock = json.loads(lock_path.read_text())
    del lock["packages"][""]["devDependencies"]
    del lock["packages"]["node_modules/lerna"], lock["packages"]["node_modules/typescript"]
    lock_path.write_text(json.dumps(lock, indent=2))
    ingest(store, [repo], repo="otel")
    assert [e for e in resolves(store) if e[0] == "otel/.#pkg:npm/opentelemetry"] == []
    assert "otel/.#pkg:npm/opentelemetry" not in lists(store)["otel:package-lock.json"]


def test_a_store_without_the_lists_is_upgraded_before_the_next_load(store: Store, tmp_path: Path) -> None:
    org = tmp_path / "org"
    shutil.copytree(EXAMPLES, org)
    ingest(store, [org])
    fresh_edges, fresh_lists = resolves(store), lists(store)
    assert sum(1 for v in fresh_lists.values() if v) >= 3, "examples/ has several files resolving"
    # as an earlier depwave left it: no lists, and an index on RESOLVES source
    store.run("MATCH (s:SourceFile) SET s.resolves_for = null", write=True)
    store.run("CREATE INDEX FOR ()-[r:RESOLVES]-() ON (r.source)", write=True)
    assert needs_resolves_for(store)

    # every file changes: each is reloaded, which must replace its RESOLVES edges, not add to them
    for path in org.rglob("*"):
        if path.is_file() and path.suffix in {".json", ".lock", ".txt", ".xml"}:
            path.write_bytes(path.read_bytes() + b"\n")
    report = ingest(store, [org])
    assert report.loaded > 0
    assert not needs_resolves_for(store)
    assert resolves(store) == fresh_edges
    assert lists(store) == fresh_lists
    indexed = [i for i in store.run("CALL db.indexes()") if i["label"] == "RESOLVES"]
    assert indexed == []
    assert upgrade_resolves_for(store) == 0  # nothing left to do


def test_the_upgrade_lists_what_the_edges_say(store: Store, tmp_path: Path) -> None:
    org = tmp_path / "org"
    shutil.copytree(EXAMPLES, org)
    ingest(store, [org])
    fresh_lists = lists(store)
    store.run("MATCH (s:SourceFile) SET s.resolves_for = null", write=True)
    listed = upgrade_resolves_for(store)
    assert listed == sum(1 for v in fresh_lists.values() if v)
    assert {k: sorted(v) for k, v in lists(store).items()} == fresh_lists


OTEL_LOCK_LIST = [  # written from the fixture's lockfile (see the first test)
    "otel/.#pkg:npm/opentelemetry",
    "otel/experimental/packages/opentelemetry-sdk-node#pkg:npm/%40opentelemetry/sdk-node",
    "otel/packages/opentelemetry-core#pkg:npm/%40opentelemetry/core",
    "otel/packages/opentelemetry-sdk-trace-base#pkg:npm/%40opentelemetry/sdk-trace-base",
]


def test_a_lockfile_loaded_in_parts_lists_every_part_and_is_pruned_whole(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from planner.store import source_parts

    repo = tmp_path / "otel"
    shutil.copytree(OTEL, repo)
    ingest(store, [repo], repo="otel")
    whole_edges, whole_lists = resolves(store), lists(store)
    store.reset()
    staged_lists: dict[str, list[str]] = {}
    real_write = store.write

    def write(name, params=None):  # the staging copy's list as each swap finds it
        if name == "swap_staged_source":
            staged_lists[params["source"]] = lists(store)[params["staged"]]
        return real_write(name, params)

    monkeypatch.setattr(store, "write", write)
    monkeypatch.setattr(source_parts, "PART_RECORDS", 5)  # the lockfile's members fall in different parts
    ingest(store, [repo], repo="otel")
    # every part's projects, listed as the parts loaded (the manifests, in parts too, resolve nothing)
    assert staged_lists.pop("otel:package-lock.json") == OTEL_LOCK_LIST
    assert len(staged_lists) == 4 and not any(staged_lists.values())
    assert resolves(store) == whole_edges and lists(store) == whole_lists

    (repo / "package-lock.json").unlink()  # pruned: delete_sources finds its edges through the list
    ingest(store, [repo], repo="otel")
    assert [e for e in resolves(store) if e[2] == "otel:package-lock.json"] == []
    assert "otel:package-lock.json" not in lists(store)


def test_a_staging_copy_an_earlier_depwave_left_is_removed_whole(store: Store, tmp_path: Path) -> None:
    repo = tmp_path / "otel"
    shutil.copytree(OTEL, repo)
    ingest(store, [repo], repo="otel")
    fresh = resolves(store)
    # a part load killed under an earlier depwave: a staging copy without resolves_for, holding edges
    store.run(
        "MATCH (p:Project)-[r:RESOLVES]->(v:Version) WHERE r.source = 'otel:package-lock.json' "
        "CREATE (p)-[:RESOLVES {source: 'otel:package-lock.json//staging', run: 'old'}]->(v)",
        write=True,
    )
    store.run(
        "CREATE (:SourceFile {key: 'otel:package-lock.json//staging', staged_for: 'otel:package-lock.json', "
        "root: '', depends_on: ''})",
        write=True,
    )
    assert needs_resolves_for(store)
    ingest(store, [repo], repo="otel")
    assert resolves(store) == fresh  # the copy's edges went with it
    assert store.query("list_staged_sources") == []


CORPUS_OTEL = ROOT.parent / "shared" / "corpus" / "open-telemetry__opentelemetry-js"


@pytest.mark.skipif(not CORPUS_OTEL.is_dir(), reason="../shared/corpus is not beside this checkout")
def test_a_fresh_ingest_of_a_real_workspace_resolves_what_a_second_ingest_does(store: Store) -> None:
    """opentelemetry-js's lockfile (big: loaded in parts) names members whose lock entries have no name and
    whose Project nodes only its USES_PROJECT rows made; a fresh ingest lost their RESOLVES edges (88) and
    the next forced ingest found them."""
    ingest(store, [CORPUS_OTEL])
    first = resolves(store)
    members = {p for p, *_ in first}
    assert "open-telemetry__opentelemetry-js/examples/esm-http-ts#pkg:generic/esm-http-ts" in members
    ingest(store, [CORPUS_OTEL], force=True)
    assert resolves(store) == first
