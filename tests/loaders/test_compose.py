"""Compose loader: services, images, builds, shared images, extends, interpolation."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loaders.deploy.compose import ComposeLoader, interpolate
from planner.model import ImageBuild, Runs, Service, Source
from tests.conftest import FIXTURES

LOADER = ComposeLoader()
TEXT = (FIXTURES / "deploy" / "compose" / "docker-compose.yml").read_text()


def parse(text: str, path: str = "docker-compose.yml", repo: str = "shop"):
    return LOADER.parse(text, Source(repo, path, path))


@pytest.mark.parametrize(
    ("path", "ok"),
    [
        ("docker-compose.yml", True),
        ("compose.yaml", True),
        ("dev/docker-compose.override.yml", True),
        ("docker-compose.prod.yaml", True),
        ("docker-compose.yml.sample", False),
        ("compose.json", False),
        ("my-compose.yml", False),
    ],
)
def test_matches(path: str, ok: bool) -> None:
    assert LOADER.matches(path) is ok


def test_fixture() -> None:
    res = parse(TEXT)
    runs = {r.service: r.image for r in res.records if isinstance(r, Runs)}
    assert runs == {
        "compose/shop/base": "docker.io/library/shop:dev",
        "compose/shop/web": "docker.io/library/shop:dev",
        "compose/shop/worker": "docker.io/library/shop:dev",  # extends web
        "compose/shop/db": "docker.io/library/postgres:16",
        "compose/shop/job": "docker.io/library/shop-job:latest",
    }
    builds = sorted((b.image, b.path, b.dockerfile, b.target) for b in res.records if isinstance(b, ImageBuild))
    assert builds == [
        ("docker.io/library/shop-job:latest", "job", "job/Dockerfile", None),
        ("docker.io/library/shop:dev", ".", "docker/Dockerfile", "app"),
    ]
    assert [str(w) for w in res.warnings] == ["docker-compose.yml:18: image '${CACHE_IMAGE}' is not usable; skipped"]
    assert {r.key for r in res.records if isinstance(r, Service)} >= {"compose/shop/cache"}


def test_interpolation() -> None:
    assert interpolate("${A:-x}:${B-1}") == "x:1"
    assert interpolate("$$HOME") == "$HOME"
    assert interpolate("${A}") is None


@pytest.mark.parametrize(
    ("text", "warnings"),
    [
        ("", 0),
        ("services: 3\n", 0),
        ("services:\n  a: {}\n", 1),
        ("services:\n  a:\n    extends: nope\n", 2),
        ("services:\n  a:\n    build: ../../outside\n", 1),
        ("services: [\n", 1),
    ],
)
def test_bad_input(text: str, warnings: int) -> None:
    res = parse(text)
    assert len(res.warnings) == warnings, [str(w) for w in res.warnings]
    assert all(str(w).startswith("docker-compose.yml:") for w in res.warnings)


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=string.ascii_letters + " :-\n{}[]$&*.'\"/", max_size=300))
def test_fuzz(text: str) -> None:
    parse("services:\n  a:\n" + text)


def test_corpus_warehouse(corpus: Path) -> None:
    text = (corpus / "pypi__warehouse" / "docker-compose.yml").read_text()
    res = parse(text, repo="warehouse")
    reusing = []
    service = None
    for line in text.splitlines():  # independent count: services naming the image without build
        if line.startswith("  ") and not line.startswith("   ") and line.strip().endswith(":"):
            service = line.strip()[:-1]
        if line.strip() == "image: warehouse:docker-compose":
            reusing.append(service)
    runs = {r.service.rsplit("/", 1)[1]: r.image for r in res.records if isinstance(r, Runs)}
    shared = sorted(s for s, i in runs.items() if i == "docker.io/library/warehouse:docker-compose")
    assert shared == sorted(reusing) == ["base", "files", "notdatadog", "tests", "web", "worker"]
    builds = [b for b in res.records if isinstance(b, ImageBuild)]
    base = [b for b in builds if b.image == "docker.io/library/warehouse:docker-compose"]
    assert [(b.path, b.target) for b in base] == [(".", None)]
    targets = {b.image: b.target for b in builds}
    assert targets["docker.io/library/warehouse:docker-compose-static"] == "static-deps"
    assert targets["docker.io/library/warehouse:docker-compose-docs"] == "docs"
    assert runs["db"] == "docker.io/library/postgres:17.5" and runs["redis"] == "docker.io/library/redis:7.0"
