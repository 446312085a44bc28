"""Kustomize loader: roots render, bases stay silent, image rewrites, environments."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loaders.base import StaticContext
from loaders.deploy.kustomize import KustomizeLoader, apply_image_rule
from planner.model import DeployedIn, Runs, Service, Source
from tests.conftest import EXAMPLES, FIXTURES

LOADER = KustomizeLoader()
ROOT = FIXTURES / "deploy" / "kustomize"


def tree(root: Path, repo: str = "r") -> dict[tuple[str, str], str]:
    return {(repo, p.relative_to(root).as_posix()): p.read_text() for p in root.rglob("*") if p.is_file()}


def parse(files: dict[tuple[str, str], str], path: str, repo: str = "r"):
    return LOADER.parse(files[(repo, path)], Source(repo, path, path), StaticContext(files))


@pytest.mark.parametrize(
    ("path", "ok"),
    [
        ("kustomization.yaml", True),
        ("a/kustomization.yml", True),
        ("Kustomization", True),
        ("kustomization.yaml.orig", False),
        ("kustomize.yaml", False),
        ("kustomization.json", False),
    ],
)
def test_matches(path: str, ok: bool) -> None:
    assert LOADER.matches(path) is ok


def test_overlay_renders_base_with_rewrites() -> None:
    files = tree(ROOT)
    res = parse(files, "overlays/prod/kustomization.yaml")
    runs = sorted((r.service, r.image, r.location.path, r.location.line) for r in res.records if isinstance(r, Runs))
    assert runs == [
        ("prod/app", "docker.io/envoyproxy/envoy@sha256:" + "1" * 64, "base/app.yaml", 14),
        ("prod/app", "registry.example.com/shop/app:2.0.0", "base/app.yaml", 12),
    ]
    svc = next(r for r in res.records if isinstance(r, Service))
    assert (svc.namespace, svc.environment) == ("shop-prod", "prod")
    assert [str(w) for w in res.warnings] == [
        "overlays/prod/kustomization.yaml:7: remote resource 'https://github.com/example/remote//deploy?ref=v1' "
        "is not fetched; its workloads are unknown"
    ]
    # the base is rendered by the overlay: it emits nothing itself
    assert parse(files, "base/kustomization.yaml").records == []


@pytest.mark.parametrize(
    ("image", "rule", "out"),
    [
        ("app", {"name": "app", "newTag": "1"}, "app:1"),
        ("app:0@sha256:" + "a" * 64, {"name": "app", "newTag": "1"}, "app:1"),
        ("redis:7", {"name": "docker.io/library/redis", "newName": "mirror/redis"}, "mirror/redis:7"),
        ("other", {"name": "app", "newTag": "1"}, "other"),
        ("app:1", {"name": "app", "tagSuffix": "-x"}, "app:1-x"),
    ],
)
def test_image_rules(image: str, rule: dict, out: str) -> None:
    assert apply_image_rule(image, rule) == out


def test_examples_deploy_repository() -> None:
    files = tree(EXAMPLES / "deploy", "deploy")
    prod = parse(files, "k8s/overlays/prod/kustomization.yaml", "deploy")
    staging = parse(files, "k8s/overlays/staging/kustomization.yaml", "deploy")
    assert sorted(r.service for r in prod.records if isinstance(r, DeployedIn)) == [
        "prod/billing-service",
        "prod/legacy-reports",
        "prod/orders-service",
        "prod/recommendations",
        "prod/storefront",
    ]
    assert "staging/recommendations" not in {r.service for r in staging.records if isinstance(r, DeployedIn)}
    images = {r.service: r.image for r in prod.records if isinstance(r, Runs)}
    assert images["prod/billing-service"] == "registry.acme.io/billing-service:5.2.0"
    assert images["prod/legacy-reports"] == "registry.acme.io/legacy-reports:2019.4"
    assert parse(files, "k8s/base/recommendations/kustomization.yaml", "deploy").records == []


@pytest.mark.parametrize(
    "text",
    [
        "resources:\n- ../../../../etc\n",
        "resources:\n- missing.yaml\n",
        "components:\n- nope\n",
        "resources: [\n",
        "resources:\n- .\n",
    ],
)
def test_bad_input_warns(text: str) -> None:
    files = {("r", "k/kustomization.yaml"): text}
    res = parse(files, "k/kustomization.yaml")
    assert res.warnings and all(str(w).startswith("k/kustomization.yaml:") for w in res.warnings)


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=string.ascii_letters + " :-\n./[]{}", max_size=200))
def test_fuzz(text: str) -> None:
    files = {("r", "k/kustomization.yaml"): text, ("r", "k/a.yaml"): "kind: Pod\nmetadata: {name: a}\n"}
    parse(files, "k/kustomization.yaml")


def test_corpus_microservices_demo(corpus: Path) -> None:
    root = corpus / "GoogleCloudPlatform__microservices-demo"
    files = {
        ("md", p.relative_to(root).as_posix()): p.read_text()
        for p in root.rglob("*")
        if p.is_file() and p.suffix in (".yaml", ".yml")
    }
    base = parse(files, "kustomize/base/kustomization.yaml", "md")
    assert base.records == []  # used by kustomize/kustomization.yaml
    top = parse(files, "kustomize/kustomization.yaml", "md")
    prefix = "us-central1-docker.pkg.dev/online-boutique-ci/microservices-demo/"
    first = {r.image for r in top.records if isinstance(r, Runs) and r.image.startswith(prefix)}
    listed = [
        ln.strip().removesuffix(".yaml").lstrip("- ")
        for ln in files[("md", "kustomize/base/kustomization.yaml")].splitlines()
        if ln.strip().startswith("- ")
    ]
    assert first == {f"{prefix}{name}:v0.10.6" for name in listed} and len(first) == 11
    assistant = parse(files, "kustomize/components/shopping-assistant/kustomization.yaml", "md")
    assert {(r.service, r.image) for r in assistant.records if isinstance(r, Runs)} == {
        ("default/shoppingassistantservice", "docker.io/library/shoppingassistantservice:latest")
    }
    bare = parse(files, "kubernetes-manifests/kustomization.yaml", "md")
    assert {r.image for r in bare.records if isinstance(r, Runs) and "microservices" not in r.image} >= {
        "docker.io/library/frontend:latest",
        "docker.io/library/redis:alpine",
    }
