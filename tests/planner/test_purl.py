"""The one module that builds purls."""

from __future__ import annotations

import pytest

from planner import purl
from planner.errors import UsageError


@pytest.mark.parametrize(
    ("text", "package", "key"),
    [
        (
            "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1?type=jar",
            "pkg:maven/org.apache.logging.log4j/log4j-core",
            "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
        ),
        ("pkg:pypi/Django_REST@1.0", "pkg:pypi/django-rest", "pkg:pypi/django-rest@1.0"),
        ("pkg:npm/%40acme/storefront@3.4.0", "pkg:npm/%40acme/storefront", "pkg:npm/%40acme/storefront@3.4.0"),
        ("pkg:golang/golang.org/x/net@v0.13.0", "pkg:golang/golang.org/x/net", "pkg:golang/golang.org/x/net@v0.13.0"),
        ("pkg:npm/lodash", "pkg:npm/lodash", "pkg:npm/lodash"),
    ],
)
def test_normalised_keys(text: str, package: str, key: str) -> None:
    p = purl.parse(text)
    assert p.package == package
    assert p.key == key


def test_display_names() -> None:
    assert purl.maven("g", "a", "1").display_name == "g:a"
    assert purl.parse("pkg:npm/%40acme/x@1").display_name == "@acme/x"
    assert purl.parse("pkg:npm/x@1").display_name == "x"


@pytest.mark.parametrize("bad", ["log4j", "pkg:", "", "maven/a/b"])
def test_bad_purls(bad: str) -> None:
    with pytest.raises(ValueError):
        purl.parse(bad)
    with pytest.raises(UsageError):
        purl.parse_user(bad)
