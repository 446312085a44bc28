"""Every click command and subcommand of ``depwave``, rendered on examples/, fits 100 columns (issue 18).

The commands are found by walking the click group, so a command added later without a row in
:data:`RUNS` fails :func:`test_every_command_has_a_run`. Each run is checked at 100 columns; the main
tables also at 80. Error lines (stderr) count too: a bad purl, an unknown advisory.

Documents are not terminal output and are not wrapped (Markdown for a tracker, JSON, SBOMs, HTML): a
run marked ``DOC`` is still run (exit code, final newline) but its lines are not measured; commands that
write a document take ``-o FILE`` here, so what they print on the terminal is measured.
"""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from rich.cells import cell_len

from planner.cli import cli
from tests.conftest import EXAMPLES

LOG4J = "pkg:maven/org.apache.logging.log4j/log4j-core"
GHSA = "GHSA-jfh8-c2jp-5v3q"
OFFLINE = "--offline"
DOC = "document"  # a run whose stdout is a document (Markdown, JSON): not measured
EDIT_ORDERS = "edit:orders-service/.#pkg:maven/com.acme.orders/orders-service"

#: command path → the runs of it (arguments after the path; a run may carry DOC). Order matters: runs
#: happen top to bottom, the campaign is started before it is marked, the store is reset last.
RUNS: dict[str, list[tuple[str, ...]]] = {
    "ingest": [(str(EXAMPLES),), (str(EXAMPLES), "--force"), ("{tmp}/broken",)],
    "query": [("--list",), ("list_services",), ("-e", "MATCH (p:Project) RETURN p.key AS key, p.name AS name")],
    "dependents": [(LOG4J,), (LOG4J, "--depth", "1"), ("pkg:not a purl",), ("pkg:maven/no.such/package",)],
    "services": [(), ("--env", "prod")],
    "versions": [(LOG4J,), ("pkg:maven/no.such/package",)],
    "usage": [(LOG4J,), (LOG4J, "--scope", "all")],
    "why": [("billing-service", LOG4J), ("orders-service", LOG4J)],
    "exposure": [
        (GHSA, OFFLINE),
        (GHSA, OFFLINE, "--env", "prod"),
        (GHSA, OFFLINE, "--env", "prod", "--env", "staging"),
        ("GHSA-xxxx-yyyy-zzzz", OFFLINE),
    ],
    "sbom": [("billing-service", "-o", "{tmp}/bom.json"), ("--all", "--format", "spdx-tagvalue", DOC)],
    "plan": [
        ("--advisory", GHSA, OFFLINE),
        ("--advisory", GHSA, OFFLINE, "--env", "prod"),
        ("--package", LOG4J, "--fixed", "2.17.1", OFFLINE),
        ("--advisory", GHSA, OFFLINE, "--format", "markdown", DOC),
    ],
    "report": [("--advisory", GHSA, OFFLINE, "-o", "{tmp}/report.html")],
    "fix": [("--advisory", GHSA, OFFLINE), ("--advisory", GHSA, OFFLINE, "--out", "{tmp}/patches")],
    "notify": [("--advisory", GHSA, OFFLINE, DOC)],
    "campaign start": [("--advisory", GHSA, OFFLINE, "--name", "width")],
    "campaign mark": [
        (EDIT_ORDERS, "in-pr", "--campaign", "width", "--pr", "https://git.acme.io/orders/pull/7"),
        ("edit billing-service", "done", "--campaign", "width"),
        ("no such step", "done", "--campaign", "width"),
    ],
    "campaign status": [
        ("--campaign", "width", OFFLINE),
        ("--campaign", "width", OFFLINE, "--format", "markdown", DOC),
    ],
    "campaign export": [("--campaign", "width", "--format", "markdown", DOC)],
    "db status": [()],
    "db stats": [()],
    "db reset": [("--yes",)],
    "db stop": [()],
    "db start": [()],
}

#: the main tables, also checked at 80 columns
AT_80 = [
    ("dependents", LOG4J),
    ("services",),
    ("versions", LOG4J),
    ("exposure", GHSA, OFFLINE),
    ("plan", "--advisory", GHSA, OFFLINE),
    ("campaign", "status", "--campaign", "width", OFFLINE),
]


def command_paths(group: click.Group, prefix: str = "") -> list[str]:
    """Every leaf command under ``group``, as ``"campaign status"``."""
    out = []
    ctx = click.Context(group)
    for name in group.list_commands(ctx):  # commands are imported when asked for (planner.cli.root)
        command = group.get_command(ctx, name)
        assert command is not None
        path = f"{prefix} {name}".strip()
        out += command_paths(command, path) if isinstance(command, click.Group) else [path]
    return out


