"""Table tests of the exposure verdict rules (:func:`planner.exposure.rules.assess`) with no store: each case
is a set of facts written by hand, modelled on a Maven multi-module build (an ``app`` consuming an internal
``core`` library, as spring-petclinic-microservices' services consume their shared modules) or an npm
project, and the verdicts were written from the facts before running."""

from __future__ import annotations

from dataclasses import replace

import pytest

from planner import environments
from planner.dependents import Dependent
from planner.exposure import ExposureReport, affected_from_spec, rules
from planner.exposure.facts import Declaration, ExposureFacts, PackageFacts, ProjectLink, Resolution

LOG4J = "pkg:maven/org.apache.logging.log4j/log4j-core"
LOG4SHELL = affected_from_spec(f"{LOG4J}@<2.15.0")
LODASH = "pkg:npm/lodash"
LODASH_MERGE = affected_from_spec(f"{LODASH}@<4.17.20")
CORE_PKG = "pkg:maven/com.acme/core"


def dep(key: str, depth: int = 1) -> Dependent:
    """A dependent as the breadth-first walk reports it (its name is its key)."""
    return Dependent(key, key, "acme/repo", depth == 1, "declares", None, depth, None, None)


def link(consumer: str, provider: str, scope: str | None = "compile", **kw: object) -> ProjectLink:
    """``consumer`` declares the package ``provider`` publishes."""
    return ProjectLink(consumer, provider, "declares", CORE_PKG, scope, file=f"{consumer}/pom.xml", line=30, **kw)  # type: ignore[arg-type]


def resolves(project: str, version: str, scope: str | None = "compile", depth: int = 1) -> Resolution:
    """``project`` resolves ``version`` of the target (a resolved tree or lockfile line)."""
    return Resolution(project, version, scope, depth, f"{project}/deps.txt", 3)


def facts(package: str, deps: list[str], *items: Resolution | Declaration | ProjectLink) -> ExposureFacts:
    """The facts about one package: its dependents and what they resolve, declare and link."""
    return ExposureFacts(
        {
            package: PackageFacts(
                package,
                dependents=tuple(dep(k) for k in deps),
                resolutions=tuple(i for i in items if isinstance(i, Resolution)),
                declarations=tuple(i for i in items if isinstance(i, Declaration)),
                links=tuple(i for i in items if isinstance(i, ProjectLink)),
            )
        }
    )


