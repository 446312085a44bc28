"""Gradle settings loader: projects of a build, keys shared with the build loader, bad input, fuzzing."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders.base import StaticContext
from loaders.gradle.build import GradleBuildLoader
from loaders.gradle.settings import GradleSettingsLoader
from planner.errors import ParseError
from planner.model import Project, Source
from tests.conftest import FIXTURES

LOADER = GradleSettingsLoader()
DIR = FIXTURES / "gradle"


def tree(name: str) -> StaticContext:
    root = DIR / name
    return StaticContext({("acme", str(p.relative_to(root))): p.read_text() for p in root.rglob("*") if p.is_file()})


def run(text: str, path: str = "settings.gradle.kts", ctx: StaticContext | None = None):
    return LOADER.parse(text, Source("r", path, f"repo/{path}"), ctx or StaticContext({}))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("settings.gradle", True),
        ("a/settings.gradle.kts", True),
        ("build.gradle", False),
        ("settings.xml", False),
        ("settings.gradle.bak", False),
        ("mysettings.gradle", False),
    ],
)
def test_matches_file_names(name: str, expected: bool) -> None:
    assert LOADER.matches(name) is expected


def test_groovy_settings_projects_match_the_build_loader() -> None:
    ctx = tree("groovy")
    result = LOADER.parse(
        ctx.read("acme", "settings.gradle"), Source("acme", "settings.gradle", "settings.gradle"), ctx
    )
    keys = [p.key for p in result.records]
    assert keys == [
        "acme/.#pkg:maven/com.acme.shop/shop",
        "acme/app#pkg:maven/com.acme.shop/app",
        "acme/lib#pkg:maven/com.acme.lib/lib",
    ]
    build = GradleBuildLoader().parse(
        ctx.read("acme", "app/build.gradle"), Source("acme", "app/build.gradle", "b"), ctx
    )
    (from_build,) = [r for r in build.records if isinstance(r, Project)]
    assert from_build == result.records[1]  # identical record, not only the same key


def test_kotlin_settings_project_dir_override_and_missing_build_file() -> None:
    ctx = tree("kotlin")
    result = LOADER.parse(ctx.read("acme", "settings.gradle.kts"), Source("acme", "settings.gradle.kts", "s"), ctx)
    by_path = {p.path: p for p in result.records}
    assert set(by_path) == {".", "app", "modules/data-test", "ui-kit"}  # no implicit ":core"
    assert by_path["ui-kit"].manifest == "settings.gradle.kts"  # no build script of its own
    assert by_path["."].name == "kshop"


def test_forms_of_include() -> None:
    text = "include ':a', 'b:c'\ninclude(\":d\")\nincludeFlat 'sibling'\nrootProject.name = 'x'\n"
    result = run(text, "sub/settings.gradle", StaticContext({}))
    paths = sorted(p.path for p in result.records)
    assert paths == ["sibling", "sub", "sub/a", "sub/b/c", "sub/d"]


def test_computed_include_is_a_warning() -> None:
    result = run('file("modules").listFiles().forEach { include(it.name) }\n')
    (warning,) = result.warnings
    assert str(warning).startswith("repo/settings.gradle.kts:1: include with a computed argument")


def test_unbalanced_braces_in_settings_are_warned() -> None:
    result = run('include(":a")\npluginManagement {\n  repositories {\n')
    assert len(result.records) == 2
    assert all(str(w).startswith("repo/settings.gradle.kts:") for w in result.warnings)
    assert any("unbalanced braces" in w.message for w in result.warnings)


def test_binary_settings_is_a_parse_error() -> None:
    with pytest.raises(ParseError) as info:
        run("include ':a'\n\x00")
    assert str(info.value).startswith("repo/settings.gradle.kts:2:")


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.sampled_from(
            ["include", "(", ")", '":a"', "':b:c'", ",", "\n", "project", ".projectDir", "=", 'file("x")', "{", "}",
             "rootProject.name", "versionCatalogs", "create", "from", "files", '"../y"', "includeBuild", "$", '"'],
        ),
        max_size=30,
    ),
    st.booleans(),
)  # fmt: skip
def test_fuzz_never_crashes(words: list[str], kotlin: bool) -> None:
    try:
        result = run(" ".join(words), "settings.gradle.kts" if kotlin else "settings.gradle")
    except ParseError:
        return
    assert all(isinstance(r, Project) for r in result.records)
