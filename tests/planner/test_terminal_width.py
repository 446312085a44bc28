"""Every command's text output fits a 100-column terminal (issue 18), on the example organisation.

(Markdown, JSON, SARIF, SBOMs and HTML are documents, not terminal output: they are not wrapped.)

Before: tables were laid out for 200 columns when piped, so at 100 columns the exposure table had 12
columns whose cells wrapped to ~10 lines, the plan ran step ids of 100+ characters into its lines, and
``services`` used a fixed 190-column layout.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.cells import cell_len

from planner.cli import cli
from tests.conftest import EXAMPLES

LOG4J = "pkg:maven/org.apache.logging.log4j/log4j-core"
GHSA = "GHSA-jfh8-c2jp-5v3q"

COMMANDS = [
    ("dependents", LOG4J),
    ("dependents", LOG4J, "--depth", "1"),
    ("versions", LOG4J),
    ("why", "billing-service", LOG4J),
    ("services",),
    ("services", "--env", "prod"),
    ("exposure", GHSA, "--offline"),
    ("exposure", GHSA, "--offline", "--env", "prod"),
    ("plan", "--advisory", GHSA, "--offline"),
    ("plan", "--advisory", GHSA, "--offline", "--env", "prod"),
    ("fix", "--advisory", GHSA, "--offline"),
    ("query", "--list"),
    ("query", "list_services"),
    ("db", "stats"),
    ("db", "status"),
]


def _diff_line(line: str) -> bool:
    """A line of a patch `depwave fix` prints: the file's own text, kept verbatim."""
    return line.startswith("    ") and line[4:5] in ("+", "-", " ", "@", "d")


@pytest.fixture
def org(store, data_dir: Path):
    runner = CliRunner()

    def invoke(*args: str, columns: int = 100):
        env = {"COLUMNS": str(columns)}
        return runner.invoke(cli, ["--store", "embedded", "--data-dir", str(data_dir), *args], env=env)

    assert invoke("ingest", str(EXAMPLES)).exit_code == 0
    return invoke


def test_every_command_fits_100_columns(org) -> None:
    too_wide = {}
    for args in COMMANDS:
        res = org(*args)
        assert res.exit_code in (0, 1), (args, res.output)
        assert res.output.endswith("\n"), args
        lines = res.output.splitlines()
        if args[0] == "fix":
            lines = [line for line in lines if not _diff_line(line)]
        wide = [line for line in lines if cell_len(line) > 100]
        if wide:
            too_wide[" ".join(args)] = wide
    assert too_wide == {}


def test_a_corpus_organisation_fits_100_columns(store, data_dir: Path, corpus: Path) -> None:
    """Go module paths, a 39-character repository name and sha256-pinned images (microservices-demo):
    before, plan lines ran to 133 columns (module paths as labels, a digest kept whole)."""
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, ["--data-dir", str(data_dir), *args], env={"COLUMNS": "100"})

    assert invoke("ingest", str(corpus / "GoogleCloudPlatform__microservices-demo")).exit_code in (0, 3)
    advisory = corpus / "golang__vulndb" / "data" / "osv" / "GO-2023-2102.json"
    grpc = "pkg:golang/google.golang.org/grpc"
    for args in (
        ("services",),
        ("dependents", grpc),
        ("versions", "pkg:golang/golang.org/x/net"),
        ("exposure", str(advisory), "--offline"),
        ("plan", "--package", grpc, "--fixed", "1.84.0", "--offline"),
    ):
        out = invoke(*args).output
        assert max(cell_len(line) for line in out.splitlines()) <= 100, args
    plan = invoke("plan", "--package", grpc, "--fixed", "1.84.0", "--offline").output
    assert "  0–0.5 h       edit GoogleCloudPlatform__microservices-demo/checkoutservice\n" in plan


def test_narrow_and_wide_terminals(org) -> None:
    at_80 = org("exposure", GHSA, "--offline", columns=80).output
    assert max(cell_len(line) for line in at_80.splitlines()) <= 80
    assert "not shown; --wide shows every column" in " ".join(line.strip() for line in at_80.splitlines())
    wide = org("exposure", GHSA, "--offline", "--wide").output
    header = next(line for line in wide.splitlines() if line.startswith("verdict"))
    assert header.split() == [
        "verdict", "called?", "project", "repo", "how", "scope", "depth", "versions", "change", "fix", "runs", "owners",
        "path",
    ]  # fmt: skip
    assert "com.acme.billing:billing-service → com.acme.platform:platform-web@3.0.0" in wide


