"""What a plan's edit step changes, read from the exposure evidence (``plan_input._edit_kind``).

Shapes taken from real repositories: Maven puts ``<version>`` on its own line below ``<artifactId>`` (a
literal, not a property); Struts keeps ``<log4j2.version>`` in the root pom's properties; a child module
whose version comes from the parent's ``<dependencyManagement>`` is managed in another file.
"""

from __future__ import annotations

from planner.exposure import Evidence, ProjectExposure
from planner.plan_input import _edit_kind


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
