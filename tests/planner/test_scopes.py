"""Scope transitivity (issue 12, finding 1): one rule in planner.scopes, and dependents, exposure and why
agree on a reactor shaped like apache/struts (tests/fixtures/scope/struts-reactor)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner import exposure, scopes, version_spread, why
from planner.cli import cli
from planner.dependents import find_dependents
from planner.ingest import ingest
from tests.conftest import FIXTURES

LOG4J = "pkg:maven/org.apache.logging.log4j/log4j-core"
STRUTS = FIXTURES / "scope" / "struts-reactor"
KEY = "struts-reactor/{}#pkg:maven/org.apache.struts/{}"


@pytest.mark.parametrize(
    ("ecosystem", "scope", "optional", "passes"),
    [
        ("maven", "runtime", False, True),
        ("maven", "runtime", True, False),  # <optional>true</optional>
        ("maven", "test", False, False),
        ("maven", "provided", False, False),
        ("maven", "build", False, False),  # Gradle tool classpaths, Maven plugin dependencies
        ("maven", None, False, True),
        ("maven", "unknown", False, True),  # never turn exposed into safe
        ("npm", "dev", False, False),
        ("npm", "optional", False, True),  # optionalDependencies are installed
        ("npm", "peer", False, True),
        ("pypi", "optional", False, False),  # an extra: only when the consumer asks for it
        ("pypi", "dev", False, False),
        ("cargo", "dev", False, False),
        ("cargo", "build", False, True),  # build-dependencies of a dependency are compiled too
        ("cargo", "runtime", True, True),  # an optional crate: whenever a feature enables it (ripgrep's pcre2)
        ("golang", "test", False, False),
        ("golang", "runtime", False, True),
        ("generic", "test", False, False),
        ("generic", "provided", False, True),
    ],
)
def test_passes_on(ecosystem: str, scope: str | None, optional: bool, passes: bool) -> None:
    assert scopes.passes_on(ecosystem, scope, optional) is passes


@pytest.mark.parametrize(
    ("outer", "inner", "composed"),
    [
        ("runtime", "runtime", "runtime"),
        (None, None, "runtime"),
        ("test", "runtime", "test"),
        ("provided", "runtime", "provided"),
        ("runtime", "build", "build"),
        ("dev", "build", "dev"),
        ("runtime", "unknown", "unknown"),
    ],
)
def test_compose(outer: str | None, inner: str | None, composed: str) -> None:
    assert scopes.compose(outer, inner) == composed


def test_ecosystem_of_keys() -> None:
    assert scopes.ecosystem_of("r/core#pkg:maven/org.apache.struts/struts2-core") == "maven"
    assert scopes.ecosystem_of("pkg:npm/%40babel/core@7.0.0") == "npm"


# Written by hand from the fixture's POMs before running: (artifact, verdict, scope, change_at).
# core has log4j-core only at test scope: nothing of it reaches json, rest (through convention's optional
# log4j-core), cdi (through jasperreports' provided tiles) or showcase (spring's tiles is optional).
EXPECTED = [
    ("struts2-convention-plugin", "exposed", "runtime", "pom.xml:19"),
    ("struts2-rest-showcase", "exposed", "runtime", "pom.xml:19"),
    ("struts2-tiles-plugin", "exposed", "runtime", "pom.xml:19"),
    ("struts2-jasperreports-plugin", "exposed", "provided", "plugins/jasperreports/pom.xml:15"),
    ("struts2-spring-plugin", "exposed", "runtime", "plugins/spring/pom.xml:15"),
    ("struts2-core", "exposed-test-only", "test", "pom.xml:19"),
    ("struts2-testng-plugin", "exposed-test-only", "test", "plugins/testng/pom.xml:20"),
]


@pytest.fixture()
def struts(store):
    ingest(store, [STRUTS])
    return store


def test_exposure_follows_maven_scope_mediation(struts) -> None:
    report = exposure.assess(struts, exposure.affected_from_spec(f"{LOG4J}@<2.15.0"))
    got = sorted(
        ((p.name.split(":")[1], p.verdict, p.scope, p.change_at) for p in report.projects),
        key=lambda r: (exposure.RANK[r[1]], r[0]),
    )
    assert got == sorted(EXPECTED, key=lambda r: (exposure.RANK[r[1]], r[0]))
    by = {p.name.split(":")[1]: p for p in report.projects}
    assert by["struts2-spring-plugin"].via == [KEY.format("plugins/tiles", "struts2-tiles-plugin")]
    assert by["struts2-testng-plugin"].via == [KEY.format("plugins/tiles", "struts2-tiles-plugin")]
    assert by["struts2-testng-plugin"].reason == "through org.apache.struts:struts2-tiles-plugin (exposed-test-only)"
    for p in report.projects:  # a verdict and a scope never contradict each other
        assert (p.verdict == "exposed-test-only") == (p.scope in ("test", "dev", "build")), p.name


def test_dependents_lists_exactly_what_exposure_assesses(struts) -> None:
    result = find_dependents(struts, LOG4J)
    got = {(d.name.split(":")[1], d.scope, d.location) for d in result.dependents}
    assert got == {
        ("struts2-core", "test", "core/pom.xml:19"),  # the <artifactId> line, as exposure's evidence
        ("struts2-convention-plugin", "runtime", "plugins/convention/pom.xml:20"),
        ("struts2-tiles-plugin", "runtime", "plugins/tiles/pom.xml:20"),
        ("struts2-rest-showcase", "runtime", "apps/rest-showcase/pom.xml:20"),
        ("struts2-spring-plugin", "runtime", "plugins/spring/pom.xml:15"),
        ("struts2-testng-plugin", "test", "plugins/testng/pom.xml:20"),
        ("struts2-jasperreports-plugin", "provided", "plugins/jasperreports/pom.xml:15"),
    }
    report = exposure.assess(struts, exposure.affected_from_spec(f"{LOG4J}@<2.15.0"))
    assert {d.project for d in result.dependents} == {p.project for p in report.projects}
    evidence = {e.location for p in report.projects for e in p.evidence}
    assert "core/pom.xml:19" in evidence and "plugins/tiles/pom.xml:20" in evidence


def test_why_shows_the_scope_of_every_hop(struts) -> None:
    result = why.why(struts, KEY.format("plugins/testng", "struts2-testng-plugin"), LOG4J)
    assert [[(s["kind"], s["scope"], s["location"]) for s in path] for path in result.paths] == [
        [
            ("project", "test", "plugins/testng/pom.xml:20"),
            ("project", None, None),
            ("declaration", "runtime", "plugins/tiles/pom.xml:20"),
        ]
    ]
    # json depends on core, whose log4j-core is test-scoped: no route passes it on
    assert why.why(struts, KEY.format("plugins/json", "struts2-json-plugin"), LOG4J).paths == []
    own = why.why(struts, KEY.format("core", "struts2-core"), LOG4J).paths
    assert [[(s["kind"], s["scope"]) for s in path] for path in own] == [[("project", None), ("declaration", "test")]]


def test_a_tool_classpath_is_not_shipped(store) -> None:
    """Issue 12, finding 4: log4j-core 2.14.1 locked only for the spotbugs configuration (SpotBugs 4.5.0's
    own classpath) is build scope: exposed-test-only, never exposed (before: scope unknown, exposed)."""
    ingest(store, [FIXTURES / "scope" / "gradle-tools"])
    report = exposure.assess(store, exposure.affected_from_spec(f"{LOG4J}@<2.15.0"))
    assert [(p.verdict, p.scope, p.change_at) for p in report.projects] == [
        ("exposed-test-only", "build", "app/gradle.lockfile:8")
    ]
    assert not any(p.verdict == "exposed" for p in report.projects)


def test_maven_plugin_dependencies_are_build_scope(store) -> None:
    """A build plugin's <dependencies> are on the plugin's classpath, not in the artifact (finding 4)."""
    ingest(store, [FIXTURES / "scope" / "maven-plugin"])
    report = exposure.assess(store, exposure.affected_from_spec(f"{LOG4J}@<2.15.0"))
    assert [(p.name, p.verdict, p.scope, p.change_at) for p in report.projects] == [
        ("org.apache.shiro.samples:samples-aspectj", "exposed-test-only", "build", "pom.xml:13")
    ]
    (ev,) = report.projects[0].evidence
    assert (ev.location, ev.version) == ("pom.xml:45", "2.14.1")  # <artifactId>log4j-core</artifactId>
    rows = store.query("list_declarations", {"package": "pkg:maven/org.aspectj/aspectjtools"})
    assert [(r["scope"], r["raw_scope"], r["line"]) for r in rows] == [("build", "plugin:aspectj-maven-plugin", 33)]


def test_npm_dev_dependencies_stay_with_their_package(store) -> None:
    """An npm workspace shaped like open-telemetry/opentelemetry-js: core has lodash.merge only in its
    devDependencies, lint in its dependencies; optional and dev links between members. Written by hand:
    (name, verdict, scope, via)."""
    ingest(store, [FIXTURES / "scope" / "npm-workspace"])
    report = exposure.assess(store, exposure.affected_from_spec("pkg:npm/lodash.merge@<4.6.2"))
    got = {(p.name, p.verdict, p.scope, tuple(v.split("#")[0] for v in p.via)) for p in report.projects}
    assert got == {
        ("@otel/core", "exposed-test-only", "dev", ()),
        ("@otel/lint", "exposed", "runtime", ()),
        ("@otel/app", "exposed-test-only", "dev", ("npm-workspace/packages/lint",)),
        ("@otel/web", "exposed", "optional", ("npm-workspace/packages/lint",)),
        # web's optional lint is installed for site too, and npm marks it optional there as well
        ("@otel/site", "exposed", "optional", ("npm-workspace/packages/web",)),
        ("@otel/sdk", "not-exposed", "runtime", ()),  # its own 4.6.2 is what it gets
        # the workspace root links every member (what it installs); the nearest members with a verdict
        ("opentelemetry-js-root", "exposed", "runtime", ("npm-workspace/packages/lint", "npm-workspace/packages/sdk")),
    }
    # exporter and plugin only reach lodash.merge through core's devDependencies: not dependents at all
    names = {d.name for d in find_dependents(store, "pkg:npm/lodash.merge").dependents}
    assert names == {p.name for p in report.projects}


def test_versions_counts_declared_only_uses(struts) -> None:
    """Issue 12, finding 8: nothing resolves log4j-core (no lockfile, no SBOM), four modules declare
    2.14.1 themselves: one row, marked declared, instead of an empty table."""
    result = version_spread.version_spread(struts, LOG4J)
    assert result.versions == []
    assert [(v.version, len(v.projects), v.repos) for v in result.declared_versions] == [
        ("2.14.1", 4, ["struts-reactor"])
    ]
    scopes_by_project = {d["project"].split("#")[0].split("/")[-1]: d["scope"] for d in result.declared_only}
    assert scopes_by_project == {
        "rest-showcase": "runtime",
        "core": "test",
        "convention": "runtime",
        "tiles": "runtime",
    }
    doc = result.as_dict()
    assert doc["declared_versions"][0]["projects"] == 4 and doc["versions"] == []


def test_maven_parent_dependencies_are_inherited(store) -> None:
    """A parent's own <dependencies> are every child's (tests/fixtures/scope/struts-inherit, written by
    hand): json inherits log4j-core at test scope from plugins/pom.xml, tiles overrides it at runtime, the
    showcase gets it only through tiles. Locations are the parent's <artifactId> line."""
    ingest(store, [FIXTURES / "scope" / "struts-inherit"])
    report = exposure.assess(store, exposure.affected_from_spec(f"{LOG4J}@<2.15.0"))
    got = {
        (p.name.split(":")[1], p.verdict, p.scope, p.change_at, tuple(e.location for e in p.evidence))
        for p in report.projects
    }
    assert got == {
        ("struts2-plugins", "exposed-test-only", "test", "pom.xml:19", ("plugins/pom.xml:25",)),
        ("struts2-json-plugin", "exposed-test-only", "test", "pom.xml:19", ("plugins/pom.xml:25",)),
        ("struts2-tiles-plugin", "exposed", "runtime", "pom.xml:19", ("plugins/tiles/pom.xml:15",)),
        ("struts2-showcase", "exposed", "runtime", "apps/showcase/pom.xml:21", ()),
    }
    rows = store.query("list_declarations", {"package": "pkg:maven/org.apache.struts/struts2-core"})
    assert sorted((r["project"].split("#")[0], r["scope"], r["file"], r["line"]) for r in rows) == [
        ("struts-inherit/plugins", "provided", "plugins/pom.xml", 20),
        ("struts-inherit/plugins/json", "provided", "plugins/pom.xml", 20),
        ("struts-inherit/plugins/tiles", "provided", "plugins/pom.xml", 20),
    ]