CASES = {
    "resolves an affected version at runtime": (
        facts(LOG4J, ["app"], resolves("app", "2.14.1")),
        {"app": ("exposed", "resolves affected 2.14.1")},
    ),
    "resolves a fixed version": (
        facts(LOG4J, ["app"], resolves("app", "2.17.1")),
        {"app": ("not-exposed", "resolves only unaffected 2.17.1")},
    ),
    "test-only: the affected version only in test scope": (
        facts(LOG4J, ["app"], resolves("app", "2.14.1", scope="test")),
        {"app": ("exposed-test-only", "affected 2.14.1 only in test")},
    ),
    "an exact declared version is what it gets": (
        facts(LOG4J, ["app"], Declaration("app", range="2.14.1", scope="compile")),
        {"app": ("exposed", "declares affected 2.14.1")},
    ),
    "declared-range-allows: the range admits 4.17.0, the lock resolves 4.17.21": (
        facts(LODASH, ["web"], Declaration("web", range="^4.17.0"), resolves("web", "4.17.21", scope=None)),
        {"web": ("declared-range-allows", "declares ^4.17.0, which admits affected versions; resolves safe ones")},
    ),
    "a declared range admitting no affected version": (
        facts(LODASH, ["web"], Declaration("web", range="^4.17.21")),
        {"web": ("not-exposed", "declares ^4.17.21, which admits no affected version")},
    ),
    "unknown: a range and nothing resolved": (
        facts(LODASH, ["web"], Declaration("web", range=">=4.0.0")),
        {"web": ("unknown", "declares >=4.0.0 and nothing says which version resolves")},
    ),
    "unknown: declared without a version": (
        facts(LOG4J, ["app"], Declaration("app", unresolved=None, scope="compile")),
        {"app": ("unknown", "declared without a version that can be resolved statically")},
    ),
    "inherited through an internal library": (
        facts(LOG4J, ["core", "app"], resolves("core", "2.14.1"), link("app", "core")),
        {"core": ("exposed", "resolves affected 2.14.1"), "app": ("exposed", "through core (exposed)")},
    ),
    "scope transitivity: a test edge to the library makes it test-only": (
        facts(LOG4J, ["core", "app"], resolves("core", "2.14.1"), link("app", "core", scope="test")),
        {
            "core": ("exposed", "resolves affected 2.14.1"),
            "app": ("exposed-test-only", "through core (exposed-test-only)"),
        },
    ),
    "scope transitivity: a library's test dependency is not its consumers' concern": (
        facts(LOG4J, ["core", "app"], resolves("core", "2.14.1", scope="test"), link("app", "core")),
        {
            "core": ("exposed-test-only", "affected 2.14.1 only in test"),
            "app": ("unknown", "reached only through dependency metadata"),
        },
    ),
    "two hops: app -> web -> core": (
        facts(LOG4J, ["core", "web", "app"], resolves("core", "2.14.1"), link("web", "core"), link("app", "web")),
        {
            "core": ("exposed", "resolves affected 2.14.1"),
            "web": ("exposed", "through core (exposed)"),
            "app": ("exposed", "through web (exposed)"),
        },
    ),
    "exclusions: the consumer excludes the package from the library": (
        facts(
            LOG4J,
            ["core", "app"],
            resolves("core", "2.14.1"),
            link("app", "core", exclusions=("org.apache.logging.log4j:*",)),
        ),
        {
            "core": ("exposed", "resolves affected 2.14.1"),
            "app": ("unknown", "reached only through dependency metadata"),
        },
    ),
    "own evidence beats what the library passes on": (
        facts(LOG4J, ["core", "app"], resolves("core", "2.14.1"), resolves("app", "2.17.1"), link("app", "core")),
        {"core": ("exposed", "resolves affected 2.14.1"), "app": ("not-exposed", "resolves only unaffected 2.17.1")},
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_verdict_rules(case: str) -> None:
    given, expected = CASES[case]
    affected = LODASH_MERGE if LODASH in given.packages else LOG4SHELL
    judged = rules.assess(given, affected)
    assert {p.project: (p.verdict, p.reason) for p in judged.projects} == expected
    assert judged.problems == []


def test_inherited_verdict_names_the_library_path_and_the_line_to_change() -> None:
    given = facts(LOG4J, ["core", "app"], resolves("core", "2.14.1"), link("app", "core"))
    app = next(p for p in rules.assess(given, LOG4SHELL).projects if p.project == "app")
    assert (app.direct, app.via, app.paths) == (False, ["core"], [["app", "core", LOG4J]])
    assert app.change_at == "app/pom.xml:30"
    assert app.recommended == "2.15.0"


def test_worst_verdict_first_and_links_of_followed_edges_only() -> None:
    given = facts(
        LOG4J,
        ["core", "app", "tool"],
        resolves("core", "2.14.1"),
        link("app", "core"),
        link("tool", "core", exclusions=("*:log4j-core",)),
        resolves("tool", "2.17.1"),
    )
    judged = rules.assess(given, LOG4SHELL)
    assert [p.project for p in judged.projects] == ["app", "core", "tool"]  # exposed (by name), then safe
    assert [(x["consumer"], x["provider"]) for x in judged.links] == [("app", "core")]


def test_env_filter_keeps_what_runs_there_and_what_runs_nowhere_known() -> None:
    given = facts(
        LOG4J, ["core", "api", "batch", "ui"], *(resolves(k, "2.14.1") for k in ("core", "api", "batch", "ui"))
    )
    projects = rules.assess(given, LOG4SHELL).projects
    kinds = {"core": "library", "api": "application", "batch": "application", "ui": "application"}
    envs = {"api": ["prod"], "batch": ["staging"], "ui": [None]}
    decorated = [
        replace(p, kind=kinds[p.project], services=[{"environment": e} for e in envs.get(p.project, [])])
        for p in projects
    ]
    report = ExposureReport(["x"], LOG4SHELL, decorated, [])
    environments.keep_environment(report, "prod")
    assert sorted((p.project, p.environment_unknown) for p in report.projects) == [("api", False), ("ui", True)]
