"""The worker-process ingest (large ingests) gives exactly what the in-process ingest gives."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

import planner.ingest as ingest_mod
from loaders.sbom.cyclonedx_json import CycloneDxJsonLoader
from planner.dependents import find_dependents
from planner.errors import QueryError
from planner.ingest import ingest
from planner.store.embedded import EmbeddedStore
from planner.store.statements import FIELD

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
LOG4J = "pkg:maven/org.apache.logging.log4j/log4j-core"


@pytest.fixture()
def org(tmp_path: Path) -> Path:
    """examples/ plus a broken SBOM and a repository whose SBOM the tests may have the store reject."""
    root = tmp_path / "org"
    shutil.copytree(EXAMPLES, root)
    (root / "broken").mkdir()
    (root / "broken" / "bom.json").write_text('{"bomFormat": "CycloneDX",\n "components": [\n')
    (root / "zz-reject-me").mkdir()
    (root / "zz-reject-me" / "bom.json").write_text(
        json.dumps(
            {
                "bomFormat": "CycloneDX",
                "specVersion": "1.5",
                "metadata": {"component": {"type": "application", "name": "r", "purl": "pkg:npm/reject-me@1.0.0"}},
                "components": [{"type": "library", "name": "x", "version": "1.0.0", "purl": "pkg:npm/x@1.0.0"}],
            }
        )
    )
    return root


def snapshot(store: EmbeddedStore) -> tuple:
    answer = find_dependents(store, LOG4J).as_dict()
    return store.stats(), json.dumps(answer, sort_keys=True)


def report_view(r) -> dict:
    d = r.as_dict()
    for k in ("run", "seconds"):
        d.pop(k)
    return d


def run_both(store: EmbeddedStore, org: Path, monkeypatch: pytest.MonkeyPatch, workers: int = 2) -> tuple:
    monkeypatch.setattr(ingest_mod.batches, "BATCH_SOURCES", 4)  # many batches, both ways
    monkeypatch.setattr(ingest_mod.workers, "CHUNK_FILES", 7)  # chunks end inside and between batches
    monkeypatch.setenv("DEPWAVE_INGEST_WORKERS", "0")
    store.reset()
    plain = ingest(store, [org])
    plain_graph = snapshot(store)
    monkeypatch.setenv("DEPWAVE_INGEST_WORKERS", str(workers))
    monkeypatch.setattr(ingest_mod.workers, "WORKER_MIN_FILES", 1)
    store.reset()
    seen: list[int] = []
    worker = ingest(store, [org], progress=lambda i, n, name: seen.append(i))
    return plain, plain_graph, worker, snapshot(store), seen


def parsed_here(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The repositories whose SBOMs this process parses (the worker's parses are not seen here)."""
    parent, real, seen = os.getpid(), CycloneDxJsonLoader.parse, []

    def spy(self, text, source, context=None):
        if os.getpid() == parent:
            seen.append(source.repo)
        return real(self, text, source, context)

    monkeypatch.setattr(CycloneDxJsonLoader, "parse", spy)
    return seen


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_worker_ingest_equals_the_in_process_ingest(store: EmbeddedStore, org: Path, monkeypatch, workers) -> None:
    here = parsed_here(monkeypatch)
    plain, plain_graph, worker, worker_graph, seen = run_both(store, org, monkeypatch, workers)
    # every SBOM was parsed here once — by the in-process ingest; the worker ingest parsed none here
    assert len(here) == plain.by_loader["cyclonedx-json"] + 1 > 10  # + the broken one
    assert report_view(worker) == report_view(plain)
    assert worker_graph == plain_graph
    assert plain.errors and plain.loaded > 20  # the broken SBOM is reported, the rest loads
    assert seen and seen == sorted(seen) and seen[-1] == worker.files  # the bar reaches the end
    again = ingest(store, [org])  # worker path again: nothing changed
    assert again.unchanged == again.files - again.skipped and again.loaded == 0


def test_a_batch_the_store_rejects_is_loaded_source_by_source(store: EmbeddedStore, org: Path, monkeypatch) -> None:
    real = EmbeddedStore.load_prepared

    def picky(self, prepared):
        if "reject-me" in str(prepared):
            raise QueryError("simulated rejection")
        return real(self, prepared)

    monkeypatch.setattr(EmbeddedStore, "load_prepared", picky)
    plain, plain_graph, worker, worker_graph, _ = run_both(store, org, monkeypatch)
    assert any("zz-reject-me" in e and "the store rejected" in e for e in worker.errors)
    assert report_view(worker) == report_view(plain)
    assert worker_graph == plain_graph


