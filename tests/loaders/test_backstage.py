"""Backstage catalog: owners of components, mapped to services by name."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loaders.ownership.backstage import BackstageLoader, entity_ref
from planner.model import Owner, Owns, Source
from tests.conftest import EXAMPLES, FIXTURES

LOADER = BackstageLoader()
TEXT = (FIXTURES / "deploy" / "backstage" / "catalog-info.yaml").read_text()


def parse(text: str, repo: str = "shop"):
    return LOADER.parse(text, Source(repo, "catalog-info.yaml", "catalog-info.yaml"))


@pytest.mark.parametrize(
    ("path", "ok"),
    [
        ("catalog-info.yaml", True),
        ("svc/catalog-info.yml", True),
        ("catalog.yaml", False),
        ("catalog-info.json", False),
    ],
)
def test_matches(path: str, ok: bool) -> None:
    assert LOADER.matches(path) is ok


def test_fixture() -> None:
    res = parse(TEXT)
    owns = [(o.owner, o.target_label, o.target, o.rule, o.location.line) for o in res.records if isinstance(o, Owns)]
    assert owns == [("group:default/shop-team", "Repo", "shop", "catalog-info:app", 10)]  # from the label selector
    assert {o.key for o in res.records if isinstance(o, Owner)} == {"group:default/shop-team", "group:default/platform"}
    assert [str(w) for w in res.warnings] == ["catalog-info.yaml:21: Component without spec.owner"]


@pytest.mark.parametrize(
    ("ref", "out"),
    [
        ("x", ("group", "default", "x")),
        ("user:jane", ("user", "default", "jane")),
        ("Group:Ns/Team", ("group", "ns", "team")),
    ],
)
def test_entity_refs(ref: str, out: tuple) -> None:
    assert entity_ref(ref) == out


def test_examples() -> None:
    res = parse((EXAMPLES / "billing-service" / "catalog-info.yaml").read_text(), "billing-service")
    assert [(o.owner, o.rule) for o in res.records if isinstance(o, Owns)] == [
        ("group:default/billing", "catalog-info:billing-service")
    ]


@pytest.mark.parametrize(
    "text", ["", "{{ x }}", "apiVersion: backstage.io/v1\nkind: Component\n", "- a\n", "kind: [\n"]
)
def test_bad_input(text: str) -> None:
    res = parse(text)
    assert not [o for o in res.records if isinstance(o, Owns)]
    assert all(str(w).startswith("catalog-info.yaml:") for w in res.warnings)


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=string.ascii_letters + " :-\n/{}[]", max_size=200))
def test_fuzz(text: str) -> None:
    parse("apiVersion: backstage.io/v1alpha1\nkind: Component\n" + text)