def test_exposure_at_100_columns_keeps_what_to_change_and_where_it_runs(org) -> None:
    out = org("exposure", GHSA, "--offline").output.splitlines()
    header = next(line for line in out if line.startswith("verdict"))
    # examples/ has scanned sources: whether the code is called is kept first, then the fix version (a
    # responder needs it to act; before, `fix` was left out before `runs`), then where it runs
    assert header.split() == ["verdict", "called?", "project", "change", "fix"]
    row = next(line for line in out if "billing-service" in line and line.startswith("exposed"))
    assert row.split() == ["exposed", "via", "logging-core", "(2)", "billing-service", "pom.xml:37", "2.15.0"]
    assert any("acme-logging/logging-core" in line and "pom.xml:32" in line for line in out)
    assert "(at 100 columns: how, scope, depth, versions, runs, owners, path not shown" in " ".join(out)
    sites = out[out.index("call sites of the vulnerable code:") + 1 :]
    assert sites[0] == "  com.acme.logging:logging-core:"
    assert sites[1].startswith("    acme-logging/logging-core/") and sites[1].endswith(
        "AuditLog.java:12:13 org.apache.logging.log4j.Logger.info (data)"
    )


def test_plan_text_names_repository_file_line_and_the_change(org, libraries_in_fix_phase) -> None:
    # every library in the fix phase, so the plan edits files of several repositories before the services
    out = org("plan", "--advisory", GHSA, "--offline").output
    assert "#pkg:" not in out and "edit:" not in out  # no step ids: they are in the JSON
    lines = [line.strip() for line in out.splitlines()]
    assert "0–0.5 h       edit acme-logging/logging-core  (@acme/platform-logging)" in lines
    assert "acme-logging/pom.xml:32  <log4j2.version> 2.14.1 → 2.15.0" in lines
    assert "orders-service/build.gradle:34  log4j-core 2.14.1 → 2.15.0" in lines
    # the cycle step is filed under acme-auth and edits a file of acme-commons too: both named
    assert any(line.startswith("acme-auth/pom.xml:36  bump logging-core to the new release") for line in lines)
    assert any(line.startswith("acme-commons/pom.xml:34  bump logging-core to the new release") for line in lines)
    assert "cycle fixed together: acme-auth/auth-client ↔ acme-commons/commons-util" in lines
    assert "1–1.25 h      deploy billing-service to staging" in lines
    assert "0–1 h         decide legacy-reports  (@acme/sre)" in lines  # was `legacy-reports []`
    assert "critical path: edit, build, publish acme-logging/logging-core → edit, build, publish" in lines


def test_services_table_style_and_final_newline(org) -> None:
    out = org("services").output
    lines = out.splitlines()
    assert lines[0].split() == ["service", "image", "built", "in", "owners"]
    assert set(lines[1]) == {"─"}  # the one table style: a header rule, no borders
    # an owner too long for its column is broken after a separator, not mid-word (before: `group:default/bill`)
    assert lines[2].split() == [
        "prod/billing-service", "registry.acme.io/billing-service:5.2.0", "billing-service", "group:default/"
    ]  # fmt: skip
    assert lines[3].strip() == "billing"
    assert out.endswith("staging/legacy-reports\n")
    wide = org("services", "--wide").output
    assert "billing-service/.#pkg:maven/com.acme.billing/billing-service  group:default/billing" in wide


def test_markdown_runbook_names_steps_by_label_and_each_file_s_repository(org, libraries_in_fix_phase) -> None:
    md = org("plan", "--advisory", GHSA, "--offline", "--format", "markdown").output
    assert "#pkg:" not in md  # was: every step and cycle member by id
    cycle = next(line for line in md.splitlines() if line.startswith("| [ ] | edit acme-auth/auth-client"))
    cells = [c.strip() for c in cycle.split("|")]
    assert cells[5] == "acme-auth/pom.xml:36, acme-commons/pom.xml:34"  # the <artifactId> lines (issue 12)
    assert cells[6] == "bump logging-core to the new release (brings log4j-core 2.14.1 → 2.15.0)"
    assert cells[8] == "publish acme-logging/logging-core"
    assert "- Cycles fixed together: acme-auth/auth-client ↔ acme-commons/commons-util" in md
