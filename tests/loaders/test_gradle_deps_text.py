"""``gradle dependencies`` output and dependency-guard baselines."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders.base import StaticContext
from loaders.gradle.deps_text import GradleDepsTextLoader
from planner.errors import ParseError
from planner.model import Project, ProjectDependency, Resolved, Source
from tests.conftest import FIXTURES, records_of

LOADER = GradleDepsTextLoader()
DIR = FIXTURES / "gradle"


def tree(name: str) -> StaticContext:
    root = DIR / name
    return StaticContext({("acme", str(p.relative_to(root))): p.read_text() for p in root.rglob("*") if p.is_file()})


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("gradle-dependencies.txt", True),
        ("app/dependencies/prodReleaseRuntimeClasspath.txt", True),
        ("app/dependencies/releaseRuntimeClasspath.tree.txt", True),
        ("app/dependencies/notes.txt", False),
        ("dependency-tree.txt", False),  # mvn dependency:tree
        ("requirements.txt", False),
        ("app/deps/releaseRuntimeClasspath.txt", False),
    ],
)
def test_matches_file_names(name: str, expected: bool) -> None:
    assert LOADER.matches(name) is expected


def test_tree_uses_resolved_versions_depths_chains_and_markers() -> None:
    ctx = tree("deps")
    result = LOADER.parse(
        ctx.read("acme", "gradle-dependencies.txt"), Source("acme", "gradle-dependencies.txt", "f/g.txt"), ctx
    )
    (project,) = records_of(result, Project)
    assert project.key == "acme/app#pkg:generic/shop/app"  # from the "Project ':app'" header
    by = {r.version: r for r in records_of(result, Resolved)}
    core = by["pkg:maven/org.apache.logging.log4j/log4j-core@2.17.1"]  # 2.14.1 -> 2.17.1
    assert (core.depth, core.scope, core.raw_scope, core.location.line) == (1, "runtime", "runtimeClasspath", 9)
    assert "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1" not in by
    api = by["pkg:maven/org.apache.logging.log4j/log4j-api@2.17.1"]
    assert api.path == ("pkg:maven/org.apache.logging.log4j/log4j-core@2.17.1", api.version)
    assert by["pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.15.2"].depth == 1  # g:a -> v
    assert by["pkg:maven/com.google.guava/guava@31.1-jre"].depth == 1  # the (*) direct entry beats depth 2
    jsr = by["pkg:maven/com.google.code.findbugs/jsr305@3.0.2"]
    assert jsr.depth == 3 and jsr.path == ("pkg:maven/com.google.guava/guava@31.1-jre", jsr.version)
    assert by["pkg:maven/org.hamcrest/hamcrest-core@1.3"].scope == "test"
    assert not any("snakeyaml" in v or "missing" in v for v in by)  # (c) and FAILED
    assert len(by) == 9
    (link,) = records_of(result, ProjectDependency)
    assert (link.target, link.spec) == ("acme/lib#pkg:generic/shop/lib", "project :lib")
    (warning,) = result.warnings
    assert str(warning).startswith("f/g.txt:18:") and "FAILED" in warning.message


def test_dependency_guard_baseline_belongs_to_the_module() -> None:
    ctx = tree("kotlin")
    path = "app/dependencies/releaseRuntimeClasspath.txt"
    result = LOADER.parse(ctx.read("acme", path), Source("acme", path, path), ctx)
    (project,) = records_of(result, Project)
    assert project.key == "acme/app#pkg:generic/kshop/app"
    resolved = records_of(result, Resolved)
    assert [r.version for r in resolved] == [
        "pkg:maven/androidx.core/core-ktx@1.12.0",
        "pkg:maven/com.squareup.okhttp3/okhttp@4.12.0",
        "pkg:maven/com.squareup.okio/okio@3.6.0",
    ]
    assert {(r.scope, r.raw_scope, r.depth) for r in resolved} == {("runtime", "releaseRuntimeClasspath", None)}


@pytest.mark.parametrize(
    ("text", "line"),
    [("just some words\nmore words\n", 1), ("a:b:1\n\x00", 2), ("<html>\n", 1)],
)
def test_bad_input_is_a_parse_error(text: str, line: int) -> None:
    with pytest.raises(ParseError) as info:
        LOADER.parse(text, Source("r", "x/dependencies/runtimeClasspath.txt", "repo/r.txt"))
    assert str(info.value).startswith(f"repo/r.txt:{line}:")


def test_empty_baseline_is_an_empty_project() -> None:
    result = LOADER.parse("", Source("r", "m/dependencies/runtimeClasspath.txt", "r.txt"))
    assert [type(r) for r in result.records] == [Project]


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.sampled_from(["+--- ", "\\--- ", "|    ", "     ", "a:b:1", "a:b", " -> ", "2.0", " (*)", " (c)", " (n)",
                         "project :x", " FAILED", "runtimeClasspath - x", "Project ':app'", "{strictly 1}", "\n"]),
        max_size=40,
    )
)  # fmt: skip
def test_fuzz_never_crashes(words: list[str]) -> None:
    try:
        result = LOADER.parse("".join(words), Source("r", "gradle-dependencies.txt", "g.txt"))
    except ParseError:
        return
    for r in records_of(result, Resolved):
        assert r.depth is None or r.depth >= 1
