"""Helm templates rendered with default values, without a template engine."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loaders.base import StaticContext
from loaders.deploy.helm import HelmTemplateLoader, render
from planner.model import Runs, Service, Source
from tests.conftest import FIXTURES

LOADER = HelmTemplateLoader()
CHART = FIXTURES / "deploy" / "helm" / "chart"


def files() -> dict[tuple[str, str], str]:
    return {("r", "chart/" + p.relative_to(CHART).as_posix()): p.read_text() for p in CHART.rglob("*") if p.is_file()}


def parse(path: str, text: str, fs: dict | None = None):
    return LOADER.parse(text, Source("r", path, path), StaticContext(fs if fs is not None else files()))


@pytest.mark.parametrize(
    ("path", "ok"),
    [
        ("chart/templates/web.yaml", True),
        ("templates/x.yml", True),
        ("chart/templates/_helpers.tpl", False),
        ("chart/values.yaml", False),
        ("templates.yaml", False),
    ],
)
def test_matches(path: str, ok: bool) -> None:
    assert LOADER.matches(path) is ok


def test_fixture_renders_default_values() -> None:
    res = parse("chart/templates/web.yaml", (CHART / "templates" / "web.yaml").read_text())
    assert [(r.service, r.image) for r in res.records if isinstance(r, Runs)] == [
        ("default/web", "registry.example.com/shop/web:1.4.0")
    ]
    assert [r.key for r in res.records if isinstance(r, Service)] == ["default/web"]  # admin.create is false
    assert res.warnings == []


def test_render_keeps_line_numbers() -> None:
    text = (CHART / "templates" / "web.yaml").read_text()
    out = render(text, {"web": {"create": True, "name": "w"}, "image": {"repository": "x"}}, {"appVersion": "9"})
    assert out.count("\n") == text.count("\n")
    assert "image: x/w:9" in out


def test_without_chart_is_a_plain_manifest() -> None:
    text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: redis}]}\n"
    res = parse("deploy/templates/p.yaml", text, {})
    assert [r.image for r in res.records if isinstance(r, Runs)] == ["docker.io/library/redis:latest"]


@pytest.mark.parametrize(
    "text",
    ["{{ if }}\nkind: [\n", "{{- range .Values.x }}\n  a: {{ .y }\n{{ end }}", "{{ end }}{{ else }}", "{{ .Values"],
)
def test_bad_templates_do_not_crash(text: str) -> None:
    res = parse("chart/templates/bad.yaml", text)
    assert all(str(w).startswith("chart/templates/bad.yaml:") for w in res.warnings)


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=string.ascii_letters + ' .:-|\n{}()"$', max_size=300))
def test_fuzz(text: str) -> None:
    parse("chart/templates/f.yaml", "apiVersion: v1\nkind: Pod\n" + text)


def test_corpus_microservices_demo(corpus: Path) -> None:
    root = corpus / "GoogleCloudPlatform__microservices-demo" / "helm-chart"
    fs = {("r", "helm-chart/" + p.relative_to(root).as_posix()): p.read_text() for p in root.rglob("*") if p.is_file()}
    prefix = "us-central1-docker.pkg.dev/online-boutique-ci/microservices-demo/"
    images = set()
    for (_, path), text in fs.items():
        if LOADER.matches(path):
            images |= {r.image for r in parse(path, text, fs).records if isinstance(r, Runs)}
    first = {i for i in images if i.startswith(prefix)}
    app_version = next(
        ln.split('"')[1] for ln in fs[("r", "helm-chart/Chart.yaml")].splitlines() if ln.startswith("appVersion")
    )
    templated = {
        p.rsplit("/", 1)[1].removesuffix(".yaml")
        for (_, p), t in fs.items()
        if "/templates/" in p and ".Values.images.repository }}/{{" in t
    }
    assert first == {f"{prefix}{n}:{app_version}" for n in templated} and len(first) == 11
    assert not any("opentelemetry-collector-contrib" in i for i in images)  # create: false by default
