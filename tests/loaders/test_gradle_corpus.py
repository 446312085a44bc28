"""Gradle loaders on the shared corpus: nowinandroid (Kotlin DSL, catalog, accessors, baselines) and adservice."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from loaders.base import StaticContext
from loaders.gradle.build import GradleBuildLoader
from loaders.gradle.catalog import GradleCatalogLoader
from loaders.gradle.deps_text import GradleDepsTextLoader
from loaders.gradle.settings import GradleSettingsLoader
from planner.model import Declared, Project, ProjectDependency, Resolved, Source
from tests.conftest import records_of

NIA = "android__nowinandroid"
ADSERVICE = "GoogleCloudPlatform__microservices-demo/src/adservice"
LOADERS = (GradleSettingsLoader(), GradleBuildLoader(), GradleCatalogLoader(), GradleDepsTextLoader())

pytestmark = pytest.mark.corpus


def load_tree(root: Path) -> tuple[StaticContext, dict]:
    files = {("r", str(p.relative_to(root))): p.read_text() for p in sorted(root.rglob("*")) if p.is_file()}
    ctx = StaticContext(files)
    results = {}
    for (repo, path), text in files.items():
        for loader in LOADERS:
            if loader.matches(path):
                results[path] = loader.parse(text, Source(repo, path, str(root / path)), ctx)
                break
    return ctx, results


_CACHE: dict[Path, dict] = {}


@pytest.fixture()
def nia(corpus: Path) -> tuple[Path, dict]:
    """nowinandroid loaded once per session (the corpus fixture skips when the corpus is absent)."""
    root = corpus / NIA
    if root not in _CACHE:
        _CACHE[root] = load_tree(root)[1]
    return root, _CACHE[root]


def test_every_nowinandroid_gradle_file_loads(nia) -> None:
    root, results = nia
    expected = {str(p.relative_to(root)) for p in root.rglob("*.gradle.kts")} | {"gradle/libs.versions.toml"}
    assert expected <= set(results)
    assert len([p for p in expected if p.endswith(".gradle.kts")]) == 39  # INDEX.md: 39 *.gradle.kts
    for path, result in results.items():
        assert result.warnings == [], path


def test_catalog_aliases_resolve_like_the_toml_says(nia) -> None:
    root, results = nia
    toml = tomllib.loads((root / "gradle/libs.versions.toml").read_text())
    versions, libraries = toml["versions"], toml["libraries"]
    app = {d.package: d for d in records_of(results["app/build.gradle.kts"], Declared)}
    for alias in ("androidx-core-ktx", "kotlinx-coroutines-guava", "androidx-tracing-ktx", "coil-kt", "hilt-compiler"):
        lib = libraries[alias]
        group, name = lib["module"].split(":") if "module" in lib else (lib["group"], lib["name"])
        got = app[f"pkg:maven/{group}/{name}"]
        assert got.range == versions[lib["version"]["ref"]]
        assert got.version_location.path == "gradle/libs.versions.toml"
        toml_line = (root / "gradle/libs.versions.toml").read_text().splitlines()[got.version_location.line - 1]
        assert toml_line.startswith(f"{lib['version']['ref']} =")
    material3 = app["pkg:maven/androidx.compose.material3/material3"]
    assert material3.range is None and material3.unresolved is None  # no version in the catalog (BOM)
    text = (root / "app/build.gradle.kts").read_text().splitlines()
    assert "libs.androidx.core.ktx" in text[app["pkg:maven/androidx.core/core-ktx"].location.line - 1]


def test_bundle_expands_to_its_libraries(nia) -> None:
    root, results = nia
    toml = tomllib.loads((root / "gradle/libs.versions.toml").read_text())
    members = toml["bundles"]["androidx-compose-ui-test"]
    expected = {f"pkg:maven/{toml['libraries'][m]['group']}/{toml['libraries'][m]['name']}" for m in members}
    got = {
        d.package
        for d in records_of(results["feature/interests/impl/build.gradle.kts"], Declared)
        if d.raw_scope == "androidTestImplementation"
    }
    assert expected <= got


def _kebab(segment: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", lambda m: "-" + m.group(1).lower(), segment)


def test_type_safe_accessors_link_to_subproject_keys(nia) -> None:
    root, results = nia
    settings_keys = {p.key for p in results["settings.gradle.kts"].records}
    assert len(settings_keys) == 1 + len(re.findall(r'^include\("', (root / "settings.gradle.kts").read_text(), re.M))
    total = 0
    for path, result in results.items():
        if not path.endswith("build.gradle.kts") or path.startswith("build-logic"):
            continue
        lines = (root / path).read_text().splitlines()
        expected = set()
        for no, line in enumerate(lines, 1):
            for m in re.finditer(r"\bprojects\.([A-Za-z0-9.]+)", line):
                expected.add(("/".join(_kebab(s) for s in m.group(1).split(".")), no))
        got = {
            (d.target.split("/", 1)[1].split("#")[0], d.location.line) for d in records_of(result, ProjectDependency)
        }
        assert got == expected, path
        assert {d.target for d in records_of(result, ProjectDependency)} <= settings_keys
        total += len(expected)
    assert total > 100


def test_project_records_agree_between_settings_and_build_files(nia) -> None:
    _, results = nia
    from_settings = {p.key: p for p in results["settings.gradle.kts"].records}
    for path, result in results.items():
        if path.endswith("build.gradle.kts") and not path.startswith("build-logic"):
            (project,) = records_of(result, Project)
            assert from_settings[project.key] == project


def test_convention_plugins_are_an_included_build(nia) -> None:
    _, results = nia
    (project,) = records_of(results["build-logic/convention/build.gradle.kts"], Project)
    assert (
        project.key == "r/build-logic/convention#pkg:maven/com.google.samples.apps.nowinandroid.buildlogic/convention"
    )
    compile_only = {d.package for d in records_of(results["build-logic/convention/build.gradle.kts"], Declared)}
    assert "pkg:maven/com.android.tools.build/gradle-api" in compile_only  # ../gradle/libs.versions.toml


@pytest.mark.parametrize(
    "rel",
    ["app/dependencies/prodReleaseRuntimeClasspath.txt", "app-nia-catalog/dependencies/releaseRuntimeClasspath.txt"],
)
def test_dependency_guard_baselines_load_every_line(nia, rel: str) -> None:
    root, results = nia
    lines = {line.strip() for line in (root / rel).read_text().splitlines() if line.strip()}
    resolved = records_of(results[rel], Resolved)
    assert len(resolved) == len(lines) > 100
    module = rel.split("/dependencies/")[0]
    (project,) = records_of(results[rel], Project)
    (from_build,) = records_of(results[f"{module}/build.gradle.kts"], Project)
    assert project == from_build
    assert all(r.scope == "runtime" and r.depth is None for r in resolved)


def test_adservice_log4j_core_and_grpc_version(corpus: Path) -> None:
    root = corpus / ADSERVICE
    _, results = load_tree(root)
    text = (root / "build.gradle").read_text().splitlines()
    deps = {d.package: d for d in records_of(results["build.gradle"], Declared)}
    core = deps["pkg:maven/org.apache.logging.log4j/log4j-core"]
    assert core.range == "2.26.1" and core.scope == "runtime"
    assert "log4j-core:2.26.1" in text[core.location.line - 1]
    grpc = [d for p, d in deps.items() if p.startswith("pkg:maven/io.grpc/")]
    assert len(grpc) == sum('"io.grpc:grpc-' in line for line in text) == 5
    assert {d.range for d in grpc} == {"1.83.1"}
    assert {text[d.version_location.line - 1].strip() for d in grpc} == {'def grpcVersion = "1.83.1"'}
    (project,) = records_of(results["build.gradle"], Project)
    assert project.key == "r/.#pkg:maven/adservice/hipstershop"
    assert records_of(results["settings.gradle"], Project) == [project]
