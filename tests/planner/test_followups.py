"""Recommended fixes: never the current version, and a word about follow-up advisories (by hand).

Log4Shell's three December 2021 advisories for log4j-core (ranges read from the GitHub advisory
database copies in the corpus): GHSA-jfh8-c2jp-5v3q [2.13.0, 2.15.0) (and backports), GHSA-7rjr-3q55-vv33
[2.13.0, 2.16.0), GHSA-p6xc-xr62-6r2g [2.13.0, 2.17.0). For 2.14.1, the lowest version clearing all three
is 2.17.0.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import EXIT_FINDINGS, EXIT_OK, cli
from planner.followups import KnownAdvisory, follow_ups
from tests.conftest import EXAMPLES

DEC_2021 = "github__advisory-database/advisories/github-reviewed/2021/12"
REQUESTS_2023 = "github__advisory-database/advisories/github-reviewed/2023/05/GHSA-j8r2-6x86-q33q"


def _range(introduced: str, fixed: str) -> dict:
    return {"ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": introduced}, {"fixed": fixed}]}]}


JFH8 = _range("2.13.0", "2.15.0")
KNOWN = [
    KnownAdvisory("GHSA-7rjr-3q55-vv33", _range("2.13.0", "2.16.0")),
    KnownAdvisory("GHSA-jfh8-c2jp-5v3q", JFH8),
    KnownAdvisory("GHSA-p6xc-xr62-6r2g", _range("2.13.0", "2.17.0")),
]


def test_follow_ups() -> None:
    assert follow_ups("Maven", "2.15.0", ["2.14.1"], [JFH8], KNOWN) == (
        ["GHSA-7rjr-3q55-vv33", "GHSA-p6xc-xr62-6r2g"],
        "2.17.0",
    )
    assert follow_ups("Maven", "2.17.0", ["2.14.1"], [KNOWN[2].entry], KNOWN) == ([], None)
    assert follow_ups("Maven", None, ["2.17.1"], [JFH8], KNOWN) == ([], None)  # nothing to fix
    assert follow_ups("Maven", "2.15.0", ["2.14.1"], [JFH8], []) == ([], None)  # the graph knows no other


@pytest.fixture()
def run(store, data_dir: Path):
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, ["--data-dir", str(data_dir), *args])

    return invoke


def test_recommended_names_the_follow_up_advisories_the_graph_knows(run, corpus: Path) -> None:
    assert run("ingest", str(EXAMPLES)).exit_code == EXIT_OK
    assert run("ingest", str(corpus / DEC_2021), "--repo", "advisories").exit_code == EXIT_OK
    result = run("exposure", "GHSA-jfh8-c2jp-5v3q", "--offline", "--format", "json")
    assert result.exit_code == EXIT_FINDINGS
    projects = json.loads(result.output)["projects"]
    assert {(p["recommended"], tuple(p["recommended_affected_by"]), p["clears_all_known"]) for p in projects} == {
        ("2.15.0", ("GHSA-7rjr-3q55-vv33", "GHSA-p6xc-xr62-6r2g"), "2.17.0")
    }
    md = run("exposure", "GHSA-jfh8-c2jp-5v3q", "--offline", "--format", "markdown").output
    assert (
        "2.15.0 (still affected by GHSA-7rjr-3q55-vv33, GHSA-p6xc-xr62-6r2g; 2.17.0 clears every known advisory)" in md
    )
    plan = json.loads(run("plan", "--advisory", "GHSA-jfh8-c2jp-5v3q", "--offline", "--format", "json").output)
    target = plan["target"]
    assert (target["fixed_version"], target["still_affected_by"], target["clears_all_known"]) == (
        "2.15.0",
        ["GHSA-7rjr-3q55-vv33", "GHSA-p6xc-xr62-6r2g"],
        "2.17.0",
    )
    text = run("plan", "--advisory", "GHSA-jfh8-c2jp-5v3q", "--offline").output
    assert "note: 2.15.0 is still affected by GHSA-7rjr-3q55-vv33, GHSA-p6xc-xr62-6r2g; 2.17.0 clears" in text
    last = json.loads(run("exposure", "GHSA-p6xc-xr62-6r2g", "--offline", "--format", "json").output)["projects"]
    assert {(p["recommended"], tuple(p["recommended_affected_by"])) for p in last} == {("2.17.0", ())}


def test_not_exposed_package_has_no_fix_and_the_plan_target_is_not_its_version(run, corpus: Path) -> None:
    """pypa/warehouse pins requests 2.34.2; GHSA-j8r2 affects [2.3.0, 2.31.0): nothing to fix. The plan's
    target is the advisory's fix 2.31.0 (before: "→ 2.34.2", the version in use), the fix column is empty."""
    assert run("ingest", str(corpus / "pypi__warehouse"), "--repo", "warehouse").exit_code in (0, 3)
    assert run("ingest", str(corpus / REQUESTS_2023), "--repo", "advisories").exit_code == EXIT_OK
    exposure = json.loads(run("exposure", "GHSA-j8r2-6x86-q33q", "--offline", "--format", "json").output)
    assert [(p["verdict"], p["versions"], p["recommended"]) for p in exposure["projects"]] == [
        ("not-exposed", ["2.34.2"], None)
    ]
    plan = json.loads(run("plan", "--advisory", "GHSA-j8r2-6x86-q33q", "--offline", "--format", "json").output)
    assert plan["target"]["fixed_version"] == "2.31.0" and plan["target"]["per_project"] == {}