def test_a_dead_worker_leaves_the_rest_to_this_process(store: EmbeddedStore, org: Path, monkeypatch) -> None:
    parent = os.getpid()
    real = CycloneDxJsonLoader.parse

    def dies_in_the_child(self, text, source, context=None):
        if os.getpid() != parent and source.repo == "storefront":
            os._exit(3)
        return real(self, text, source, context)

    monkeypatch.setattr(CycloneDxJsonLoader, "parse", dies_in_the_child)
    here = parsed_here(monkeypatch)
    plain, plain_graph, worker, worker_graph, _ = run_both(store, org, monkeypatch)
    after_plain = here[here.index("zz-reject-me") + 1 :]  # the repos are walked in name order
    assert after_plain and after_plain[0] == "storefront"  # the worker died there; this process went on
    assert report_view(worker) == report_view(plain)
    assert worker_graph == plain_graph


SIZE_CASES = {
    "none": [],
    "one": [48_000],
    "empty files": [0] * 2_600,
    "1M-shaped SBOMs": [48_000] * 10_000,  # bench/synth.py: ~48 KB and ~250 rows a file
    "10M-shaped SBOMs": [352_000] * 10_000,  # ~352 KB and ~2,000 rows a file
    "mixed": [(i * 7_919) % 400_000 for i in range(3_001)],
    "one huge file": [1_000] * 500 + [90_000_000] + [1_000] * 500,
}


