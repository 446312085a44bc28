"""Dockerfile loader: stages, base images, heredocs, continuations, directives."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loaders.deploy.dockerfile import DockerfileLoader, instructions, read_dockerfile
from planner.model import Source
from tests.conftest import FIXTURES

LOADER = DockerfileLoader()
TEXT = (FIXTURES / "deploy" / "dockerfile" / "Dockerfile").read_text()


@pytest.mark.parametrize(
    ("path", "ok"),
    [
        ("Dockerfile", True),
        ("src/app/Dockerfile.debug", True),
        ("build/web.Dockerfile", True),
        ("Containerfile", True),
        ("Dockerfile.md", False),
        (".dockerignore", False),
        ("Dockerfiles/readme.txt", False),
        ("dockerfile-lint.json", False),
    ],
)
def test_matches(path: str, ok: bool) -> None:
    assert LOADER.matches(path) is ok


def test_fixture_stages_and_bases() -> None:
    info = read_dockerfile(TEXT)
    assert [(s.name, s.line) for s in info.stages] == [("builder", 6), ("runtime", 15), (None, 20)]
    assert info.stages[0].platform == "$BUILDPLATFORM"
    assert info.stages[1].base == "python:3.12-slim"  # ARG default substituted
    assert info.stages[2].from_stage == "runtime"
    assert [i.key for i in info.base_images] == [
        "docker.io/library/golang@sha256:0178a641fbb4858c5f1b48e34bdaabe0350a330a1b1149aabd498d0699ff5fb2",
        "docker.io/library/python:3.12-slim",
        "docker.io/library/busybox:1.36",
    ]
    assert info.source_url == "https://github.com/acme/app"
    assert info.warnings == []


def test_heredoc_body_is_not_an_instruction() -> None:
    kws = [kw for _, kw, _ in instructions(TEXT)]
    assert kws.count("FROM") == 3 and "SET" not in kws


def test_continuation_joins_lines() -> None:
    run = [a for line, kw, a in instructions(TEXT) if kw == "RUN" and "go build" in a]
    assert run == ["go build -o /out/app ./cmd/app"]


def test_emits_no_records() -> None:
    res = LOADER.parse(TEXT, Source("r", "Dockerfile", "Dockerfile"))
    assert res.records == [] and res.warnings == []


BAD = [
    ("empty from", "FROM\n", "Dockerfile:1:"),
    ("unknown arg", "ARG X\nFROM $X\n", "Dockerfile:2:"),
    ("bad stage", "FROM alpine\nCOPY --from=nope!! /a /b\n", "Dockerfile:2:"),
    ("open heredoc", "FROM alpine\nRUN <<EOF\necho\n", "Dockerfile:2:"),
    ("not a dockerfile", "hello world\n", "Dockerfile:1:"),
    ("escape backtick", "# escape=`\nFROM alpine AS a\nRUN echo `\n  hi\nFROM a\n", None),
]


@pytest.mark.parametrize(("name", "text", "warning"), BAD, ids=[b[0] for b in BAD])
def test_bad_input(name: str, text: str, warning: str | None) -> None:
    res = LOADER.parse(text, Source("r", "Dockerfile", "Dockerfile"))
    if warning is None:
        assert res.warnings == []
    else:
        assert any(str(w).startswith(warning) for w in res.warnings), [str(w) for w in res.warnings]


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=string.printable, max_size=400))
def test_fuzz_never_crashes(text: str) -> None:
    LOADER.parse(text, Source("r", "Dockerfile", "Dockerfile"))
    LOADER.parse("FROM a AS b\nRUN <<X\n" + text, Source("r", "Dockerfile", "Dockerfile"))


def test_corpus_microservices_demo(corpus: Path) -> None:
    root = corpus / "GoogleCloudPlatform__microservices-demo" / "src"
    files = sorted(root.rglob("Dockerfile*"))
    assert len(files) == 13
    for f in files:
        info = read_dockerfile(f.read_text())
        froms = [ln for ln in f.read_text().splitlines() if ln.upper().startswith("FROM ")]
        assert len(info.stages) == len(froms), f
        assert info.warnings == [], f
    adservice = read_dockerfile((root / "adservice" / "Dockerfile").read_text())
    assert [i.repository for i in adservice.base_images] == ["docker.io/library/eclipse-temurin"] * 2
    go = read_dockerfile((root / "frontend" / "Dockerfile").read_text())
    assert "gcr.io/distroless/static:latest" in [i.key for i in go.base_images]
