"""Gradle build-script loader: fixtures (Groovy and Kotlin DSL), bad input, fuzzing."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders.base import StaticContext
from loaders.gradle.build import GradleBuildLoader, scope_of
from planner.errors import ParseError
from planner.model import Constrains, Declared, Project, ProjectDependency, Publishes, Source
from tests.conftest import FIXTURES, records_of

LOADER = GradleBuildLoader()
DIR = FIXTURES / "gradle"


def tree(name: str) -> StaticContext:
    root = DIR / name
    return StaticContext({("acme", str(p.relative_to(root))): p.read_text() for p in root.rglob("*") if p.is_file()})


def parse(name: str, path: str):
    ctx = tree(name)
    text = ctx.read("acme", path)
    return LOADER.parse(text, Source("acme", path, f"fixtures/{path}"), ctx)


def declared(result) -> dict[tuple[str, str], Declared]:
    return {(d.package, d.raw_scope): d for d in records_of(result, Declared)}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("build.gradle", True),
        ("app/build.gradle.kts", True),
        ("settings.gradle", False),
        ("build.gradle.bak", False),
        ("dependencies.gradle", False),
        ("mybuild.gradle", False),
        ("build.gradle.kts.orig", False),
        ("pom.xml", False),
    ],
)
def test_matches_file_names(name: str, expected: bool) -> None:
    assert LOADER.matches(name) is expected


def test_empty_script_is_a_project_without_dependencies() -> None:
    result = parse("build/empty", "build.gradle.kts")
    (project,) = result.records
    assert isinstance(project, Project)
    assert project.key == "acme/.#pkg:generic/acme"
    assert result.warnings == []


def test_one_package_kotlin() -> None:
    result = parse("build/one-package", "build.gradle.kts")
    (dep,) = records_of(result, Declared)
    assert dep.package == "pkg:maven/org.apache.logging.log4j/log4j-core"
    assert (dep.range, dep.scope, dep.raw_scope, dep.location.line) == ("2.14.1", "runtime", "implementation", 2)


def test_two_packages_groovy() -> None:
    result = parse("build/two-packages", "build.gradle")
    got = {(d.package, d.scope) for d in records_of(result, Declared)}
    assert got == {("pkg:maven/org.apache.logging.log4j/log4j-core", "runtime"), ("pkg:maven/junit/junit", "test")}


def test_not_gradle_yields_no_dependencies() -> None:
    result = parse("build/not-gradle", "build.gradle")
    assert records_of(result, Declared) == []


def test_groovy_notations_interpolation_and_scopes() -> None:
    result = parse("groovy", "app/build.gradle")
    (project,) = records_of(result, Project)
    assert project.key == "acme/app#pkg:maven/com.acme.shop/app"  # group from gradle.properties
    assert (project.version, project.kind) == ("1.4.0", "application")  # allprojects { version }
    deps = declared(result)
    core = deps[("pkg:maven/org.apache.logging.log4j/log4j-core", "implementation")]
    assert (core.range, core.location.line, core.version_location) == ("2.14.1", 9, None)
    jackson = deps[("pkg:maven/com.fasterxml.jackson.core/jackson-databind", "implementation")]
    assert (jackson.range, jackson.version_location.path, jackson.version_location.line) == (
        "2.15.2",
        "app/build.gradle",
        5,
    )
    guava = deps[("pkg:maven/com.google.guava/guava", "implementation")]  # continuation line, root ext.x
    assert (guava.range, guava.location.line, guava.version_location.path) == ("31.1-jre", 11, "build.gradle")
    slf4j = deps[("pkg:maven/org.slf4j/slf4j-api", "implementation")]  # map notation, String variable
    assert slf4j.range == "2.0.9"
    netty = deps[("pkg:maven/io.netty/netty-handler", "runtimeOnly")]
    assert (netty.range, netty.version_location.path) == ("4.1.100.Final", "gradle.properties")
    computed = deps[("pkg:maven/org.example/computed", "implementation")]
    assert (computed.range, computed.unresolved) == (None, "${computeVersion()}")
    assert deps[("pkg:maven/org.projectlombok/lombok", "compileOnly")].scope == "provided"
    assert deps[("pkg:maven/org.projectlombok/lombok", "annotationProcessor")].scope == "build"
    assert deps[("pkg:maven/junit/junit", "testImplementation")].scope == "test"
    assert ("pkg:maven/commons-io/commons-io", "implementation") in deps  # inside if/else
    assert not any("commented" in p for p, _ in deps)
    constrains = {(c.package, c.mechanism, c.range) for c in records_of(result, Constrains)}
    assert constrains == {
        ("pkg:maven/org.springframework.boot/spring-boot-dependencies", "gradle-platform", "3.1.0"),
        ("pkg:maven/org.yaml/snakeyaml", "gradle-constraint", "2.2"),
    }
    (link,) = records_of(result, ProjectDependency)
    assert (link.target, link.spec, link.scope) == ("acme/lib#pkg:maven/com.acme.lib/lib", "project(':lib')", "runtime")


def test_publishing_library_publishes_its_coordinates() -> None:
    result = parse("groovy", "lib/build.gradle")
    assert records_of(result, Publishes) == [
        Publishes("acme/lib#pkg:maven/com.acme.lib/lib", "pkg:maven/com.acme.lib/lib")
    ]
    (api,) = records_of(result, Declared)
    assert (api.range, api.version_location.path, api.version_location.line) == ("2.14.1", "build.gradle", 5)


def test_kotlin_catalog_aliases_bundles_accessors_and_rich_versions() -> None:
    result = parse("kotlin", "app/build.gradle.kts")
    deps = declared(result)
    ktx = deps[("pkg:maven/androidx.core/core-ktx", "implementation")]
    assert (ktx.range, ktx.version_location.path, ktx.version_location.line) == (
        "1.12.0",
        "gradle/libs.versions.toml",
        7,
    )
    assert (
        deps[("pkg:maven/com.squareup.okhttp3/okhttp", "implementation")].range == "strictly [4.0,5.0); prefer 4.12.0"
    )
    bundle = {p for p, _ in deps if "kotlinx-coroutines" in p}
    assert bundle == {
        "pkg:maven/org.jetbrains.kotlinx/kotlinx-coroutines-core",
        "pkg:maven/org.jetbrains.kotlinx/kotlinx-coroutines-test",
    }
    ui = deps[("pkg:maven/androidx.compose.ui/ui", "implementation")]
    assert (ui.range, ui.unresolved) == (None, None)  # managed by the BOM
    assert deps[("pkg:maven/com.squareup.retrofit2/converter-gson", "implementation")].range == "1.9.22"
    dynamic = deps[("pkg:maven/org.example/dynamic", "implementation")]
    assert (dynamic.range, dynamic.unresolved) == (None, "${computed}")
    assert deps[("pkg:maven/org.example/strict", "implementation")].range == "strictly 1.2"
    assert deps[("pkg:maven/com.google.dagger/hilt-compiler", "kapt")].scope == "build"
    assert deps[("pkg:maven/com.squareup.leakcanary/leakcanary-android", "debugImplementation")].scope == "runtime"
    (bom,) = [c for c in records_of(result, Constrains) if c.mechanism == "gradle-enforced-platform"]
    assert bom.package == "pkg:maven/androidx.compose/compose-bom"
    links = {(d.target, d.scope) for d in records_of(result, ProjectDependency)}
    assert links == {
        ("acme/modules/data-test#pkg:maven/com.acme.kshop/data-test", "runtime"),  # projectDir override
        ("acme/ui-kit#pkg:generic/kshop/ui-kit", "test"),
    }
    (warning,) = result.warnings
    assert str(warning).startswith("fixtures/app/build.gradle.kts:28:") and "libs.nonexistent.alias" in warning.message


@pytest.mark.parametrize(
    ("conf", "scope"),
    [
        ("implementation", "runtime"),
        ("api", "runtime"),
        ("runtimeOnly", "runtime"),
        ("debugImplementation", "runtime"),
        ("compileOnly", "provided"),
        ("testImplementation", "test"),
        ("testRuntimeOnly", "test"),
        ("androidTestImplementation", "test"),
        ("testDemoImplementation", "test"),
        ("kapt", "build"),
        ("kspTest", "build"),
        ("annotationProcessor", "build"),
        ("classpath", "build"),
        ("lintChecks", "build"),
        # tool classpaths (issue 12, finding 4): not in the shipped artifact
        ("spotbugs", "build"),
        ("spotbugsPlugins", "build"),
        ("checkstyle", "build"),
        ("pmd", "build"),
        ("jacocoAgent", "build"),
        ("detekt", "build"),
        ("detektPlugins", "build"),
        ("ktlint", "build"),
        ("errorprone", "build"),
        ("testAnnotationProcessor", "build"),
        ("kotlinCompilerPluginClasspath", "build"),
        ("developmentOnly", "dev"),
        ("somethingElse", "unknown"),
    ],
)
def test_scope_mapping(conf: str, scope: str) -> None:
    assert scope_of(conf) == scope


def run(text: str, path: str = "build.gradle.kts"):
    return LOADER.parse(text, Source("r", path, f"repo/{path}"), StaticContext({}))


def test_unbalanced_braces_warn_and_keep_what_was_parsed() -> None:
    text = 'dependencies {\n    implementation("a:b:1.0")\n    if (x) {\n        api("c:d:2.0")\n'
    result = run(text)
    assert {d.package for d in records_of(result, Declared)} == {"pkg:maven/a/b", "pkg:maven/c/d"}
    messages = [str(w) for w in result.warnings]
    assert any(m.startswith("repo/build.gradle.kts:1: unbalanced braces") for m in messages)


def test_stray_closing_brace_is_a_warning() -> None:
    result = run('}\ndependencies { implementation("a:b:1") }\n')
    assert any(str(w).startswith("repo/build.gradle.kts:1: unbalanced braces") for w in result.warnings)
    assert [d.package for d in records_of(result, Declared)] == ["pkg:maven/a/b"]


def test_braces_in_strings_and_comments_do_not_count() -> None:
    text = 'dependencies {\n  // }\n  /* { */ implementation("a:b:1.0") // "}"\n  implementation("c:d:${"}"}")\n}\n'
    result = run(text)
    assert "pkg:maven/a/b" in {d.package for d in records_of(result, Declared)}
    assert not any("unbalanced" in w.message for w in result.warnings)


def test_computed_coordinates_are_a_warning() -> None:
    result = run('dependencies {\n    implementation(myDeps.someLib())\n    implementation("$g:lib:1.0")\n}\n')
    assert records_of(result, Declared) == []
    assert [w.line for w in result.warnings] == [2, 3]


def test_other_projects_dependencies_are_not_attributed() -> None:
    result = run('subprojects {\n  dependencies {\n    implementation("a:b:1")\n  }\n}\n')
    assert records_of(result, Declared) == []
    assert "configure other projects" in result.warnings[0].message


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("dependencies {\n\x00\x01 }", 2, "binary content"),
        ("x" * 2_000_001, 1, "too large"),
    ],
)
def test_bad_input_is_a_parse_error_with_path_and_line(text: str, line: int, reason: str) -> None:
    with pytest.raises(ParseError) as info:
        run(text)
    assert str(info.value).startswith(f"repo/build.gradle.kts:{line}:")
    assert reason in str(info.value)


def test_big_script_parses() -> None:
    text = "dependencies {\n" + "".join(f'    implementation("g{i}:a:1.{i}")\n' for i in range(10_000)) + "}\n"
    result = run(text)
    assert len(records_of(result, Declared)) == 10_000


GRADLE_WORDS = st.sampled_from(
    [
        "dependencies", "{", "}", "(", ")", "[", "]", "implementation", "api", "platform", "project", "constraints",
        "libs.a.b", "projects.x", '"g:a:1"', "'g:a:$v'", '"${x}"', '"""', "'''", "//", "/*", "*/", "\n", ",", ":",
        "=", "val", "def", "ext", "group:", "version", "+", "\\", "$", '"', "'", "if", "else", "kapt", " ",
    ]
)  # fmt: skip


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(GRADLE_WORDS, max_size=40), st.booleans())
def test_fuzz_never_crashes(words: list[str], kotlin: bool) -> None:
    with contextlib.suppress(ParseError):
        run(" ".join(words), "build.gradle.kts" if kotlin else "build.gradle")


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=200))
def test_fuzz_arbitrary_text_never_crashes(text: str) -> None:
    with contextlib.suppress(ParseError):
        run(text)


def test_jib_and_boot_build_image_are_built_in_the_project_directory() -> None:
    from planner.model import Image, ImageBuild

    path = DIR / "jib" / "build.gradle.kts"
    result = LOADER.parse(path.read_text(), Source("r", "svc/build.gradle.kts", str(path)))
    images = sorted(r.key for r in result.records if isinstance(r, Image))
    # jib's from.image is a base image, not what the project builds
    assert images == ["docker.io/example/ledger-buildpack:2.0.1", "registry.example.com/payments/ledger:2.0.1"]
    builds = sorted((b.image, b.path, b.location.line) for b in result.records if isinstance(b, ImageBuild))
    assert builds == [
        ("docker.io/example/ledger-buildpack:2.0.1", "svc", 19),
        ("registry.example.com/payments/ledger:2.0.1", "svc", 13),
    ]
    assert result.warnings == []