def test_every_command_has_a_run() -> None:
    paths = command_paths(cli)
    assert len(paths) == 22  # counted by hand from `depwave --help` and each group's --help
    assert sorted(set(paths) - set(RUNS)) == []  # a new command needs a row in RUNS
    assert sorted(set(RUNS) - set(paths)) == []  # and a removed one loses its row


@pytest.fixture
def invoke(data_dir: Path, tmp_path: Path):
    runner = CliRunner()
    # two files that cannot be read, deep in a repository: each gives one `path:line: reason` line
    deep = tmp_path / "broken" / "acme-widgets" / "services" / "a-rather-long-service-name-for-widgets"
    (deep / "src" / "main" / "resources" / "config").mkdir(parents=True)
    (deep / "pom.xml").write_text("<project><modelVersion>4.0.0", encoding="utf-8")
    (deep / "src" / "main" / "resources" / "config" / "package.json").write_text('{"name": "x", "dep', encoding="utf-8")

    def run(*args: str, columns: int = 100):
        args = tuple(a.replace("{tmp}", str(tmp_path)) for a in args)
        env = {"COLUMNS": str(columns), "DEPWAVE_USER": "width-test"}
        return runner.invoke(cli, ["--store", "embedded", "--data-dir", str(data_dir), *args], env=env)

    return run


def _too_wide(text: str, columns: int) -> list[str]:
    return [line for line in text.splitlines() if cell_len(line) > columns]


def test_every_command_fits_100_columns(store, invoke) -> None:
    too_wide: dict[str, list[str]] = {}
    ran = 0
    for path, runs in RUNS.items():
        for run in runs:
            args = (*path.split(), *(a for a in run if a != DOC))
            res = invoke(*args)
            assert res.exit_code in (0, 1, 2, 3), (args, res.output, res.exception)
            assert res.exit_code != 2 or res.stderr, args  # a usage error says why
            for stream in (res.stdout, res.stderr):
                assert stream == "" or stream.endswith("\n"), (args, stream[-200:])
            wide = _too_wide(res.stderr, 100) + ([] if DOC in run else _too_wide(res.stdout, 100))
            if wide:
                too_wide[" ".join(args)] = wide
            ran += 1
    assert ran == 44
    assert too_wide == {}, "\n".join(f"{k}:\n  " + "\n  ".join(v) for k, v in too_wide.items())


def test_the_main_tables_fit_80_columns(store, invoke) -> None:
    assert invoke("ingest", str(EXAMPLES)).exit_code == 0
    assert invoke("campaign", "start", "--advisory", GHSA, OFFLINE, "--name", "width").exit_code == 0
    too_wide = {}
    for args in AT_80:
        res = invoke(*args, columns=80)
        assert res.exit_code in (0, 1), (args, res.output)
        wide = _too_wide(res.output, 80)
        if wide:
            too_wide[" ".join(args)] = wide
    assert too_wide == {}, "\n".join(f"{k}:\n  " + "\n  ".join(v) for k, v in too_wide.items())


def test_error_lines_fit_and_keep_their_words(store, invoke) -> None:
    """An error names what was wrong whole: the line is wrapped between words, never cut."""
    res = invoke("exposure", "GHSA-xxxx-yyyy-zzzz", OFFLINE)
    assert res.exit_code == 2
    lines = res.stderr.splitlines()
    assert lines[0].startswith("depwave: GHSA-xxxx-yyyy-zzzz is not in the graph")
    assert max(cell_len(line) for line in lines) <= 100
    assert "https://api.osv.dev/v1/vulns/GHSA-xxxx-yyyy-zzzz" in res.stderr.split()
    bad = invoke("dependents", "pkg:not a purl")
    assert bad.exit_code == 2 and bad.stderr.startswith("depwave: not a package URL")


def test_ingest_problems_name_the_file_relative_to_what_was_ingested(store, invoke, tmp_path: Path) -> None:
    res = invoke("ingest", str(tmp_path / "broken"))
    assert res.exit_code == 3
    out = res.stdout.splitlines()
    problems = out[next(i for i, line in enumerate(out) if line.startswith("error:")) : out.index("graph: nodes")]
    # at most 50 columns for a path (half the line): cut in the middle, the file's own name kept
    assert problems[0] == "error: broken/acme-widgets/servi…name-for-widgets/pom.xml:1: malformed XML: no element found"
    assert problems[1].startswith("error: broken/acme-widgets/servi…rces/config/package.json:1: malformed JSON")
    assert problems[2].startswith("  ") and len(problems) == 3  # the reason wrapped, indented
    assert str(tmp_path) not in res.stdout