@pytest.mark.corpus
def test_corpus_ripgrep_regex_is_only_a_dev_dependency(store, corpus) -> None:
    """BurntSushi/ripgrep: only grep-matcher and grep-searcher declare regex, both under
    [dev-dependencies] (crates/matcher/Cargo.toml:22, crates/searcher/Cargo.toml:28), so no workspace
    member reaches it through them (before: grep, grep-pcre2, grep-printer and grep-regex were
    'via-library' at runtime scope). What Cargo.lock attributes to each member (scope unknown) is its own
    evidence and stays."""
    ingest(store, [corpus / "BurntSushi__ripgrep"])
    deps = find_dependents(store, "pkg:cargo/regex").dependents
    declared = {(d.name, d.scope, d.location) for d in deps if d.relation == "declares"}
    assert declared == {
        ("grep-matcher", "dev", "crates/matcher/Cargo.toml:22"),
        ("grep-searcher", "dev", "crates/searcher/Cargo.toml:28"),
    }
    assert [d.name for d in deps if d.relation in ("via-library", "via-metadata")] == []
    assert all(d.scope in ("dev", "unknown") for d in deps)


@pytest.mark.corpus
def test_corpus_struts_plugins_inherit_log4j_core_at_test_scope(store, corpus) -> None:
    """apache/struts: core declares log4j-core at test scope (core/pom.xml:263) and plugins/pom.xml
    declares it at test scope for every plugin (:82); the two showcase applications declare it
    themselves. assembly and apps reached it only through core's test scope before (6 dependents)."""
    ingest(store, [corpus / "apache__struts"])
    deps = find_dependents(store, LOG4J).dependents
    by_scope: dict[str, set[str]] = {}
    for d in deps:
        by_scope.setdefault(d.scope or "", set()).add(d.name.split(":")[1])
    assert by_scope["runtime"] == {"struts2-showcase", "struts2-rest-showcase"}
    assert "struts2-core" in by_scope["test"] and "struts2-plugins" in by_scope["test"]
    assert len(by_scope["test"]) == 19  # core, the plugins aggregator and its 17 plugins
    assert not {"struts2-assembly", "struts2-apps"} & {d.name.split(":")[1] for d in deps}
    locations = {d.location for d in deps if d.scope == "test"}
    assert locations == {"core/pom.xml:263", "plugins/pom.xml:82"}


