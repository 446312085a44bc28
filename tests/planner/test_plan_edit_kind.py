"""What a plan's edit step changes, read from the exposure evidence (``plan_input._edit_kind``).

Shapes taken from real repositories: Maven puts ``<version>`` on its own line below ``<artifactId>`` (a
literal, not a property); Struts keeps ``<log4j2.version>`` in the root pom's properties; a child module
whose version comes from the parent's ``<dependencyManagement>`` is managed in another file.
"""

from __future__ import annotations

from dataclasses import replace

from planner.exposure import Evidence, ProjectExposure
from planner.plan_input import _edit_kind, _lockfile_tool


def _project(*evidence: Evidence) -> ProjectExposure:
    return ProjectExposure(
        project="proj",
        name="core",
        repo="acme/core",
        kind="library",
        ecosystem="maven",
        verdict="exposed",
        reason="",
        direct=True,
        depth=1,
        scope="compile",
        versions=["2.14.1"],
        path=[],
        paths=[],
        change_at=None,
        fixed=[],
        recommended=None,
        via=[],
        evidence=list(evidence),
    )


def _declares(location: str, version_location: str | None, prop: str | None = None) -> Evidence:
    return Evidence("declares", "2.14.1", "2.14.1", "compile", 1, True, location, version_location, [], prop)


def test_literal_version_on_the_next_line_is_a_direct_edit() -> None:
    assert _edit_kind(_project(_declares("core/pom.xml:41", "core/pom.xml:42"))) == "direct-dependency"


def test_property_in_the_root_pom_is_a_property_edit() -> None:
    assert _edit_kind(_project(_declares("core/pom.xml:41", "pom.xml:120", "log4j2.version"))) == "property"


def test_version_from_another_files_dependency_management_is_managed() -> None:
    assert _edit_kind(_project(_declares("core/pom.xml:41", "pom.xml:300"))) == "managed"


def test_same_line_is_direct_and_a_lock_alone_is_lockfile_only() -> None:
    assert _edit_kind(_project(_declares("build.gradle:12", "build.gradle:12"))) == "direct-dependency"
    resolves = Evidence("resolves", "2.14.1", None, "compile", 1, True, "gradle.lockfile:3")
    assert _edit_kind(_project(resolves)) == "lockfile-only"


def test_the_resolving_lockfile_names_the_build_tool() -> None:
    """A pnpm workspace member (vite's playground/devtools) is resolved by the root pnpm-lock.yaml: pnpm
    builds it although its own file is a package.json; an SBOM names no tool; another ecosystem's
    lockfile does not count."""
    member = replace(_project(), ecosystem="npm", change_at="playground/devtools/package.json:16")
    locked = Evidence("resolves", "8.5.26", None, "runtime", 2, True, "pnpm-lock.yaml:7000")
    assert _lockfile_tool(replace(member, evidence=[locked])) == "pnpm"
    assert _lockfile_tool(replace(member, evidence=[replace(locked, location="yarn.lock:12")])) == "yarn"
    assert _lockfile_tool(replace(member, evidence=[replace(locked, location="bom.json:40")])) is None
    assert _lockfile_tool(replace(member, evidence=[replace(locked, location="poetry.lock:3")])) is None
    assert _lockfile_tool(replace(member, evidence=[_declares("package.json:16", "package.json:16")])) is None
