"""npm package.json loader: projects, specs, workspaces, overrides, bad input, fuzzing, corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders.base import StaticContext
from loaders.js.package_json import NpmPackageJsonLoader
from planner.errors import ParseError
from planner.model import Constrains, Declared, Project, ProjectDependency, Publishes, Source
from tests.conftest import FIXTURES, records_of

LOADER = NpmPackageJsonLoader()
DIR = FIXTURES / "npm"
WEB = (DIR / "package.json").read_text()


def workspace_context(extra: dict[str, str] | None = None) -> StaticContext:
    files = {
        ("acme", "package.json"): json.dumps({"name": "root", "private": True, "workspaces": ["apps/*", "packages/*"]}),
        ("acme", "apps/web/package.json"): WEB,
        ("acme", "apps/local/package.json"): json.dumps({"name": "local-lib", "version": "0.0.1"}),
        ("acme", "packages/ui/package.json"): json.dumps({"name": "@acme/ui", "version": "3.0.0"}),
        ("acme", "tools/x/package.json"): json.dumps({"name": "not-a-member"}),
        ("acme", ".yarnrc.yml"): "catalog:\n  typescript: ^5.4.0\n",
    }
    files.update({("acme", k): v for k, v in (extra or {}).items()})
    return StaticContext(files)


def parse_web(context=None):
    return LOADER.parse(
        WEB, Source("acme", "apps/web/package.json", "acme/apps/web/package.json"), context or workspace_context()
    )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("package.json", True),
        ("apps/web/package.json", True),
        ("node_modules/lodash/package.json", False),
        ("package-lock.json", False),
        ("package.json5", False),
        ("tsconfig.json", False),
        ("bom.json", False),
        ("my-package.json", False),
    ],
)
def test_matches_file_names(name: str, expected: bool) -> None:
    assert LOADER.matches(name) is expected


def test_project_and_publishes() -> None:
    result = parse_web()
    (project,) = records_of(result, Project)
    assert project.key == "acme/apps/web#pkg:npm/%40acme/web"
    assert project.purl == "pkg:npm/%40acme/web@1.2.0"
    assert project.name == "@acme/web" and project.kind == "library"
    assert records_of(result, Publishes) == [Publishes(project.key, "pkg:npm/%40acme/web")]
    assert result.warnings == []


def test_specs_become_declared_or_links() -> None:
    result = parse_web()
    declared = {d.package: d for d in records_of(result, Declared)}
    assert declared["pkg:npm/lodash"].range == "^4.17.21"
    assert declared["pkg:npm/lodash"].location.line == 5
    assert declared["pkg:npm/left-pad"].range == "^1.3.0"  # alias on the real package
    assert "pkg:npm/left" not in declared
    assert declared["pkg:npm/gitdep"].range is None
    assert declared["pkg:npm/gitdep"].unresolved == "github:acme/gitdep#v1"
    ts = declared["pkg:npm/typescript"]
    assert (ts.range, ts.scope, ts.version_location.path) == ("^5.4.0", "dev", ".yarnrc.yml")
    assert declared["pkg:npm/react"].scope == "peer" and declared["pkg:npm/react"].optional is True
    assert declared["pkg:npm/fsevents"].scope == "optional" and declared["pkg:npm/fsevents"].optional is True
    links = {(p.target, p.spec) for p in records_of(result, ProjectDependency)}
    assert links == {
        ("acme/packages/ui#pkg:npm/%40acme/ui", "workspace:^"),
        ("acme/apps/local#pkg:npm/local-lib", "file:../local"),
    }


def test_without_context_workspace_spec_is_declared_with_a_warning() -> None:
    result = LOADER.parse(WEB, Source("acme", "apps/web/package.json", "web/package.json"))
    ui = next(d for d in records_of(result, Declared) if d.package == "pkg:npm/%40acme/ui")
    assert ui.range is None and ui.unresolved == "workspace:^"
    assert any("workspace:^ names no workspace package" in w.message for w in result.warnings)
    local = next(d for d in records_of(result, Declared) if d.package == "pkg:npm/local")
    assert local.unresolved == "file:../local"
    ts = next(d for d in records_of(result, Declared) if d.package == "pkg:npm/typescript")
    assert ts.range is None and ts.unresolved == "catalog:"


def test_overrides_resolutions_and_pnpm_overrides() -> None:
    got = {(c.package, c.range, c.mechanism) for c in records_of(parse_web(), Constrains)}
    assert got == {
        ("pkg:npm/minimist", "1.2.8", "npm-override"),
        ("pkg:npm/foo", "2.0.0", "npm-override"),
        ("pkg:npm/bar", "^4.17.21", "npm-override"),  # $lodash -> the root's own spec
        ("pkg:npm/%40types/node", "20.0.0", "yarn-resolution"),
        ("pkg:npm/c", "^2", "pnpm-override"),  # npm:c@^2 alias -> the real package
    }


def test_workspace_root_links_its_members_only() -> None:
    ctx = workspace_context()
    result = LOADER.parse(ctx.read("acme", "package.json"), Source("acme", "package.json", "package.json"), ctx)
    (project,) = records_of(result, Project)
    assert project.kind == "application" and records_of(result, Publishes) == []
    targets = {p.target for p in records_of(result, ProjectDependency) if p.spec == "workspace-member"}
    assert targets == {
        "acme/apps/web#pkg:npm/%40acme/web",
        "acme/apps/local#pkg:npm/local-lib",
        "acme/packages/ui#pkg:npm/%40acme/ui",
    }


def test_plain_range_links_a_sibling_only_when_satisfied() -> None:
    text = json.dumps({"name": "x", "dependencies": {"@acme/ui": "^3.0.0", "local-lib": "^1.0.0"}})
    ctx = workspace_context({"apps/x/package.json": text})
    result = LOADER.parse(text, Source("acme", "apps/x/package.json", "x"), ctx)
    assert [p.target for p in records_of(result, ProjectDependency)] == ["acme/packages/ui#pkg:npm/%40acme/ui"]
    assert [d.package for d in records_of(result, Declared)] == ["pkg:npm/local-lib"]  # 0.0.1 does not satisfy ^1


def test_no_name_is_generic_by_directory() -> None:
    result = LOADER.parse('{"private": true, "dependencies": {"a": "1"}}', Source("r", "svc/api/package.json", "p"))
    (project,) = records_of(result, Project)
    assert project.key == "r/svc/api#pkg:generic/api"
    assert records_of(result, Publishes) == []


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "malformed JSON"),
        ('{"name": "a",\n "dependencies": {\n', "malformed JSON"),
        ("[1, 2]", "top level is not an object"),
        ('"name"', "top level is not an object"),
        ("[" * 100_000, "malformed JSON|nested too deeply"),
    ],
)
def test_bad_input_is_a_parse_error_with_path_and_line(text: str, reason: str) -> None:
    with pytest.raises(ParseError) as info:
        LOADER.parse(text, Source("r", "package.json", "repo/package.json"))
    assert str(info.value).startswith("repo/package.json:")
    assert any(part in str(info.value) for part in reason.split("|"))


@pytest.mark.parametrize(
    ("text", "warning"),
    [
        ('{"name": 5}', "invalid package name 5"),
        ('{"name": "a", "dependencies": []}', "dependencies is not an object"),
        ('{"name": "a", "dependencies": {"b": 1}}', "is not a string"),
        ('{"name": "a", "dependencies": {"": "1"}}', "invalid package name ''"),
        ('{"name": "a",\n "dependencies": {"b": "1"},\n "dependencies": {"c": "2"}}', "duplicate key 'dependencies'"),
        ('{"name": "a", "overrides": {"b": 3}}', "value is not a string"),
    ],
)
def test_usable_but_odd_input_is_a_warning(text: str, warning: str) -> None:
    result = LOADER.parse(text, Source("r", "package.json", "repo/package.json"))
    assert any(warning in str(w) and str(w).startswith("repo/package.json:") for w in result.warnings)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=8), c, max_size=3),
    max_leaves=20,
)
specs = st.sampled_from(
    ["^1", "workspace:*", "catalog:", "npm:x@1", "npm:", "file:../a", "link:/abs", "github:a/b", "a/b#c", "$a", "*", ""]
) | st.text(max_size=12)
dep_maps = st.dictionaries(
    st.sampled_from(["a", "@s/b", "", "@x", "A B", "c"]) | st.text(max_size=6), specs | json_values, max_size=4
)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    doc=st.fixed_dictionaries(
        {},
        optional={
            "name": st.sampled_from(["a", "@s/a", "", "@bad"]) | json_values,
            "version": json_values,
            "private": json_values,
            "dependencies": dep_maps | json_values,
            "devDependencies": dep_maps,
            "peerDependencies": dep_maps,
            "peerDependenciesMeta": json_values,
            "bundleDependencies": json_values,
            "workspaces": json_values,
            "overrides": json_values | dep_maps,
            "resolutions": dep_maps | json_values,
            "pnpm": json_values,
        },
    )
)
def test_fuzz_never_crashes(doc) -> None:
    try:
        result = LOADER.parse(json.dumps(doc), Source("r", "a/package.json", "a/package.json"), workspace_context())
    except ParseError:
        return
    assert len(records_of(result, Project)) == 1


# ------------------------------------------------------------------------------------------- corpus


def corpus_context(root: Path) -> StaticContext:
    files = {}
    for p in root.rglob("*"):
        if p.name in ("package.json", "pnpm-workspace.yaml", ".yarnrc.yml") and "node_modules" not in p.parts:
            files[("r", p.relative_to(root).as_posix())] = p.read_text(encoding="utf-8")
    return StaticContext(files)


def parse_corpus(root: Path, rel: str):
    ctx = corpus_context(root)
    return LOADER.parse(ctx.read("r", rel), Source("r", rel, str(root / rel)), ctx)


@pytest.mark.corpus
def test_metro_cycle_is_two_project_links(corpus: Path) -> None:
    root = corpus / "facebook__metro"
    metro = parse_corpus(root, "packages/metro/package.json")
    config = parse_corpus(root, "packages/metro-config/package.json")
    assert ProjectDependency in {type(r) for r in metro.records}
    m2c = [
        p for p in records_of(metro, ProjectDependency) if p.target == "r/packages/metro-config#pkg:npm/metro-config"
    ]
    c2m = [p for p in records_of(config, ProjectDependency) if p.target == "r/packages/metro#pkg:npm/metro"]
    assert [(p.spec, p.scope) for p in m2c] == [("0.84.4", "runtime")]
    assert [(p.spec, p.scope) for p in c2m] == [("0.84.4", "runtime")]
    assert not any(d.package == "pkg:npm/metro-config" for d in records_of(metro, Declared))
    assert metro.warnings == [] and config.warnings == []


@pytest.mark.corpus
def test_opentelemetry_sdk_trace_base_pins_core(corpus: Path) -> None:
    result = parse_corpus(
        corpus / "open-telemetry__opentelemetry-js", "packages/opentelemetry-sdk-trace-base/package.json"
    )
    core = [p for p in records_of(result, ProjectDependency) if p.target.endswith("#pkg:npm/%40opentelemetry/core")]
    assert [(p.target, p.spec, p.scope) for p in core] == [
        ("r/packages/opentelemetry-core#pkg:npm/%40opentelemetry/core", "2.10.0", "runtime")
    ]
    api = [
        p
        for p in records_of(result, ProjectDependency)
        if p.target == "r/api#pkg:npm/%40opentelemetry/api" and p.scope == "peer"
    ]
    assert [p.spec for p in api] == [">=1.3.0 <1.10.0"]
    assert result.warnings == []


@pytest.mark.corpus
def test_deps_from_git_six_forms_are_unresolved(corpus: Path) -> None:
    root = corpus / "CycloneDX__cyclonedx-node-npm"
    rel = "demo/deps-from-git/project/package.json"
    doc = json.loads((root / rel).read_text())
    expected = {k: v for k, v in (doc.get("dependencies") or {}).items()}
    result = parse_corpus(root, rel)
    got = {d.package.split("/")[-1]: d for d in records_of(result, Declared) if d.raw_scope == "dependencies"}
    assert len(expected) >= 6
    for name, spec in expected.items():
        assert got[name.split("/")[-1]].range is None
        assert got[name.split("/")[-1]].unresolved == spec


@pytest.mark.corpus
def test_every_corpus_package_json_loads_without_warnings(corpus: Path) -> None:
    for group in (
        "facebook__metro",
        "babel__babel",
        "open-telemetry__opentelemetry-js",
        "CycloneDX__cyclonedx-node-npm",
    ):
        root = corpus / group
        ctx = corpus_context(root)
        for src in ctx.sources():
            if not src.path.endswith("package.json"):
                continue
            result = LOADER.parse(ctx.read("r", src.path), src, ctx)
            assert result.warnings == [], (group, src.path, result.warnings)


@pytest.mark.corpus
def test_babel_workspace_caret_links(corpus: Path) -> None:
    root = corpus / "babel__babel"
    result = parse_corpus(root, "packages/babel-core/package.json")
    links = {p.target: p.spec for p in records_of(result, ProjectDependency)}
    assert links["r/packages/babel-parser#pkg:npm/%40babel/parser"] == "workspace:^"
    assert not any(d.unresolved and d.unresolved.startswith("workspace:") for d in records_of(result, Declared))


def test_pnpm_override_selectors_keep_their_version_range() -> None:
    """``pnpm.overrides`` keys with a version range or a parent (issue 12, finding 8: the range's ``>``
    was read as a parent separator and the override dropped with a warning)."""
    doc = {
        "name": "root",
        "private": True,
        "pnpm": {
            "overrides": {
                "rollup@>=4.0.0 <4.22.4": ">=4.22.4",
                "vite>esbuild": "0.25.0",
                "foo@1>bar@<2": "2.0.1",
                "@babel/traverse": "7.23.2",
            }
        },
    }
    text = json.dumps(doc, indent=2)
    result = LOADER.parse(text, Source("acme", "package.json", "package.json"), StaticContext({}))
    got = {(c.package, c.range, c.selector, c.location.line) for c in records_of(result, Constrains)}
    assert got == {
        ("pkg:npm/rollup", ">=4.22.4", "rollup@>=4.0.0 <4.22.4", 6),
        ("pkg:npm/esbuild", "0.25.0", "vite>esbuild", 7),
        ("pkg:npm/bar", "2.0.1", "foo@1>bar@<2", 8),
        ("pkg:npm/%40babel/traverse", "7.23.2", None, 9),
    }
    assert result.warnings == []
