"""A seeded slice of the loader fuzzing (bench/fuzz.py runs >= 10,000 inputs per loader).

Every loader gets mutated copies of the files it handles in examples/ and tests/fixtures/ (so the
inputs do not depend on the shared corpus being present); hypothesis draws the mutations
deterministically and shrinks a failure to a small input. No input may raise anything but ParseError,
nor take more than BUDGET seconds."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.fuzz import PROJECT_SEED_ROOTS, check, collect_seeds, mutate
from loaders.registry import LOADERS

SEEDS = collect_seeds(PROJECT_SEED_ROOTS)
BUDGET = 10.0  # seconds; generous for a loaded CI machine, a hang is minutes


def test_every_loader_has_seeds() -> None:
    assert [name for name, seeds in SEEDS.items() if not seeds] == []


@pytest.mark.parametrize("loader", LOADERS, ids=lambda loader: loader.name)
def test_mutated_inputs_never_crash_or_hang(loader) -> None:
    seeds = SEEDS[loader.name]
    pool = [s.text.encode("utf-8", "surrogatepass") for s in seeds]

    @settings(max_examples=25, derandomize=True, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
    @given(index=st.integers(0, len(seeds) - 1), rng=st.randoms(use_true_random=False))
    def one(index: int, rng: random.Random) -> None:
        seed = seeds[index]
        text = mutate(rng, seed.text, pool)
        assert check(loader, seed.path, text, BUDGET) is None

    one()


@pytest.mark.parametrize(
    ("loader_name", "path", "text"),
    [
        ("gradle-settings", "settings.gradle", "rootProject.name = 'shop'\ninclude '/>', 'lib'\n"),  # looped forever
        ("osv-json", "GHSA-xxxx-xxxx-xxxx.json",
         '{"id": "GHSA-xxxx-xxxx-xxxx", "modified": "2024-01-01T00:00:00Z", "affected": [{"package": '
         '{"ecosystem": "npm", "name": "a"}, "ranges": [{"type": "SEMVER", "events": true}]}]}'),
        ("npm-package-json", "package.json", '{"name": "@babel/core", "version": "7.26.0\\ud800"}'),
        ("cargo-lock", "Cargo.lock", 'version = 3\n\n[[package]]\nname = ""\nversion = "0.1.0"\n'),
        ("kustomize", "kustomization.yaml", "resources:\n  - deployment.yaml\npatches: true\n"),
        ("kubectl-dump", "kubectl-get-pods.json",
         '{"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "v1", "kind": "Pod", "metadata": '
         '{"name": "web-1", "namespace": "prod", "labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", '
         '"image": "ghcr.io/acme/web:1.0"}]}, "status": {"containerStatuses": 7}}]}'),
        ("pipfile-lock", "Pipfile.lock",
         '{"_meta": {"hash": {"sha256": "x"}}, "default": {"requests": {"version": "==2.32.3", "hashes": 1.5}}}'),
    ],
)  # fmt: skip
def test_inputs_the_fuzzer_found(loader_name: str, path: str, text: str) -> None:
    loader = next(x for x in LOADERS if x.name == loader_name)
    assert check(loader, path, text, BUDGET) is None
