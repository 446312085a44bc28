"""Gradle version catalogs: parsing rules, alias normalisation, bad input, fuzzing."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders.gradle.catalog import GradleCatalogLoader, normalise_alias, parse_catalog, rich_version
from planner.errors import ParseError
from planner.model import Source
from tests.conftest import FIXTURES

LOADER = GradleCatalogLoader()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("gradle/libs.versions.toml", True),
        ("gradle/testlibs.versions.toml", True),
        ("libs.toml", False),
        (".versions.toml", False),
        ("pyproject.toml", False),
        ("libs.versions.toml.bak", False),
    ],
)
def test_matches_file_names(name: str, expected: bool) -> None:
    assert LOADER.matches(name) is expected


def test_fixture_catalog_entries_and_lines() -> None:
    text = (FIXTURES / "gradle/kotlin/gradle/libs.versions.toml").read_text()
    cat = parse_catalog(text, "libs.versions.toml")
    core = cat.libraries["kotlinx.coroutines.core"]  # written kotlinx_coroutines-core
    assert (core.group, core.name, core.version, core.version_line) == (
        "org.jetbrains.kotlinx", "kotlinx-coroutines-core", "1.7.3", 4,
    )  # fmt: skip
    assert cat.libraries["okhttp"].version == "strictly [4.0,5.0); prefer 4.12.0"
    assert cat.libraries["compose.ui"].version is None
    assert cat.libraries["broken.ref"].unresolved == 'version.ref = "nope"'
    assert cat.bundles["coroutines"] == ["kotlinx.coroutines.core", "kotlinx.coroutines.test"]
    assert cat.plugins["kotlin.android"] == ("org.jetbrains.kotlin.android", "1.9.22")
    result = LOADER.parse(text, Source("r", "gradle/libs.versions.toml", "repo/gradle/libs.versions.toml"))
    assert result.records == []  # a catalog pins nothing by itself
    (warning,) = result.warnings
    assert str(warning).startswith("repo/gradle/libs.versions.toml:13:") and "'nope'" in warning.message


@pytest.mark.parametrize(
    ("alias", "key"), [("androidx-core-ktx", "androidx.core.ktx"), ("a_b.c", "a.b.c"), ("camelCase", "camelCase")]
)
def test_alias_separators_are_equivalent(alias: str, key: str) -> None:
    assert normalise_alias(alias) == key


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("1.2", "1.2"),
        ({"require": "[1.0,2.0)"}, "[1.0,2.0)"),
        ({"strictly": "1.2"}, "strictly 1.2"),
        ({"strictly": "[1,2)", "prefer": "1.5", "reject": ["1.3"]}, "strictly [1,2); prefer 1.5; reject 1.3"),
        ({"rejectAll": True}, "reject all"),
        (3, None),
    ],
)
def test_rich_versions_are_kept_as_text(value, text) -> None:
    assert rich_version(value) == text


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("[libraries\nfoo = 'a:b:1'\n", 1),
        ('[versions]\nx = "1"\nx = "2"\n', 3),
        ("[libraries]\nfoo = { module = \n", 2),
        ("a = 1\n\x00", 2),
    ],
)
def test_malformed_toml_is_a_parse_error_with_its_line(text: str, line: int) -> None:
    with pytest.raises(ParseError) as info:
        LOADER.parse(text, Source("r", "libs.versions.toml", "repo/libs.versions.toml"))
    assert str(info.value).startswith(f"repo/libs.versions.toml:{line}:")


def test_not_toml_fixture() -> None:
    with pytest.raises(ParseError):
        LOADER.parse((FIXTURES / "gradle/catalog/not-toml.versions.toml").read_text(), Source("r", "x", "x"))


def test_bad_entries_are_warnings() -> None:
    text = '[libraries]\na = "no-colons"\nb = { module = "g:a:extra" }\nc = 5\n[bundles]\nx = ["zzz"]\n[other]\n'
    result = LOADER.parse(text, Source("r", "libs.versions.toml", "libs.versions.toml"))
    assert sorted(w.line for w in result.warnings) == [2, 3, 4, 6, 7]


TOML_KEYS = st.sampled_from(["module", "group", "name", "version", "ref", "id", "strictly", "require", "x"])
toml_values = st.recursive(
    st.text(max_size=10) | st.integers() | st.booleans(),
    lambda c: st.lists(c, max_size=3) | st.dictionaries(TOML_KEYS, c, max_size=4),
    max_leaves=10,
)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(
        st.sampled_from(["versions", "libraries", "bundles", "plugins", "zzz"]),
        st.dictionaries(st.text("ab-_.", min_size=1, max_size=5), toml_values, max_size=4),
        max_size=4,
    )
)
def test_fuzz_never_crashes(doc) -> None:
    import json

    lines = []
    for section, entries in doc.items():
        lines.append(f"[{section}]")
        for k, v in entries.items():
            lines.append(f'"{k}" = {_toml(v)}')
    with contextlib.suppress(ParseError):
        parse_catalog("\n".join(lines), "f.versions.toml")
    json.dumps(doc)


def _toml(v) -> str:
    import json

    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, list):
        return "[" + ", ".join(_toml(x) for x in v) + "]"
    return "{ " + ", ".join(f"{k} = {_toml(x)}" for k, x in v.items()) + " }"
