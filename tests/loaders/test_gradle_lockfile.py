"""Gradle lockfiles: standard fixtures, scopes, legacy layout, bad input, fuzzing."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders.base import StaticContext
from loaders.gradle.lockfile import GradleLockfileLoader, classpath_scope
from planner.errors import ParseError
from planner.model import Project, Resolved, Source
from tests.conftest import FIXTURES, records_of

LOADER = GradleLockfileLoader()
DIR = FIXTURES / "gradle"


def parse(rel: str, ctx: StaticContext | None = None, path: str = "gradle.lockfile"):
    return LOADER.parse((DIR / rel).read_text(), Source("acme", path, f"fixtures/{rel}"), ctx or StaticContext({}))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("gradle.lockfile", True),
        ("app/gradle.lockfile", True),
        ("buildscript-gradle.lockfile", True),
        ("settings-gradle.lockfile", True),
        ("gradle/dependency-locks/compileClasspath.lockfile", True),
        ("lib/gradle/dependency-locks/runtimeClasspath.lockfile", True),
        ("other/compileClasspath.lockfile", False),
        ("gradle.lockfile.bak", False),
        ("yarn.lock", False),
        ("Cargo.lock", False),
    ],
)
def test_matches_file_names(name: str, expected: bool) -> None:
    assert LOADER.matches(name) is expected


def test_empty() -> None:
    result = parse("lockfile/empty/gradle.lockfile")
    assert [type(r) for r in result.records] == [Project]
    assert result.warnings == []


def test_one_package() -> None:
    result = parse("lockfile/one-package/gradle.lockfile")
    (res,) = records_of(result, Resolved)
    assert res.version == "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"
    assert (res.scope, res.raw_scope, res.depth, res.location.line) == ("runtime", "runtimeClasspath", None, 1)


def test_two_packages() -> None:
    result = parse("lockfile/two-packages/gradle.lockfile")
    scopes = {r.version.split("/")[-1]: r.scope for r in records_of(result, Resolved)}
    assert scopes == {"log4j-core@2.14.1": "runtime", "log4j-api@2.14.1": "test"}


def test_not_lockfile() -> None:
    with pytest.raises(ParseError) as info:
        parse("lockfile/not-lockfile/gradle.lockfile")
    assert str(info.value).startswith("fixtures/lockfile/not-lockfile/gradle.lockfile:1:")


def test_project_key_matches_the_build_loader_and_scopes() -> None:
    root = DIR / "groovy"
    ctx = StaticContext({("acme", str(p.relative_to(root))): p.read_text() for p in root.rglob("*") if p.is_file()})
    result = parse("groovy/app/gradle.lockfile", ctx, "app/gradle.lockfile")
    (project,) = records_of(result, Project)
    assert project.key == "acme/app#pkg:maven/com.acme.shop/app"
    scopes = {r.version.split("/")[-1]: r.scope for r in records_of(result, Resolved)}
    assert scopes == {
        "guava@31.1-jre": "runtime",
        "junit@4.13.2": "test",
        "log4j-core@2.14.1": "runtime",
        "lombok@1.18.30": "provided",
        "lombok-only-compile@1.0": "provided",
    }
    legacy = parse(
        "groovy/gradle/dependency-locks/compileClasspath.lockfile",
        ctx,
        "gradle/dependency-locks/compileClasspath.lockfile",
    )
    (project,) = records_of(legacy, Project)
    assert project.path == "." and project.key == "acme/.#pkg:maven/com.acme.shop/shop"
    (res,) = records_of(legacy, Resolved)
    assert (res.raw_scope, res.location.line) == ("compileClasspath", 2)


@pytest.mark.parametrize(
    ("confs", "scope"),
    [
        (["runtimeClasspath", "testRuntimeClasspath"], "runtime"),
        (["releaseRuntimeClasspath"], "runtime"),
        (["testCompileClasspath", "testRuntimeClasspath"], "test"),
        (["debugUnitTestRuntimeClasspath"], "test"),
        (["annotationProcessor"], "build"),
        (["kapt"], "build"),
        (["compileClasspath"], "provided"),
        (["somethingElse"], "unknown"),
        # tool classpaths (issue 12, finding 4): build, unless a shipped classpath has it too
        (["spotbugs"], "build"),
        (["spotbugsSlf4j"], "build"),
        (["checkstyle"], "build"),
        (["pmd"], "build"),
        (["jacocoAgent", "jacocoAnt"], "build"),
        (["detekt"], "build"),
        (["kaptTest"], "build"),
        (["kotlinCompilerClasspath"], "build"),
        (["buildscript:classpath"], "build"),
        (["spotbugs", "runtimeClasspath"], "runtime"),
    ],
)
def test_scope_from_configurations(confs, scope) -> None:
    assert classpath_scope(confs) == scope


def test_buildscript_lockfile_is_build_scope() -> None:
    text = "com.android.tools.build:gradle:8.2.0=classpath\n"
    result = LOADER.parse(text, Source("r", "buildscript-gradle.lockfile", "buildscript-gradle.lockfile"))
    (res,) = records_of(result, Resolved)
    assert res.scope == "build"


def test_bad_lines_are_a_warning() -> None:
    text = "a:b:1=runtimeClasspath\nthis is not a lock line\n"
    result = LOADER.parse(text, Source("r", "gradle.lockfile", "repo/gradle.lockfile"))
    assert len(records_of(result, Resolved)) == 1
    assert str(result.warnings[0]).startswith("repo/gradle.lockfile:2:")


def test_binary_is_a_parse_error() -> None:
    with pytest.raises(ParseError) as info:
        LOADER.parse("a:b:1=x\n\x00\x01", Source("r", "gradle.lockfile", "repo/gradle.lockfile"))
    assert str(info.value).startswith("repo/gradle.lockfile:2:")


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(alphabet="ab:=,.#e-1 \tmpty", max_size=30) | st.just("a:b:1=runtimeClasspath"), max_size=10))
def test_fuzz_never_crashes(lines: list[str]) -> None:
    try:
        result = LOADER.parse("\n".join(lines), Source("r", "gradle.lockfile", "gradle.lockfile"))
    except ParseError:
        return
    assert len(records_of(result, Project)) == 1
