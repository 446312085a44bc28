"""Build units: a reactor, multi-project build or workspace is one unit in the plan (expected answers by hand).

The end-to-end fixture ``tests/fixtures/plan/reactor`` is shaped like apache/struts 2.5.x in December 2021:
the root POM defines ``<log4j2.version>2.14.1</log4j2.version>`` (line 22) and manages log4j-core and the
Struts modules at ``${project.version}``; six modules declare log4j-core (core, the convention, json and
rest plugins, the two showcase wars); eleven plugins get it only through struts2-core. ``acme-portal``, in
its own repository, consumes the released struts2-core and struts2-json-plugin and runs in staging and prod.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner import build_units
from planner.build_units import ProjectInfo
from planner.cli import EXIT_FINDINGS, cli
from tests.conftest import EXAMPLES, FIXTURES

ADVISORY = str(EXAMPLES / "security" / "advisories" / "GHSA-jfh8-c2jp-5v3q.json")
REACTOR = FIXTURES / "plan" / "reactor"
DIRECT = ["core", "convention", "json", "rest", "showcase", "rest-showcase"]
THROUGH_CORE = [
    "bean-validation",
    "cdi",
    "config-browser",
    "jasperreports",
    "javatemplates",
    "jfreechart",
    "junit",
    "osgi",
    "spring",
    "testng",
    "tiles",
]
UNIT = "struts/apps/rest-showcase#pkg:maven/org.apache.struts/struts2-rest-showcase"  # first member by key
PORTAL = "acme-portal/.#pkg:maven/com.acme.portal/acme-portal"


def _artifact(module: str) -> str:
    return {"core": "struts2-core", "showcase": "struts2-showcase", "rest-showcase": "struts2-rest-showcase"}.get(
        module, f"struts2-{module}-plugin"
    )


@pytest.fixture()
def run(store, data_dir: Path):
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, ["--data-dir", str(data_dir), *args])

    loaded = invoke("ingest", str(REACTOR), str(EXAMPLES / "security"))
    assert loaded.exit_code == 0, loaded.output
    return invoke


def test_struts_reactor_is_one_edit_one_build_one_publish(run) -> None:
    exposure = run("exposure", ADVISORY, "--format", "json")
    assert exposure.exit_code == EXIT_FINDINGS
    verdicts = {p["name"]: (p["verdict"], p["direct"]) for p in json.loads(exposure.output)["projects"]}
    assert verdicts == {
        **{f"org.apache.struts:{_artifact(m)}": ("exposed", True) for m in DIRECT},
        **{f"org.apache.struts:{_artifact(m)}": ("exposed", False) for m in THROUGH_CORE},
        "com.acme.portal:acme-portal": ("exposed", False),
    }
    # no lockfile of their own: the version is the one struts2-core (and json-plugin) bring, said so
    core = "struts/core#pkg:maven/org.apache.struts/struts2-core"
    json_plugin = "struts/plugins/json#pkg:maven/org.apache.struts/struts2-json-plugin"
    brought = {p["name"]: (p["versions"], p.get("versions_via")) for p in json.loads(exposure.output)["projects"]}
    assert brought["org.apache.struts:struts2-core"] == (["2.14.1"], None)
    assert brought["org.apache.struts:struts2-tiles-plugin"] == ([], {"2.14.1": [core]})
    assert brought["com.acme.portal:acme-portal"] == ([], {"2.14.1": [core, json_plugin]})
    table = run("exposure", ADVISORY, "--wide")
    assert "2.14.1 via struts2-core, struts2-json-plugin" in table.output

    result = run("plan", "--advisory", ADVISORY, "--format", "json")
    assert result.exit_code == 0, result.output
    plan = json.loads(result.output)
    steps = {s["id"]: s for s in plan["steps"]}
    # before: 6 identical edits of pom.xml:22, 11 propagate edits waiting for sibling publishes, 17 builds
    assert Counter(s["kind"] for s in plan["steps"]) == {"edit": 2, "build": 2, "publish": 1, "deploy": 2}

    edit = steps[f"edit:{UNIT}"]
    assert (edit["location"], edit["mechanism"], edit["strategy"]) == ("pom.xml:22", "property", "direct")
    assert edit["change"] == "<log4j2.version>2.15.0</log4j2.version>"
    assert edit["depends_on"] == [] and len(edit["members"]) == 17
    # named after what consumers take, not the first module by key (struts2-rest-showcase, a war)
    assert (edit["name"], edit["label"]) == (
        "org.apache.struts:struts2-core + 16 more",
        "edit struts/struts2-core + 16 more",
    )
    build = steps[f"build:{UNIT}"]
    modules = ",".join(sorted(f":{_artifact(m)}" for m in DIRECT + THROUGH_CORE))
    assert build["verify"] == (
        f"mvn -pl {modules} -am verify dependency:tree -Dincludes=org.apache.logging.log4j:log4j-core"
    )
    # only what acme-portal consumes is published; siblings take their fix from the reactor build
    publish = steps[f"publish:{UNIT}"]
    assert (
        publish["change"] == "pkg:maven/org.apache.struts/struts2-core, pkg:maven/org.apache.struts/struts2-json-plugin"
    )
    assert (publish["start"], publish["finish"]) == (1, 1.25)

    portal = steps[f"edit:{PORTAL}"]
    assert portal["strategy"] == "propagate" and portal["depends_on"] == [f"publish:{UNIT}"]
    assert portal["change"] == (
        "org.apache.struts:struts2-core + org.apache.struts:struts2-json-plugin → its new release"
    )
    assert steps[f"deploy:{PORTAL}:prod:acme-portal"]["finish"] == 2.75
    assert plan["makespan"] == 2.75
    assert plan["strategies"] == {
        **{k: "direct" for k in edit["members"]},
        PORTAL: "propagate",
    }


def test_examples_reactor_module_verifies_from_the_reactor_root(store, data_dir: Path) -> None:
    """acme-logging is a reactor (parent POM at the root, logging-core and logging-api modules): the module's
    check runs from the root with -pl/-am; a project alone at its repository root needs neither."""
    runner = CliRunner()
    assert runner.invoke(cli, ["--data-dir", str(data_dir), "ingest", str(EXAMPLES)]).exit_code == 0
    out = runner.invoke(cli, ["--data-dir", str(data_dir), "plan", "--advisory", ADVISORY, "--format", "json"])
    builds = {s["name"]: s["verify"] for s in json.loads(out.output)["steps"] if s["kind"] == "build"}
    tree = "dependency:tree -Dincludes=org.apache.logging.log4j:log4j-core"
    assert builds["com.acme.logging:logging-core"] == f"mvn -pl :logging-core -am verify {tree}"
    assert builds["com.acme.billing:billing-service"] == f"mvn {tree}"


def _info(key: str, repo: str, path: str, eco: str = "maven", version: str | None = "1.0.0") -> ProjectInfo:
    return ProjectInfo(key, repo, path, eco, version)


def test_assign_build_units_per_ecosystem() -> None:
    """Written by hand: which projects one build produces, and where that build runs."""
    projects = {
        # a Gradle multi-project build: project(':core') links, subprojects at the root's version
        "g/app": _info("g/app", "gradle-repo", "app"),
        "g/core": _info("g/core", "gradle-repo", "core"),
        # a pnpm workspace: members at their own versions, linked by workspace:^
        "w/web": _info("w/web", "web-repo", "packages/web", "npm", "3.4.0"),
        "w/ui": _info("w/ui", "web-repo", "packages/ui", "npm", "0.9.1"),
        # two Python services of one repository that only share a version: built separately
        "p/a": _info("p/a", "py-repo", "a", "pypi", "0.1.0"),
        "p/b": _info("p/b", "py-repo", "b", "pypi", "0.1.0"),
        # a consumer of the Gradle library in another repository, at the same version: not one build
        "x/svc": _info("x/svc", "other", ".", "maven", "1.0.0"),
    }
    links = [
        {"consumer": "g/app", "provider": "g/core", "via": "project", "spec": "project(':core')"},
        {"consumer": "w/web", "provider": "w/ui", "via": "project", "spec": "workspace:^"},
        {"consumer": "x/svc", "provider": "g/core", "via": "declares", "spec": "1.0.0"},
    ]
    homes = [
        _info("g/root", "gradle-repo", "."),
        _info("w/root", "web-repo", ".", "npm", "0.0.0"),
        *projects.values(),
    ]
    got = {k: (u.key, u.root) for k, u in build_units.assign(links, projects, homes).items()}
    assert got == {
        "g/app": ("g/app", "."),
        "g/core": ("g/app", "."),
        "w/web": ("w/ui", "."),
        "w/ui": ("w/ui", "."),
        "p/a": ("p/a", "a"),
        "p/b": ("p/b", "b"),
        "x/svc": ("x/svc", "."),
    }


def test_condense_merges_builds_lines_and_the_cycles_between_them() -> None:
    # a and b are one build; c edits the same line as d; b -> e -> a closes a cycle through e
    units, cycles = build_units.condense(
        ["a", "b", "c", "d", "e", "f"],
        [("b", "e"), ("e", "a"), ("f", "c")],
        [["a", "b"], ["c", "d"]],
    )
    assert units == [("a", "b", "e"), ("c", "d"), ("f",)]
    assert cycles == [("a", "b", "e")]
