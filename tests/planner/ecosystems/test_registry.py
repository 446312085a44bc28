"""The ecosystem registry: every ecosystem's names and scheme, round trips, build tools and lockfiles."""

from __future__ import annotations

import pytest

from planner import buildtools, ecosystems
from planner.ecosystems import ECOSYSTEMS

#: purl type -> (OSV name, orders versions, univers range scheme, default build tool), written by hand
EXPECTED = {
    "maven": ("Maven", True, "maven", "maven"),
    "npm": ("npm", True, "npm", "npm"),
    "pypi": ("PyPI", True, "pypi", "pip"),
    "golang": ("Go", True, None, "go"),
    "cargo": ("crates.io", True, "npm", "cargo"),
    "nuget": ("NuGet", True, "nuget", "dotnet"),
    "gem": ("RubyGems", True, "gem", None),
    "hex": ("Hex", True, None, None),
    "pub": ("Pub", True, None, None),
    "composer": ("Packagist", False, None, None),
    "hackage": ("Hackage", False, None, None),
    "cran": ("CRAN", False, None, None),
    "conan": ("ConanCenter", False, None, None),
}


def test_the_registry_holds_exactly_the_expected_ecosystems() -> None:
    assert sorted(e.purl_type for e in ECOSYSTEMS) == sorted(EXPECTED)


@pytest.mark.parametrize("purl_type", sorted(EXPECTED))
def test_each_ecosystem_has_its_names_scheme_and_default_tool(purl_type: str) -> None:
    osv_name, ordered, range_scheme, tool = EXPECTED[purl_type]
    e = ecosystems.by_purl_type(purl_type)
    assert e is not None
    assert (e.osv_name, e.parse_version is not None, e.range_scheme, e.default_tool) == (
        osv_name,
        ordered,
        range_scheme,
        tool,
    )


@pytest.mark.parametrize("purl_type", sorted(EXPECTED))
def test_purl_type_and_osv_name_round_trip(purl_type: str) -> None:
    e = ecosystems.by_purl_type(purl_type)
    assert e is not None
    back = ecosystems.by_osv_name(e.osv_name)
    assert back is not None and back.purl_type == purl_type


def test_osv_names_with_a_suffix_and_unknown_names() -> None:
    maven = ecosystems.by_osv_name("Maven:https://maven.google.com")
    assert maven is not None and maven.purl_type == "maven"
    assert ecosystems.by_osv_name("Debian:12") is None
    assert ecosystems.by_purl_type("deb") is None
    assert ecosystems.by_purl_type(None) is None


@pytest.mark.parametrize(
    ("file_name", "tool"),
    [
        ("pom.xml", "maven"),
        ("build.gradle.kts", "gradle"),
        ("libs.versions.toml", "gradle"),
        ("package.json", "npm"),
        ("yarn.lock", "yarn"),
        ("pnpm-lock.yaml", "pnpm"),
        ("requirements-dev.txt", "pip"),
        ("Pipfile", "pip"),
        ("poetry.lock", "poetry"),
        ("uv.lock", "uv"),
        ("pdm.lock", "pdm"),
        ("go.work", "go"),
        ("Cargo.toml", "cargo"),
        ("Api.csproj", "dotnet"),
        ("Directory.Packages.props", "dotnet"),
        ("packages.lock.json", "dotnet"),
        ("notes.txt", None),
        ("package.json5", None),
    ],
)
def test_a_file_name_names_its_build_tool(file_name: str, tool: str | None) -> None:
    found = ecosystems.tool_for_file(file_name)
    assert (found.name if found else None) == tool


