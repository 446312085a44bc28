"""Running inventory from kubectl dumps: environment, digests, origin, size."""

from __future__ import annotations

import json
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loaders.deploy.kubectl_dump import KubectlDumpLoader
from planner.errors import ParseError
from planner.model import DeployedIn, Runs, Service, Source
from tests.conftest import FIXTURES

LOADER = KubectlDumpLoader()
TEXT = (FIXTURES / "deploy" / "inventory" / "prod" / "pods.json").read_text()


def parse(text: str, path: str = "inventory/prod/pods.json"):
    return LOADER.parse(text, Source("ops", path, path))


@pytest.mark.parametrize(
    ("path", "ok"),
    [
        ("inventory/prod/pods.json", True),
        ("inventory/staging/all.yaml", True),
        ("kubectl-prod.json", True),
        ("cluster.kubectl.yaml", True),
        ("inventory.json", False),
        ("pods.json", False),
        ("inventory/readme.md", False),
    ],
)
def test_matches(path: str, ok: bool) -> None:
    assert LOADER.matches(path) is ok


def test_fixture_environment_from_path_and_running_digest() -> None:
    res = parse(TEXT)
    runs = sorted((r.service, r.image, r.origin) for r in res.records if isinstance(r, Runs))
    assert runs == [
        ("prod/app", "registry.example.com/shop/app@sha256:" + "2" * 64, "inventory"),
        ("prod/legacy", "registry.example.com/legacy:2019", "inventory"),  # owner ReplicaSet hash stripped
    ]
    assert {r.environment for r in res.records if isinstance(r, DeployedIn)} == {"prod"}


def test_environment_comment_wins_in_yaml() -> None:
    text = (
        "# depwave: environment=prod-eu\napiVersion: v1\nkind: List\nitems:\n"
        "- apiVersion: apps/v1\n  kind: Deployment\n"
        "  metadata: {name: api, namespace: default}\n  spec:\n    template:\n      spec:\n"
        "        containers: [{name: api, image: 'acme/api:1'}]\n"
    )
    res = parse(text, "inventory/other/dump.yaml")
    assert [r.key for r in res.records if isinstance(r, Service)] == ["prod-eu/api"]


@pytest.mark.parametrize(("text", "line"), [("{", 1), ('{"items": [}', 1), ("[" * 100000, 1)])
def test_bad_json(text: str, line: int) -> None:
    with pytest.raises(ParseError) as err:
        parse(text)
    assert str(err.value).startswith(f"inventory/prod/pods.json:{line}: ")


def test_many_objects_fold_into_their_services() -> None:
    """Correctness only; the time for 100,000 objects is a figure of ``bench/loader_limits.py``."""
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "spec": {"containers": [{"name": "c", "image": "acme/svc:1"}]},
        "status": {"containerStatuses": [{"name": "c", "imageID": "acme/svc@sha256:" + "3" * 64}]},
    }
    items = []
    for i in range(5_000):
        p = dict(pod)
        p["metadata"] = {"name": f"svc{i % 500}-abc12-x{i}", "namespace": "prod", "labels": {"app": f"svc{i % 500}"}}
        items.append(p)
    text = json.dumps({"kind": "List", "items": items})
    res = parse(text)
    assert len({r.key for r in res.records if isinstance(r, Service)}) == 500
    assert {r.image for r in res.records if isinstance(r, Runs)} == {"docker.io/acme/svc@sha256:" + "3" * 64}


@settings(max_examples=1000, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(string.ascii_letters + ":/@", max_size=12),
        lambda c: (
            st.lists(c, max_size=4)
            | st.dictionaries(
                st.sampled_from(
                    [
                        "kind",
                        "items",
                        "metadata",
                        "name",
                        "spec",
                        "containers",
                        "image",
                        "status",
                        "containerStatuses",
                        "imageID",
                        "labels",
                        "app",
                        "template",
                    ]
                ),
                c,
                max_size=5,
            )
        ),
        max_leaves=30,
    )
)
def test_fuzz(value: object) -> None:
    parse(json.dumps({"kind": "List", "items": [{"kind": "Pod", "metadata": {"name": "p"}, "spec": value}, value]}))
