"""Kubernetes manifests, image references and the deployment YAML reader."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loaders.base import StaticContext
from loaders.deploy import image_ref as _image_ref
from loaders.deploy.k8s_manifest import K8sManifestLoader
from loaders.deploy.yaml_docs import read_documents
from planner.model import Image, Runs, Service, Source
from tests.conftest import FIXTURES

DIR = FIXTURES / "deploy" / "k8s"
LOADER = K8sManifestLoader()


def parse(path: str, text: str, files: dict | None = None):
    ctx = StaticContext({("r", p): t for p, t in (files or {}).items()})
    return LOADER.parse(text, Source("r", path, path), ctx)


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("redis", "docker.io/library/redis:latest"),
        ("docker.io/redis:latest", "docker.io/library/redis:latest"),
        ("index.docker.io/library/redis:latest", "docker.io/library/redis:latest"),
        ("Registry.Example.com:5000/a/b:1", "registry.example.com:5000/a/b:1"),
        ("localhost/app", "localhost/app:latest"),
        ("gcr.io/distroless/static", "gcr.io/distroless/static:latest"),
        ("busybox:1.38.0@sha256:" + "a" * 64, "docker.io/library/busybox@sha256:" + "a" * 64),
        ("bitnami/redis:7", "docker.io/bitnami/redis:7"),
    ],
)
def test_image_reference_normalisation(written: str, key: str) -> None:
    ref = _image_ref.parse(written)
    assert ref is not None and ref.key == key


@pytest.mark.parametrize(
    "bad", ["", "  ", "$IMAGE", "{{ .Values.x }}", "a b", "x@sha256:short", "UPPER:tag:bad", None, 3]
)
def test_image_reference_rejects(bad: object) -> None:
    assert _image_ref.parse(bad) is None


def test_image_digest_keeps_tag_as_property() -> None:
    ref = _image_ref.parse("busybox:1.38.0@sha256:" + "b" * 64)
    assert (
        ref is not None
        and ref.tag == "1.38.0"
        and ref.record() == Image(ref.key, "docker.io/library/busybox", "1.38.0", "sha256:" + "b" * 64)
    )


@pytest.mark.parametrize(
    ("path", "ok"),
    [
        ("k8s/app.yaml", True),
        ("deploy/prod/app.yml", True),
        ("kubernetes-manifests/frontend.yaml", True),
        ("release/kubernetes-manifests.yaml", True),
        ("app.yaml", False),
        ("src/config.yaml", False),
        ("k8s/app.yaml.bak", False),
        ("k8s/kustomization.yaml", False),
        ("deploy/values.yaml", False),
        ("k8s/Chart.yaml", False),
    ],
)
def test_matches(path: str, ok: bool) -> None:
    assert LOADER.matches(path) is ok


def test_fixture_workloads_and_images() -> None:
    res = parse("k8s/app.yaml", (DIR / "app.yaml").read_text())
    services = sorted(r.key for r in res.records if isinstance(r, Service))
    assert services == ["default/nightly", "shop/shop-app"]
    runs = sorted((r.service, r.image, r.container, r.location.line) for r in res.records if isinstance(r, Runs))
    assert runs == [
        ("default/nightly", "registry.example.com/shop/nightly:latest", "job", 34),
        (
            "shop/shop-app",
            "docker.io/library/busybox@sha256:fd8d9aa63ba2f0982b5304e1ee8d3b90a210bc1ffb5314d980eb6962f1a9715d",
            "init",
            13,
        ),
        ("shop/shop-app", "registry.example.com/shop/app:1.2.3", "app", 16),
    ]
    assert res.warnings == []


@pytest.mark.parametrize(
    "text",
    [
        "",
        "# nothing\n",
        "foo: bar\n",
        "- a\n- b\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
        "not: [yaml\n",
    ],
)
def test_not_a_manifest_is_a_silent_skip(text: str) -> None:
    res = parse("k8s/x.yaml", text)
    assert res.records == []


def test_rendered_by_kustomization_emits_nothing() -> None:
    files = {"k8s/kustomization.yaml": "resources:\n- app.yaml\n", "k8s/app.yaml": (DIR / "app.yaml").read_text()}
    assert parse("k8s/app.yaml", files["k8s/app.yaml"], files).records == []


BAD = [
    ("helm template", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Values.name }}\n", "k8s/x.yaml:4:"),
    (
        "alias bomb",
        "apiVersion: v1\nkind: List\na: &a [x,x,x,x,x,x,x,x,x,x]\n"
        + "".join(f"{c}: &{c} [" + ",".join([f"*{p}"] * 10) + "]\n" for p, c in zip("abcdefg", "bcdefgh", strict=True)),
        "k8s/x.yaml:1:",
    ),
    ("unknown kind", "apiVersion: v9\nkind: Wizard\nmetadata: {name: x}\n", None),
    ("no name", "apiVersion: v1\nkind: Pod\nspec: {containers: [{image: redis}]}\n", "k8s/x.yaml:1:"),
    (
        "image var",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - image: $IMG\n",
        "k8s/x.yaml:6:",
    ),
]


@pytest.mark.parametrize(("name", "text", "warning"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_warns(name: str, text: str, warning: str | None) -> None:
    res = parse("k8s/x.yaml", text)
    if warning is None:
        assert res.warnings == [] and res.records == []
    else:
        assert any(str(w).startswith(warning) for w in res.warnings), [str(w) for w in res.warnings]


def test_yaml_reader_keeps_lines_per_document() -> None:
    docs = read_documents("a: 1\n---\n# c\nb:\n  - x\n  - y\n", Source("r", "f", "f"), [])
    assert [d.line for d in docs] == [1, 3]
    assert docs[1].value.line_of("b") == 4 and docs[1].value["b"].line_of(1) == 6


YAMLISH = st.text(alphabet=string.ascii_letters + string.digits + " :-\n{}[]&*!|>'\"#%@.$/", max_size=300)


@settings(max_examples=1000, deadline=None)
@given(body=YAMLISH)
def test_fuzz_never_crashes(body: str) -> None:
    parse("k8s/x.yaml", "apiVersion: apps/v1\nkind: Deployment\n" + body)


@settings(max_examples=1000, deadline=None)
@given(ref=st.text(alphabet=string.ascii_letters + string.digits + ":/@._-", max_size=80))
def test_fuzz_image_refs(ref: str) -> None:
    parsed = _image_ref.parse(ref)
    if parsed is not None:
        again = _image_ref.parse(parsed.key)
        assert again is not None and again.key == parsed.key


def test_corpus_release_manifests(corpus: Path) -> None:
    path = corpus / "GoogleCloudPlatform__microservices-demo" / "release" / "kubernetes-manifests.yaml"
    text = path.read_text()
    res = parse("release/kubernetes-manifests.yaml", text)
    images = {r.image for r in res.records if isinstance(r, Runs)}
    prefix = "us-central1-docker.pkg.dev/online-boutique-ci/microservices-demo/"
    first_party = {i for i in images if i.startswith(prefix)}
    expected = {
        prefix + line.split(prefix, 1)[1].strip() for line in text.splitlines() if prefix in line and "image:" in line
    }
    assert first_party == expected and len(first_party) == 11
    assert all(i.endswith(":v0.10.6") for i in first_party)
    deployments = sum(1 for line in text.splitlines() if line.strip() == "kind: Deployment")
    assert len({r.key for r in res.records if isinstance(r, Service)}) == deployments == 12