@pytest.mark.parametrize(
    ("tool", "name", "version", "command"),
    [
        ("uv", "requests", "2.32.3", "uv lock --upgrade-package requests==2.32.3"),
        ("pdm", "requests", "2.32.3", "pdm update --no-sync requests"),
        ("dotnet", "Newtonsoft.Json", "13.0.1", "dotnet restore --force-evaluate"),
        ("go", "golang.org/x/net", "0.23.0", "go get golang.org/x/net@v0.23.0 && go mod tidy"),
        ("maven", "g:a", "1.0", "regenerate the lockfile so that it resolves g:a 1.0"),
        (None, "x", "1", "regenerate the lockfile so that it resolves x 1"),
    ],
)
def test_relock_commands(tool: str | None, name: str, version: str, command: str) -> None:
    assert buildtools.relock_command(tool, name, version) == command


def test_every_lockfile_names_a_registered_tool_and_every_tool_belongs_to_one_ecosystem() -> None:
    assert all(lock.tool in ecosystems.BUILD_TOOLS for lock in ecosystems.LOCKFILES.values())
    owners = [t.name for e in ECOSYSTEMS for t in e.build_tools]
    assert len(owners) == len(set(owners))


@pytest.mark.parametrize(
    ("purl_type", "spec", "pin"),
    [
        ("pypi", "==1.2", "1.2"),
        ("pypi", "===1.2", "1.2"),
        ("pypi", "==1.2,!=1.3", "==1.2,!=1.3"),
        ("npm", "=1.2.3", "1.2.3"),
        ("cargo", "=1.2.3", "1.2.3"),
        ("cargo", "1.2.3", ""),
        ("maven", "2.14.1", "2.14.1"),
    ],
)
def test_exact_pin_rules(purl_type: str, spec: str, pin: str) -> None:
    e = ecosystems.by_purl_type(purl_type)
    assert e is not None and e.exact_pin(spec) == pin


def test_cargo_ranges_are_read_as_npm_caret_ranges() -> None:
    cargo = ecosystems.by_purl_type("cargo")
    assert cargo is not None
    assert cargo.native_range("1.2") == "^1.2"
    assert cargo.native_range(">=1.0, <2.0") == ">=1.0 <2.0"


@pytest.mark.parametrize("spec", ["pkg:composer/monolog/monolog@<1.0", "pkg:hackage/aeson@<2.0.0"])
def test_a_range_of_an_unordered_ecosystem_is_refused(spec: str) -> None:
    from planner.errors import UsageError
    from planner.exposure import affected_from_spec

    with pytest.raises(UsageError, match="no version ordering known"):
        affected_from_spec(spec)


@pytest.mark.parametrize(
    ("location", "build_list", "workspace"),
    [
        ("go.mod:7", True, False),
        ("svc/GO.MOD:12", True, False),
        ("go.work:3", False, True),
        ("a/b/go.work", False, True),
        ("pom.xml:12", False, False),
        ("go.sum:4", False, False),
        (None, False, False),
        ("", False, False),
    ],
)
def test_build_lists_and_workspaces_by_file_name(location: str | None, build_list: bool, workspace: bool) -> None:
    """The sets of names answer as the scan over every build tool they replaced."""
    name = (location or "").rsplit(":", 1)[0].rsplit("/", 1)[-1].lower()
    tools = ecosystems.BUILD_TOOLS.values()
    assert ecosystems.lists_whole_build(location) is build_list
    assert ecosystems.is_workspace_file(location) is workspace
    assert build_list == (bool(name) and any(name in t.build_lists for t in tools))
    assert workspace == (bool(name) and any(name in t.workspaces for t in tools))


def test_the_tool_of_a_file_name_is_the_first_whose_globs_match_in_any_case() -> None:
    for file_name in ("pnpm-lock.yaml", "PNPM-LOCK.YAML", "build.gradle.kts", "Cargo.lock", "unknown.txt"):
        first = next((t for t in ecosystems.BUILD_TOOLS.values() if t.builds(file_name.lower())), None)
        assert ecosystems.tool_for_file(file_name) is first
        assert ecosystems.tool_for_file(file_name) is first  # asked again: the remembered answer
