"""purl.parse reads plain purls (graph keys) without packageurl; the answer is packageurl's, always."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from packageurl import PackageURL

from planner import purl as purls
from planner.purl import Purl, _parse_plain


def by_packageurl(text: str) -> Purl | None:
    try:
        p = PackageURL.from_string(text.strip())
    except (ValueError, TypeError):
        return None
    return Purl(p.type, p.namespace or None, p.name, p.version or None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
            Purl("maven", "org.apache.logging.log4j", "log4j-core", "2.14.1"),
        ),
        ("pkg:maven/com.Acme/Core_Lib", Purl("maven", "com.Acme", "Core_Lib", None)),
        ("pkg:golang/github.com/acme/shop/v2@v2.1.0", Purl("golang", "github.com/acme/shop", "v2", "v2.1.0")),
        ("pkg:npm/left-pad@1.3.0", Purl("npm", None, "left-pad", "1.3.0")),
        ("pkg:pypi/zope.interface@5.4.0", Purl("pypi", None, "zope.interface", "5.4.0")),
        ("pkg:cargo/serde@1.0.0", Purl("cargo", None, "serde", "1.0.0")),
    ],
)
def test_plain_purls_are_read_directly(text: str, expected: Purl) -> None:
    assert _parse_plain(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "pkg:npm/Left-Pad@1.3.0",  # npm lower-cases names
        "pkg:pypi/Django_Rest@3.0",  # pypi lower-cases and turns _ into -
        "pkg:npm/%40acme/ui@1.0.0",  # an escape
        "pkg:maven/g/a@1.0?type=pom",  # qualifiers
        "pkg:maven/g/a@1.0#sub",  # a subpath
        "pkg:maven/g/a@1.0+build",  # a + in a version is escaped in canonical form
        "pkg:maven//a@1",  # an empty segment
        "pkg:maven/g/a@",  # an empty version
        "pkg:cpan/perl/Moose@1",  # a type not known here (cpan upper-cases namespaces)
        "pkg:MAVEN/g/a@1",  # a type not yet lower-cased
        " pkg:maven/g/a@1",  # spaces
        "maven/g/a@1",  # no scheme
    ],
)
def test_anything_else_is_left_to_packageurl(text: str) -> None:
    assert _parse_plain(text) is None


PIECES = st.sampled_from(["a", "Z", "0", ".", "-", "_", "/", "@", "%40", "+", ":", "?", "#", " ", "é", "x1"])
TYPES = st.sampled_from(["maven", "golang", "cargo", "nuget", "gem", "generic", "npm", "pypi", "cpan", "pub", "MAVEN"])


@settings(max_examples=3000, deadline=None)
@given(TYPES, st.lists(PIECES, min_size=1, max_size=12))
def test_same_answer_as_packageurl(type_: str, pieces: list[str]) -> None:
    text = f"pkg:{type_}/{''.join(pieces)}"
    plain = _parse_plain(text)
    if plain is not None:
        assert plain == by_packageurl(text)


def test_parse_uses_the_plain_reading_and_packageurl_alike() -> None:
    assert purls.parse("pkg:maven/g/a@1.0").key == "pkg:maven/g/a@1.0"
    assert purls.parse("pkg:npm/Left-Pad@1.3.0").key == "pkg:npm/left-pad@1.3.0"
