"""Skaffold: artifacts and build contexts, documents, profile patches by index."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loaders.deploy.skaffold import SkaffoldLoader
from planner.model import ImageBuild, Source
from tests.conftest import FIXTURES

LOADER = SkaffoldLoader()
TEXT = (FIXTURES / "deploy" / "skaffold" / "skaffold.yaml").read_text()


def parse(text: str):
    return LOADER.parse(text, Source("r", "skaffold.yaml", "skaffold.yaml"))


@pytest.mark.parametrize(
    ("path", "ok"),
    [
        ("skaffold.yaml", True),
        ("x/skaffold-dev.yaml", True),
        ("skaffold.yml", True),
        ("skaffold.json", False),
        ("my-skaffold.yaml", False),
    ],
)
def test_matches(path: str, ok: bool) -> None:
    assert LOADER.matches(path) is ok


def test_fixture() -> None:
    res = parse(TEXT)
    builds = sorted((b.image, b.path, b.dockerfile, b.target) for b in res.records if isinstance(b, ImageBuild))
    assert builds == [
        ("docker.io/library/api:latest", "services/api", "services/api/Dockerfile", None),
        ("docker.io/library/loadgen:latest", "tools/loadgen", None, None),
        ("docker.io/library/web:latest", "services/web", "services/web/Dockerfile.debug", "prod"),
        ("docker.io/library/web:latest", "services/web", "services/web/web.Dockerfile", "prod"),
    ]
    assert [str(w) for w in res.warnings] == [
        "skaffold.yaml:20: profile patch /build/artifacts/5/docker/dockerfile names no artifact"
    ]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "apiVersion: skaffold/v3\nbuild: 3\n",
        "apiVersion: skaffold/v3\nbuild:\n  artifacts:\n  - image: $X\n",
        "apiVersion: skaffold/v3\nbuild:\n  artifacts:\n  - image: a\n    context: ../..\n",
        "{{ x }}",
    ],
)
def test_bad_input(text: str) -> None:
    res = parse(text)
    assert not [b for b in res.records if isinstance(b, ImageBuild)]
    assert all(str(w).startswith("skaffold.yaml:") for w in res.warnings)


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=string.ascii_letters + string.digits + " :-\n/[]{}~", max_size=300))
def test_fuzz(text: str) -> None:
    parse("apiVersion: skaffold/v3\n" + text)


def test_corpus_microservices_demo(corpus: Path) -> None:
    text = (corpus / "GoogleCloudPlatform__microservices-demo" / "skaffold.yaml").read_text()
    res = parse(text)
    builds = [b for b in res.records if isinstance(b, ImageBuild)]
    contexts = {b.image.split("/")[-1].split(":")[0]: b.path for b in builds}
    expected = {}
    image = None
    for line in text.splitlines():  # independent: image/context pairs as written
        s = line.strip()
        if s.startswith("- image:"):
            image = s.split(":", 1)[1].strip()
        elif s.startswith("context:") and image:
            expected[image] = s.split(":", 1)[1].strip()
    assert contexts == expected and len(expected) == 12
    assert contexts["cartservice"] == "src/cartservice/src" and contexts["loadgenerator"] == "src/loadgenerator"
    debug = [b for b in builds if b.dockerfile and b.dockerfile.endswith("Dockerfile.debug")]
    assert [(b.image, b.dockerfile) for b in debug] == [
        ("docker.io/library/currencyservice:latest", "src/currencyservice/Dockerfile.debug")
    ]  # index 7, not cartservice