def test_plan_edits_and_builds_exactly_the_exposed_modules(struts, data_dir: Path) -> None:
    """The plan is built on exposure, so it agrees: one edit of the root property (pom.xml:19) and one
    build for the seven modules exposure lists; json, rest, cdi and showcase are in no step."""
    res = CliRunner().invoke(
        cli,
        ["--data-dir", str(data_dir), "plan", "--package", LOG4J, "--fixed", "2.15.0", "--offline", "--format", "json"],
    )
    assert res.exit_code == 0, res.output
    steps = json.loads(res.output)["steps"]
    members = {m.split("#")[0].removeprefix("struts-reactor/") for s in steps for m in s["members"]}
    assert members == {d for _, d, *_ in DIRS}
    edits = [s for s in steps if s["kind"] == "edit"]
    assert [(s["location"], len(s["members"])) for s in edits] == [("pom.xml:19", 7)]


DIRS = [
    ("struts2-convention-plugin", "plugins/convention"),
    ("struts2-rest-showcase", "apps/rest-showcase"),
    ("struts2-tiles-plugin", "plugins/tiles"),
    ("struts2-jasperreports-plugin", "plugins/jasperreports"),
    ("struts2-spring-plugin", "plugins/spring"),
    ("struts2-core", "core"),
    ("struts2-testng-plugin", "plugins/testng"),
]


def test_python_extras_and_groups_stay_with_their_package(store) -> None:
    """tests/fixtures/scope/python-extras (pallets/flask shape): asgiref is only in Flask's "async" extra
    and its tests group; the tutorial asks for plain flask, so it does not get asgiref (before: exposed
    through Flask). Written by hand: Flask is exposed through the extra (scope optional) and the group."""
    ingest(store, [FIXTURES / "scope" / "python-extras"])
    report = exposure.assess(store, exposure.affected_from_spec("pkg:pypi/asgiref@<3.4.1"))
    assert [(p.name, p.verdict, p.scope) for p in report.projects] == [("flask", "exposed", "optional")]
    assert {d.name for d in find_dependents(store, "pkg:pypi/asgiref").dependents} == {"flask"}
