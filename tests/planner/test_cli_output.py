"""``-o FILE`` on every document command: written whole on success, never on failure; a closed pipe is
not an error (issue 13 item 10)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import EXIT_USAGE, cli
from tests.store.contract_org import LOG4J, write_lib_app_org

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def run(store, data_dir: Path):
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, ["--store", "embedded", "--data-dir", str(data_dir), *args])

    return invoke


@pytest.mark.parametrize(
    "args",
    [
        ("dependents", LOG4J, "--format", "json"),
        ("versions", LOG4J, "--format", "json"),
        ("services", "--format", "json"),
        ("query", "count_nodes", "--format", "json"),
        ("usage", LOG4J, "--format", "json"),
    ],
)
def test_o_writes_what_stdout_would_show(run, tmp_path: Path, args: tuple[str, ...]) -> None:
    write_lib_app_org(tmp_path / "org", [])
    assert run("ingest", str(tmp_path / "org")).exit_code == 0
    shown = run(*args)
    assert shown.exit_code == 0, shown.output
    out = tmp_path / "doc.json"
    written = run(*args, "-o", str(out))
    assert written.exit_code == 0, written.output
    assert written.output == ""
    assert out.read_text() == shown.output
    json.loads(out.read_text())


@pytest.mark.parametrize(
    "args",
    [
        ("dependents", "not a purl"),
        ("query", "-e", "THIS IS NOT CYPHER"),
        ("why", "no-such-project", LOG4J),
        ("campaign", "export", "--campaign", "no-such-campaign"),
    ],
)
def test_a_failing_command_leaves_no_file(run, tmp_path: Path, args: tuple[str, ...]) -> None:
    out = tmp_path / "doc.json"
    res = run(*args, "-o", str(out))
    assert res.exit_code != 0
    assert not out.exists()
    kept = tmp_path / "kept.json"
    kept.write_text("old\n")
    assert run(*args, "-o", str(kept)).exit_code != 0
    assert kept.read_text() == "old\n"


def test_o_on_a_directory_is_a_usage_error(run, tmp_path: Path) -> None:
    res = run("services", "-o", str(tmp_path))
    assert res.exit_code == EXIT_USAGE
    assert "is a directory" in res.output


def test_a_closed_pipe_exits_0_without_a_traceback(store, data_dir: Path, tmp_path: Path) -> None:
    write_lib_app_org(tmp_path / "org", [])
    env = {**os.environ, "DEPWAVE_DATA_DIR": str(data_dir)}
    depwave = [sys.executable, "-c", "from planner.cli import main; main()"]
    subprocess.run([*depwave, "ingest", str(tmp_path / "org")], env=env, check=True, capture_output=True)
    big = "UNWIND range(1, 300000) AS i RETURN i"  # far more than a pipe buffer: the writer meets EPIPE
    pipe = f"{' '.join(depwave[:2])} '{depwave[2]}' query -e '{big}' --format json | head -c 1"
    res = subprocess.run(["bash", "-o", "pipefail", "-c", pipe], env=env, cwd=ROOT, capture_output=True, text=True)
    assert res.stdout == "{"
    assert res.returncode == 0, res.stderr
    assert "Traceback" not in res.stderr and res.stderr == ""