@pytest.mark.parametrize("case", SIZE_CASES)
def test_chunks_cover_every_file_once_about_a_statement_each_smaller_at_both_ends(case: str) -> None:
    sizes = SIZE_CASES[case]
    target = ingest_mod.workers.chunk_bytes(100_000)
    chunks = ingest_mod.chunks(sizes, target)
    assert [lo for lo, _ in chunks] == ([0] + [hi for _, hi in chunks[:-1]] if chunks else [])
    assert sum(hi - lo for lo, hi in chunks) == len(sizes) and all(hi > lo for lo, hi in chunks)
    for lo, hi in chunks:  # no chunk goes on once it holds the target, nor past CHUNK_FILES files
        assert hi - lo <= ingest_mod.workers.CHUNK_FILES
        assert sum(sizes[lo : hi - 1]) < target
    held = [sum(sizes[lo:hi]) for lo, hi in chunks]
    if sum(sizes) >= 10 * target:
        assert held[0] < held[2] and held[1] < held[2] and held[-1] < held[2] and held[-2] < held[2]
        assert max(held[2:-2]) >= target or max(hi - lo for lo, hi in chunks) == ingest_mod.workers.CHUNK_FILES
    if case == "10M-shaped SBOMs":  # one statement's worth of files, not 1,000 files (20 statements)
        assert max(hi - lo for lo, hi in chunks) == -(-target // 352_000)


def test_chunks_follow_the_files_sizes(org: Path) -> None:
    from planner.ingest import discover

    candidates = discover([org], None, [])
    (Path(candidates[2].file)).unlink()  # gone since discovery: its read will say so
    sizes = ingest_mod.workers.file_sizes(candidates)
    assert sizes[2] == 0
    assert sizes[:2] + sizes[3:] == [os.stat(c.file).st_size for c in (candidates[:2] + candidates[3:])]
    assert all(size > 0 for size in sizes[:2] + sizes[3:])


def test_a_worker_batch_leaves_out_the_nodes_its_earlier_batches_wrote(tmp_path: Path) -> None:
    from planner.ingest import IngestContext, _parse_one, discover
    from planner.store.rows import GraphBatch

    for name, deps in (("a", ["pkg:npm/x@1.0.0", "pkg:npm/y@1.0.0"]), ("b", ["pkg:npm/x@1.0.0", "pkg:npm/z@2.0.0"])):
        (tmp_path / name).mkdir()
        components = [{"type": "library", "name": d.split("/")[1].split("@")[0], "purl": d} for d in deps]
        app = {"type": "application", "name": name, "purl": f"pkg:npm/{name}@1.0.0"}
        bom = {"bomFormat": "CycloneDX", "specVersion": "1.5", "metadata": {"component": app}, "components": components}
        (tmp_path / name / "bom.json").write_text(json.dumps(bom))
    cands = discover([tmp_path])
    context = IngestContext(cands, 1 << 20)
    written: set = set()
    batches = []
    for cand in cands:
        batch = GraphBatch()
        batch.add(_parse_one(cand, context, {}).item, "now")
        batch.skip_written(written)
        batches.append(batch)
    first, second = (set(b.nodes["Version"]) for b in batches)
    assert first == {"pkg:npm/x@1.0.0", "pkg:npm/y@1.0.0"}
    assert second == {"pkg:npm/z@2.0.0"}  # x@1.0.0 was written by the first batch
    assert {v for v, _ in batches[1].version_of} == second
    assert "pkg:npm/x" not in batches[1].nodes["Package"]
    members = [m.split(FIELD)[0] for g in batches[1].resolves.values() for m in g]
    assert "pkg:npm/x@1.0.0" in members  # the edge stays


def test_a_file_too_big_for_a_worker_is_parsed_here_and_loaded_in_parts(
    store: EmbeddedStore, org: Path, monkeypatch
) -> None:
    """With 10 kB as "too big for a worker", the seven example files over it (six SBOMs and storefront's
    package-lock.json, by `find examples -size +9999c`) are parsed by this process, not sent by a worker
    in one message, and loaded in parts of 7 records, each in its place in file order; the graph and the
    report are the in-process ingest's."""
    import planner.big_files as big_files_mod
    import planner.ingest.workers as workers_mod
    from planner.store import source_parts

    monkeypatch.setattr(big_files_mod, "ANNOUNCE_BYTES", 10_000)
    monkeypatch.setattr(source_parts, "PART_RECORDS", 7)
    parent, parsed, parts = os.getpid(), [], []
    real_parse, real_parts = workers_mod.parse_one, big_files_mod.load_in_parts

    def parse_spy(cand, context, known):
        if os.getpid() == parent and os.environ.get("DEPWAVE_INGEST_WORKERS") != "0":
            parsed.append(cand.source.display)
        return real_parse(cand, context, known)

    def parts_spy(store_, item, *args, **kwargs):
        if os.environ.get("DEPWAVE_INGEST_WORKERS") != "0":
            parts.append(item.source.display)
        return real_parts(store_, item, *args, **kwargs)

    monkeypatch.setattr(workers_mod, "parse_one", parse_spy)
    monkeypatch.setattr(big_files_mod, "load_in_parts", parts_spy)
    plain, plain_graph, worker, worker_graph, _ = run_both(store, org, monkeypatch)
    big = [f"{r}/bom.json" for r in ("acme-commons", "acme-platform", "billing-service")]
    big += ["integration-tests/bom.json", "orders-service/bom.json", "storefront/bom.json"]
    big += ["storefront/package-lock.json"]
    assert sorted(p.split("org/", 1)[-1] for p in parsed) == sorted(big)
    assert sorted(p.split("org/", 1)[-1] for p in parts) == sorted(big)  # each has more than 7 records
    assert worker_graph == plain_graph
    assert report_view(worker) == report_view(plain)  # in file order: a Project's manifest is its last file's


def test_the_worker_path_enters_bulk_mode_only_for_a_large_load(store: EmbeddedStore, org: Path, monkeypatch) -> None:
    """Leaving bulk mode rewrites the whole data set (the AOF base): a re-ingest that loads nothing, or
    a few files, must not pay for it; a large load still goes in bulk mode, once."""
    entered: list[int] = []
    real = EmbeddedStore.bulk

    def counting(self, wait: bool = True):
        entered.append(1)
        return real(self, wait)

    monkeypatch.setattr(EmbeddedStore, "bulk", counting)
    monkeypatch.setattr(ingest_mod.batches, "BATCH_SOURCES", 4)
    monkeypatch.setattr(ingest_mod.workers, "CHUNK_FILES", 7)
    monkeypatch.setattr(ingest_mod.workers, "BULK_AFTER_ROWS", 100)  # examples/ is a large load
    monkeypatch.setattr(ingest_mod.workers, "WORKER_MIN_FILES", 1)
    monkeypatch.setenv("DEPWAVE_INGEST_WORKERS", "2")
    store.reset()
    first = ingest(store, [org])
    assert first.loaded > 20 and len(entered) == 1
    rewrites = int(store._conn.info("persistence")["aof_rewrites"])
    again = ingest(store, [org])
    assert again.loaded == 0 and again.unchanged > 20 and len(entered) == 1
    sbom = next(p for p in sorted(org.rglob("bom.json")) if "broken" not in p.parts and "zz-reject-me" not in p.parts)
    sbom.write_text(sbom.read_text() + "\n")  # one file changed: loaded, not in bulk mode
    one = ingest(store, [org])
    assert one.loaded == 1 and one.edges < 100 and len(entered) == 1
    assert int(store._conn.info("persistence")["aof_rewrites"]) == rewrites
