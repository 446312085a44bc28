""".NET loaders: MSBuild project files (with Directory.*.props) and NuGet lock files.

Standard fixtures, a repository with central package management, bad-input tables, hypothesis
fuzzing, the microservices-demo cartservice corpus and the deploy linker end to end.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import loaders.registry as registry
from loaders.base import StaticContext
from loaders.dotnet._expressions import Prop, evaluate_condition
from loaders.dotnet.packages_lock import NugetLockLoader
from loaders.dotnet.project import DotnetProjectLoader
from planner.errors import ParseError
from planner.model import (
    Constrains,
    Declared,
    Location,
    Project,
    ProjectDependency,
    Publishes,
    Resolved,
    Source,
    VersionDependency,
)
from tests.conftest import FIXTURES, records_of

PROJECT = DotnetProjectLoader()
LOCK = NugetLockLoader()
DIR = FIXTURES / "dotnet"


def tree(root: Path, repo: str = "acme") -> dict[tuple[str, str], str]:
    """Every file under ``root`` keyed like a StaticContext."""
    return {(repo, p.relative_to(root).as_posix()): p.read_text() for p in sorted(root.rglob("*")) if p.is_file()}


def parse_in(root: Path, path: str, loader=PROJECT, repo: str = "acme"):
    files = tree(root, repo)
    return loader.parse(files[(repo, path)], Source(repo, path, f"fixtures/{path}"), StaticContext(files))


def parse(name: str):
    text = (DIR / name).read_text()
    return PROJECT.parse(text, Source("acme", f"svc/{name}", f"fixtures/{name}"))


def declared(result) -> dict[str, Declared]:
    return {d.package.removeprefix("pkg:nuget/"): d for d in records_of(result, Declared)}


# ----------------------------------------------------------------------------------------- matching


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("cartservice.csproj", True),
        ("src/cartservice/tests/cartservice.tests.csproj", True),
        ("Lib.fsproj", True),
        ("App.VBPROJ", True),
        ("cartservice.csproj.user", False),
        ("App.csproj.bak", False),
        ("cartservice.sln", False),
        ("Directory.Build.props", False),
        ("Directory.Packages.props", False),
        ("App.vcxproj", False),
        ("App.sqlproj", False),
        ("csproj", False),
    ],
)
def test_project_matches_file_names(name: str, expected: bool) -> None:
    assert PROJECT.matches(name) is expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("packages.lock.json", True),
        ("src/App/packages.lock.json", True),
        ("packages.Acme.Worker.lock.json", True),
        ("package-lock.json", False),
        ("packages.json", False),
        ("packages.config", False),
        ("packages.lock.json.orig", False),
        ("project.assets.json", False),
    ],
)
def test_lock_matches_file_names(name: str, expected: bool) -> None:
    assert LOCK.matches(name) is expected


def test_no_other_registered_loader_claims_these_files() -> None:
    for name in ("a/b.csproj", "x.fsproj", "y.vbproj", "src/packages.lock.json", "packages.A.lock.json"):
        assert registry.loader_for(name) is None or registry.loader_for(name).name.startswith(("dotnet", "nuget"))


# ------------------------------------------------------------------------------------ project files


def test_empty() -> None:
    result = parse("empty.csproj")
    (project,) = records_of(result, Project)
    assert project.key == "acme/svc#pkg:nuget/empty"
    assert (project.name, project.ecosystem, project.kind, project.version) == ("empty", "nuget", "library", None)
    assert project.manifest == "svc/empty.csproj" and project.path == "svc"
    assert records_of(result, Publishes) == [Publishes(project.key, "pkg:nuget/empty")]
    assert records_of(result, Declared) == [] and result.warnings == []


def test_one_package_with_package_id_version_and_line() -> None:
    result = parse("one-package.csproj")
    (project,) = records_of(result, Project)
    assert project.key == "acme/svc#pkg:nuget/Acme.Logging"
    assert project.purl == "pkg:nuget/Acme.Logging@2.1.0"
    (dep,) = records_of(result, Declared)
    assert (dep.package, dep.range, dep.scope, dep.raw_scope) == (
        "pkg:nuget/Newtonsoft.Json",
        "13.0.1",
        "runtime",
        "PackageReference",
    )
    lines = (DIR / "one-package.csproj").read_text().splitlines()
    assert 'Include="Newtonsoft.Json"' in lines[dep.location.line - 1]
    assert dep.location.path == "svc/one-package.csproj" and dep.version_location is None


def test_two_packages_forms_ranges_scopes_conditions() -> None:
    result = parse("two-packages.csproj")
    (project,) = records_of(result, Project)
    assert project.name == "Acme.Tool"  # AssemblyName, no PackageId
    assert project.version == "1.4.0-beta.2"  # VersionPrefix-VersionSuffix
    assert project.kind == "application"  # OutputType Exe
    deps = declared(result)
    assert deps["Serilog"].range == "3.1.1"  # <Version> child element through $(SerilogVersion)
    assert deps["Serilog"].version_location == Location("svc/two-packages.csproj", 8)
    assert deps["Polly"].range == "[7.0,8.0)"  # a NuGet interval, as written
    assert (deps["StyleCop.Analyzers"].scope, deps["StyleCop.Analyzers"].raw_scope) == ("build", "PrivateAssets=all")
    assert deps["Acme.Build"].range is None and deps["Acme.Build"].unresolved == "$(AcmeBuildVersion)"
    # multi-targeted: the framework condition depends on the build -> profile
    assert deps["System.ValueTuple"].profile == "'$(TargetFramework)' == 'net48'"
    assert deps["Serilog"].profile is None
    # statically true (OutputType is Exe; MSBuild compares case-insensitively): kept, no profile
    assert deps["System.CommandLine"].profile is None and deps["System.CommandLine"].range == "2.0.0-beta4.22272.1"
    # statically false: dropped
    assert "Never.Used" not in deps
    assert result.warnings == []


def test_unknown_elements_and_items_without_include_are_warnings() -> None:
    result = parse("unknown-elements.fsproj")
    assert list(declared(result)) == ["FSharp.Core"]  # <Compile>, <FancyThing> are other item types
    messages = [str(w) for w in result.warnings]
    assert "fixtures/unknown-elements.fsproj:2: unknown element <PackageReference> under <Project>" in messages[0]
    assert messages[1].startswith("fixtures/unknown-elements.fsproj:6: <PackageReference> without Include")


def test_not_msbuild_is_a_parse_error() -> None:
    with pytest.raises(ParseError) as info:
        parse("not-msbuild.csproj")
    assert str(info.value).startswith("fixtures/not-msbuild.csproj:2: not an MSBuild project")


# ---------------------------------------------------------------- Directory.*.props, CPM, references

REPO = DIR / "repo"


def test_central_package_management_and_directory_build_props() -> None:
    result = parse_in(REPO, "src/App/App.csproj")
    (project,) = records_of(result, Project)
    assert project.key == "acme/src/App#pkg:nuget/App"
    assert project.version == "3.2.1"  # Directory.Build.props; its "'$(Version)' == ''" default did not apply
    assert project.kind == "application"  # Microsoft.NET.Sdk.Web
    assert records_of(result, Publishes) == []  # web projects are not packable
    deps = declared(result)
    grpc = deps["Grpc.AspNetCore"]
    assert grpc.range == "2.60.0"  # PackageVersion Version="$(GrpcVersion)" from Directory.Build.props
    assert grpc.location == Location("src/App/App.csproj", 6)
    assert grpc.version_location == Location("Directory.Packages.props", 8)
    assert deps["Newtonsoft.Json"].range == "12.0.3" and deps["Newtonsoft.Json"].version_location is None
    analyzers = deps["Acme.Analyzers"]  # declared in Directory.Build.props for every project
    assert (analyzers.range, analyzers.scope, analyzers.location.path) == ("1.0.0", "build", "Directory.Build.props")
    gitversioning = deps["Nerdbank.GitVersioning"]
    assert (gitversioning.range, gitversioning.raw_scope) == ("3.6.133", "GlobalPackageReference")
    pins = {c.package: c for c in records_of(result, Constrains)}  # transitive pinning is enabled
    assert pins["pkg:nuget/Newtonsoft.Json"].range == "13.0.3"
    assert pins["pkg:nuget/Grpc.AspNetCore"].version_location == Location("Directory.Build.props", 5)
    (ref,) = records_of(result, ProjectDependency)
    # the target's PackageId is "$(Company).Library", read through the context
    assert ref.target == "acme/src/Acme.Lib#pkg:nuget/Acme.Library"
    assert ref.spec == "..\\Acme.Lib\\Acme.Lib.csproj" and ref.location.line == 8
    assert result.warnings == []


def test_referenced_project_key_matches_its_own_parse() -> None:
    lib = parse_in(REPO, "src/Acme.Lib/Acme.Lib.csproj")
    (project,) = records_of(lib, Project)
    assert project.name == "Acme.Library" and project.purl == "pkg:nuget/Acme.Library@3.2.1"
    assert records_of(lib, Publishes) == [Publishes(project.key, "pkg:nuget/Acme.Library")]
    app = parse_in(REPO, "src/App/App.csproj")
    assert records_of(app, ProjectDependency)[0].target == project.key


def test_test_project_remove_and_missing_reference() -> None:
    result = parse_in(REPO, "tests/App.Tests/App.Tests.csproj")
    (project,) = records_of(result, Project)
    assert project.kind == "test" and records_of(result, Publishes) == []
    deps = declared(result)
    assert "Acme.Analyzers" not in deps  # <PackageReference Remove> of the props item
    assert deps["xunit"].scope == "test" and deps["xunit"].range == "2.9.0"
    targets = {r.target: r.scope for r in records_of(result, ProjectDependency)}
    assert targets == {
        "acme/src/App#pkg:nuget/App": "test",
        "acme/src/Missing#pkg:nuget/Missing": "test",  # not in the ingest: named after its file
    }


def test_nested_props_chain_and_choose() -> None:
    result = parse_in(REPO, "src/Legacy/Old/Old.vbproj")
    (project,) = records_of(result, Project)
    assert project.version == "0.9.0"  # the nearer props overrides the root one it imports
    assert records_of(result, Publishes) == []  # IsPackable false
    deps = declared(result)
    assert deps["Acme.Analyzers"].range == "1.0.0"  # root props reached through GetPathOfFileAbove
    assert deps["Acme.Debugging"].profile == "'$(Configuration)' == 'Debug'"
    assert deps["Acme.Release"].profile == "!('$(Configuration)' == 'Debug')"
    pins = {c.package: c.range for c in records_of(result, Constrains)}
    assert pins["pkg:nuget/Grpc.AspNetCore"] == "2.60.0"


def test_without_context_props_are_unknown() -> None:
    text = (REPO / "src/App/App.csproj").read_text()
    result = PROJECT.parse(text, Source("acme", "src/App/App.csproj", "App.csproj"))
    assert declared(result)["Grpc.AspNetCore"].range is None
    assert any("Grpc.AspNetCore has no version" in w.message for w in result.warnings)


def test_sdk_from_nuget_is_a_build_dependency() -> None:
    text = '<Project Sdk="Microsoft.Build.NoTargets/3.7.56">\n</Project>\n'
    result = PROJECT.parse(text, Source("r", "x/x.csproj", "x.csproj"))
    (dep,) = records_of(result, Declared)
    assert (dep.package, dep.range, dep.scope, dep.raw_scope) == (
        "pkg:nuget/Microsoft.Build.NoTargets",
        "3.7.56",
        "build",
        "Sdk",
    )


def test_property_expansion_bomb_is_bounded() -> None:
    props = "".join(f"<P{i}>$(P{i - 1})$(P{i - 1})</P{i}>" for i in range(1, 60))
    text = (
        f'<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><P0>xxxxxxxxxx</P0>{props}</PropertyGroup>'
        '<ItemGroup><PackageReference Include="A" Version="$(P59)" /></ItemGroup></Project>'
    )
    result = PROJECT.parse(text, Source("r", "x.csproj", "x.csproj"))
    (dep,) = records_of(result, Declared)
    assert dep.range is None and dep.unresolved == "$(P59)"


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("'$(A)' == 'one'", True),
        ("'$(A)' == 'ONE'", True),  # case-insensitive
        ("'$(A)' != 'one'", False),
        ("'$(Undefined)' == ''", True),  # MSBuild: undefined is empty
        ("'$(Configuration)' == 'Release'", None),  # set by the build
        ("Exists('x.props')", None),
        ("'$(A)' == 'one' and '$(Configuration)' == 'Debug'", None),
        ("'$(A)' == 'two' and '$(Configuration)' == 'Debug'", False),
        ("'$(A)' == 'one' or '$(Configuration)' == 'Debug'", True),
        ("!('$(A)' == 'one')", False),
        ("$(Flag)", True),
        ("'$(N)' >= '8'", True),
        ("'$(A.ToUpper())' == 'ONE'", None),
        ("(((", None),
        ("'a' == ", None),
        ("", True),
    ],
)
def test_conditions(condition: str, expected: bool | None) -> None:
    props = {"a": Prop("one", "one", None), "flag": Prop("true", "true", None), "n": Prop("10", "10", None)}
    assert evaluate_condition(condition, props) is expected


# -------------------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "malformed XML"),
        ('<Project Sdk="Microsoft.NET.Sdk">\n  <ItemGroup>\n    <PackageReference Include="A"', "malformed XML"),
        (
            '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n <!ENTITY lol2 "&lol;&lol;&lol;">\n]>\n'
            "<Project>&lol2;</Project>",
            "unsafe XML",
        ),
        ('<!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<Project>&x;</Project>', "unsafe XML"),
        ("\x00\x01\x02PK\x03\x04", "malformed XML"),
        ("<Project><PropertyGroup></Project>", "malformed XML"),
        ("<Solution>\n</Solution>", "not an MSBuild project"),
        ("Microsoft Visual Studio Solution File, Format Version 12.00\n", "malformed XML"),
        ("<Project>\ud800</Project>", "not encodable"),
    ],
)
def test_bad_project_is_a_parse_error_with_path_and_line(text: str, reason: str) -> None:
    with pytest.raises(ParseError) as info:
        PROJECT.parse(text, Source("r", "a/b.csproj", "repo/a/b.csproj"))
    assert re.match(r"repo/a/b\.csproj:\d+: ", str(info.value))
    assert reason in str(info.value)


def test_broken_props_file_is_a_warning_not_an_error() -> None:
    files = {
        ("r", "Directory.Build.props"): "<Project><PropertyGroup>",
        ("r", "a/a.csproj"): '<Project Sdk="Microsoft.NET.Sdk"><ItemGroup>'
        '<PackageReference Include="X" Version="1.0.0" /></ItemGroup></Project>',
    }
    result = PROJECT.parse(files[("r", "a/a.csproj")], Source("r", "a/a.csproj", "a/a.csproj"), StaticContext(files))
    assert declared(result)["X"].range == "1.0.0"
    (warning,) = result.warnings
    assert str(warning).startswith("a/a.csproj:0: imported Directory.Build.props:1: malformed XML")


def test_import_cycle_terminates() -> None:
    files = {
        ("r", "a.props"): '<Project><Import Project="b.props" /><PropertyGroup><V>1</V></PropertyGroup></Project>',
        ("r", "b.props"): '<Project><Import Project="a.props" /></Project>',
        ("r", "x.csproj"): '<Project><Import Project="a.props" /><ItemGroup>'
        '<PackageReference Include="X" Version="$(V)" /></ItemGroup></Project>',
    }
    result = PROJECT.parse(files[("r", "x.csproj")], Source("r", "x.csproj", "x.csproj"), StaticContext(files))
    assert declared(result)["X"].range == "1"


# ------------------------------------------------------------------------------------------- locks

LOCKS = DIR / "lock"


def test_lock_empty_belongs_to_the_project_beside_it() -> None:
    result = parse_in(LOCKS, "empty/packages.lock.json", LOCK)
    (project,) = records_of(result, Project)
    assert project.key == "acme/empty#pkg:nuget/Acme.Empty" and project.manifest == "empty/Empty.csproj"
    assert records_of(result, Resolved) == [] and result.warnings == []


def test_lock_one_package_without_project_file() -> None:
    result = parse_in(LOCKS, "one-package/packages.lock.json", LOCK)
    (res,) = records_of(result, Resolved)
    assert (res.version, res.depth, res.raw_scope) == ("pkg:nuget/Newtonsoft.Json@13.0.1", 1, "Direct")
    assert res.path == ("pkg:nuget/Newtonsoft.Json@13.0.1",)
    assert res.location == Location("one-package/packages.lock.json", 5)
    (warning,) = result.warnings
    assert "no project file beside this lock file" in warning.message


def test_lock_two_packages_depths_chains_and_metadata() -> None:
    result = parse_in(LOCKS, "two-packages/packages.lock.json", LOCK)
    (project,) = records_of(result, Project)
    app = parse_in(LOCKS, "two-packages/App.csproj")
    assert project == records_of(app, Project)[0]  # the same record as the project loader's
    res = {r.version: r for r in records_of(result, Resolved)}
    client = res["pkg:nuget/Grpc.Net.Client@2.60.0"]  # referenced as "grpc.net.client": case-insensitive ids
    assert client.depth == 3
    assert client.path == (
        "pkg:nuget/Grpc.AspNetCore@2.60.0",
        "pkg:nuget/Grpc.AspNetCore.Server.ClientFactory@2.60.0",
        "pkg:nuget/Grpc.Net.Client@2.60.0",
    )
    protobuf = res["pkg:nuget/Google.Protobuf@3.25.1"]
    assert (protobuf.depth, protobuf.raw_scope) == (2, "CentralTransitive")
    memory = res["pkg:nuget/System.Memory@4.5.5"]  # under a project reference: one level down
    assert (memory.depth, memory.path) == (2, ("pkg:nuget/System.Memory@4.5.5",))
    assert res["pkg:nuget/runtime.linux-x64.Microsoft.DotNet.ILCompiler@8.0.1"].depth is None
    assert not any("acme.lib" in v.lower() for v in res)  # a Project entry is not a package
    edges = {(e.version, e.package, e.range, e.resolved) for e in records_of(result, VersionDependency)}
    assert edges == {
        ("pkg:nuget/Grpc.AspNetCore@2.60.0", "pkg:nuget/Google.Protobuf", "3.24.0", "3.25.1"),
        (
            "pkg:nuget/Grpc.AspNetCore@2.60.0",
            "pkg:nuget/Grpc.AspNetCore.Server.ClientFactory",
            "2.60.0",
            "2.60.0",
        ),
        ("pkg:nuget/Grpc.AspNetCore.Server.ClientFactory@2.60.0", "pkg:nuget/Grpc.Net.Client", "2.60.0", "2.60.0"),
    }
    assert result.warnings == []


def test_lock_named_after_its_project() -> None:
    result = parse_in(LOCKS, "named/packages.Acme.Worker.lock.json", LOCK)
    (project,) = records_of(result, Project)
    assert project.key == "acme/named#pkg:nuget/Acme.Worker" and project.kind == "application"
    assert [r.version for r in records_of(result, Resolved)] == ["pkg:nuget/Serilog@3.1.1"]
    assert result.warnings == []


def test_lock_truncated_reports_its_line() -> None:
    with pytest.raises(ParseError) as info:
        parse_in(LOCKS, "not-json/packages.lock.json", LOCK)
    assert str(info.value).startswith("fixtures/not-json/packages.lock.json:4: malformed JSON")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "malformed JSON"),
        ("[1]", "top level is not an object"),
        ('{"version": "1", "dependencies": {}}', "version is '1'"),
        ('{"version": 1}', "no 'dependencies' object"),
        ('{"version": 1, "dependencies": []}', "no 'dependencies' object"),
        ("[" * 100_000, "malformed JSON|nested too deeply"),
    ],
)
def test_bad_lock_is_a_parse_error(text: str, reason: str) -> None:
    with pytest.raises(ParseError) as info:
        LOCK.parse(text, Source("r", "packages.lock.json", "repo/packages.lock.json"))
    assert re.match(r"repo/packages\.lock\.json:\d+: ", str(info.value))
    assert any(part in str(info.value) for part in reason.split("|"))


def test_odd_lock_entries_are_warnings() -> None:
    doc = {
        "version": 3,
        "dependencies": {
            "net8.0": {
                "A": {"type": "Direct", "resolved": "1.0.0", "dependencies": ["B"]},
                "B": "not an object",
                "C": {"type": "Weird", "resolved": "2.0.0"},
                "D": {"type": "Transitive"},
            },
            "net6.0": [],
        },
    }
    result = LOCK.parse(json.dumps(doc, indent=1), Source("r", "packages.lock.json", "packages.lock.json"))
    assert sorted(r.version for r in records_of(result, Resolved)) == ["pkg:nuget/A@1.0.0", "pkg:nuget/C@2.0.0"]
    messages = " | ".join(w.message for w in result.warnings)
    for part in ("unknown lock file version 3", "'dependencies' is not an object", "'B' is not an object"):
        assert part in messages
    for part in ("unknown type 'Weird'", "D has no resolved version", "framework 'net6.0' is not an object"):
        assert part in messages


# ------------------------------------------------------------------------------------------ fuzzing

names = st.sampled_from(["A", "Newtonsoft.Json", "x y", "", "$(P)", "B;C", "../x.csproj", "..\\..\\y.csproj"])
attr_values = names | st.text(max_size=10)
conditions = st.sampled_from(["", "'$(P)' == '1'", "'$(Configuration)' == 'Debug'", "Exists('a')", "((", "!"])
item = st.builds(
    lambda tag, verb, name, version, cond, private: (
        f'<{tag} {verb}="{name}" Version="{version}" Condition="{cond}" PrivateAssets="{private}" />'
    ),
    st.sampled_from(["PackageReference", "ProjectReference", "PackageVersion", "GlobalPackageReference", "Other"]),
    st.sampled_from(["Include", "Update", "Remove", "Exclude"]),
    names,
    attr_values,
    conditions,
    st.sampled_from(["all", "none", ""]),
)
prop = st.builds(
    lambda name, value, cond: f'<{name} Condition="{cond}">{value}</{name}>',
    st.sampled_from(["P", "Version", "PackageId", "AssemblyName", "OutputType", "IsPackable", "IsTestProject"]),
    attr_values,
    conditions,
)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sdk=st.sampled_from(["Microsoft.NET.Sdk", "Microsoft.NET.Sdk.Web", "X/1.0", "", "a;b/2"]),
    props=st.lists(prop, max_size=5),
    items=st.lists(item, max_size=6),
    choose=st.booleans(),
    cut=st.integers(min_value=0, max_value=2000),
)
def test_fuzz_structured_projects_never_crash(sdk, props, items, choose, cut) -> None:
    body = "<PropertyGroup>" + "".join(props) + "</PropertyGroup><ItemGroup>" + "".join(items) + "</ItemGroup>"
    if choose:
        body = f"<Choose><When Condition=\"'$(P)' == '1'\">{body}</When><Otherwise>{body}</Otherwise></Choose>"
    text = f'<Project Sdk="{_escape(sdk)}">{body}</Project>'
    files = {("r", "d/x.csproj"): text, ("r", "Directory.Build.props"): f"<Project>{body}</Project>"}
    for candidate in (text, text[:cut]):
        try:
            result = PROJECT.parse(candidate, Source("r", "d/x.csproj", "d/x.csproj"), StaticContext(files))
        except ParseError as exc:
            assert str(exc).startswith("d/x.csproj:")
            continue
        assert len(records_of(result, Project)) == 1
        assert all(str(w).startswith("d/x.csproj:") for w in result.warnings)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(alphabet=st.sampled_from("<>/=\"' ProjectItemGroupIncludeVersion$()&;!\n\x00é"), max_size=120))
def test_fuzz_random_text_never_crashes(text) -> None:
    try:
        PROJECT.parse(text, Source("r", "x.csproj", "x.csproj"))
    except ParseError as exc:
        assert str(exc).startswith("x.csproj:")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=15,
)
lock_entry = st.fixed_dictionaries(
    {},
    optional={
        "type": st.sampled_from(["Direct", "Transitive", "CentralTransitive", "Project", "x"]) | json_values,
        "resolved": st.sampled_from(["1.0.0", "2.0.0-beta", ""]) | json_values,
        "requested": json_values,
        "dependencies": st.dictionaries(st.sampled_from(["A", "b", "C", "a"]), st.sampled_from(["1.0.0", "[1,2)"]))
        | json_values,
    },
)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    version=st.sampled_from([1, 2, 3, "1", None, True]),
    frameworks=st.dictionaries(
        st.sampled_from(["net8.0", "net8.0/linux-x64", "", "x/y/z"]),
        st.dictionaries(st.sampled_from(["A", "b", "C", "a", " ", "x y"]), lock_entry, max_size=5) | json_values,
        max_size=3,
    )
    | json_values,
)
def test_fuzz_locks_never_crash(version, frameworks) -> None:
    text = json.dumps({"version": version, "dependencies": frameworks}, indent=2)
    try:
        result = LOCK.parse(text, Source("r", "packages.lock.json", "packages.lock.json"))
    except ParseError as exc:
        assert str(exc).startswith("packages.lock.json:")
        return
    assert len(records_of(result, Project)) == 1
    assert all(r.depth is None or r.depth >= 1 for r in records_of(result, Resolved))


# ------------------------------------------------------------------------------------------- corpus

CART = "GoogleCloudPlatform__microservices-demo/src/cartservice"
#: INDEX.md ground truth for cartservice.csproj
CART_PINS = {
    "Grpc.AspNetCore": "2.83.0",
    "Grpc.HealthCheck": "2.83.0",
    "Microsoft.Extensions.Caching.StackExchangeRedis": "10.0.10",
    "Google.Cloud.Spanner.Data": "5.12.0",
    "Npgsql": "10.0.3",
    "Google.Cloud.SecretManager.V1": "2.8.0",
}
_REFERENCE = re.compile(r'<PackageReference\s+Include="([^"]+)"\s+Version="([^"]+)"')


def _corpus_parse(corpus: Path, path: str):
    root = corpus / "GoogleCloudPlatform__microservices-demo"
    files = {
        ("microservices-demo", p.relative_to(root).as_posix()): p.read_text()
        for p in (root / "src/cartservice").rglob("*")
        if p.is_file()
    }
    return PROJECT.parse(
        files[("microservices-demo", path)], Source("microservices-demo", path, path), StaticContext(files)
    )


def test_corpus_cartservice(corpus: Path) -> None:
    path = "src/cartservice/src/cartservice.csproj"
    result = _corpus_parse(corpus, path)
    assert result.warnings == []
    (project,) = records_of(result, Project)
    assert project.key == "microservices-demo/src/cartservice/src#pkg:nuget/cartservice"
    assert (project.path, project.kind) == ("src/cartservice/src", "application")
    assert records_of(result, Publishes) == []  # Microsoft.NET.Sdk.Web
    got = {d.package.removeprefix("pkg:nuget/"): d.range for d in records_of(result, Declared)}
    assert got == CART_PINS
    independent = dict(_REFERENCE.findall((corpus / CART / "src/cartservice.csproj").read_text()))
    assert got == independent and len(got) == 6


def test_corpus_cartservice_tests(corpus: Path) -> None:
    path = "src/cartservice/tests/cartservice.tests.csproj"
    result = _corpus_parse(corpus, path)
    assert result.warnings == []
    (project,) = records_of(result, Project)
    assert (project.path, project.kind) == ("src/cartservice/tests", "test")
    assert records_of(result, Publishes) == []  # IsPackable false
    independent = dict(_REFERENCE.findall((corpus / CART / "tests/cartservice.tests.csproj").read_text()))
    got = {d.package.removeprefix("pkg:nuget/"): d.range for d in records_of(result, Declared)}
    assert got == independent and len(got) == 5
    assert {d.scope for d in records_of(result, Declared)} == {"test"}
    (ref,) = records_of(result, ProjectDependency)
    assert ref.target == "microservices-demo/src/cartservice/src#pkg:nuget/cartservice"
    assert ref.spec == "..\\src\\cartservice.csproj"


def test_corpus_cartservice_image_is_built_from_the_project(store, corpus: Path) -> None:
    from planner.ingest import ingest
    from planner.link import link

    report = ingest(store, [corpus / "GoogleCloudPlatform__microservices-demo"])
    assert not [m for m in report.errors + report.warnings if "cartservice" in m and ".csproj" in m]
    assert report.by_loader["dotnet-project"] == 2
    link(store)
    key = "GoogleCloudPlatform__microservices-demo/src/cartservice/src#pkg:nuget/cartservice"
    rows = store.run(
        "MATCH (i:Image)-[:BUILT_FROM]->(p:Project) WHERE p.ecosystem = 'nuget' "
        "RETURN i.key AS image, p.key AS project, p.path AS path ORDER BY image"
    )
    prefix = "us-central1-docker.pkg.dev/online-boutique-ci/microservices-demo/"
    by_image = {r["image"]: (r["project"], r["path"]) for r in rows}
    assert by_image[prefix + "cartservice:v0.10.6"] == (key, "src/cartservice/src")
    assert by_image["docker.io/library/cartservice:latest"] == (key, "src/cartservice/src")
    assert {project for project, _ in by_image.values()} == {key}  # never the tests project
    untraced = {
        r["image"]
        for r in store.run(
            "MATCH (s:Service)-[:RUNS]->(i:Image) WHERE NOT (i)-[:BUILT_FROM]->() RETURN DISTINCT i.key AS image"
        )
    }
    assert prefix + "cartservice:v0.10.6" not in untraced
    uses = store.run("MATCH (a:Project)-[:USES_PROJECT]->(b:Project) RETURN a.path AS a, b.path AS b")
    assert [(r["a"], r["b"]) for r in uses] == [("src/cartservice/tests", "src/cartservice/src")]
