"""bench/synth.py's SBOM-heavy shape: deterministic, restating pairs, deployable, and one edge per pair once
ingested."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest

from planner.dependents import find_dependents
from planner.ingest import ingest
from planner.purl import parse
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
import synth

SMALL = {"seed": 7, "repos": 30, "edges": 6000, "shape": "sbom-heavy"}


def tree_digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("heavy") / "org"
    return out, synth.generate(out, **SMALL)


def test_same_seed_same_bytes(org, tmp_path: Path) -> None:
    out, _ = org
    again = tmp_path / "org"
    synth.generate(again, **SMALL)
    assert tree_digest(again) == tree_digest(out)


def test_every_repository_ships_an_sbom_and_every_service_its_deployment(org) -> None:
    out, manifest = org
    repos = sorted(p for p in out.iterdir() if p.is_dir())
    assert len(repos) == manifest["repos"] == manifest["projects"] == 30
    services = 0
    for repo in repos:
        assert (repo / "bom.json").is_file() and (repo / ".github" / "CODEOWNERS").is_file()
        kind = json.loads((repo / "bom.json").read_text())["metadata"]["component"]["type"]
        deploy = [(repo / f).is_file() for f in ("Dockerfile", "skaffold.yaml", "deploy/prod/deployment.yaml")]
        assert deploy == [kind != "library"] * 3
        services += kind != "library"
    assert services == manifest["services"]


def test_pairs_are_counted_from_the_sboms(org) -> None:
    """Recount the (version, package) pairs from the files themselves: the manifest's figures must match."""
    out, manifest = org
    stated: dict[tuple[str, str], int] = {}
    for bom in out.glob("*/bom.json"):
        doc = json.loads(bom.read_text())
        root = doc["metadata"]["component"]["bom-ref"]
        for entry in doc["dependencies"]:
            if entry["ref"] == root:
                continue  # the project's own needs are resolutions, not dependency metadata
            for dep in entry["dependsOn"]:
                pair = (parse(entry["ref"]).key, parse(dep).package)
                stated[pair] = stated.get(pair, 0) + 1
    assert manifest["expected"]["depends_on_edges"] == len(stated)
    assert manifest["pairs"]["statements"] == sum(stated.values())
    assert manifest["pairs"]["restated_max"] == max(stated.values())
    # the typical pair is restated by most of the 30 SBOMs
    assert manifest["pairs"]["restated_median"] >= 15


def test_ingested_one_edge_per_pair_and_deployed_services_exposed(org, store) -> None:
    out, manifest = org
    store.ensure_schema()
    report = ingest(store, [out])
    assert not report.errors and report.loaded == manifest["files"]
    assert store.stats()["relationships"]["DEPENDS_ON"] == manifest["expected"]["depends_on_edges"]
    log4j = manifest["log4j"]["package"]
    assert len(find_dependents(store, log4j).dependents) == manifest["targets"]["log4j-core"]["expected_dependents"]
    exposed = {row["project"] for row in store.query("find_production_exposure", {"package": log4j})}
    assert len(exposed) == manifest["log4j"]["services_reaching"] > 0
