"""-o on document commands: the file is whole, written only on success, with the mode `> file` gives."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import EXIT_FINDINGS, EXIT_USAGE, cli
from planner.output_file import write_atomically, write_bytes_atomically
from tests.conftest import EXAMPLES

ADVISORY = str(EXAMPLES / "security" / "advisories" / "GHSA-jfh8-c2jp-5v3q.json")


@pytest.fixture()
def umask():
    def set_mask(mask: int) -> None:
        os.umask(mask)

    old = os.umask(0o022)
    yield set_mask
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(scope="module")
def ingested(data_dir: Path) -> None:
    from planner.store.embedded import EmbeddedStore

    s = EmbeddedStore(data_dir)
    s.reset()
    s.close()
    assert CliRunner().invoke(cli, ["--data-dir", str(data_dir), "ingest", str(EXAMPLES)]).exit_code == 0


@pytest.fixture()
def run(ingested, data_dir: Path, tmp_path: Path):
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, ["--data-dir", str(data_dir), *args], env={"DEPWAVE_OSV_URL": "http://127.0.0.1:9"})

    return invoke


@pytest.mark.parametrize(
    ("args", "code", "starts"),
    [
        (["plan", "--advisory", ADVISORY, "--format", "json"], 0, '{\n  "schema": "depwave.plan/1"'),
        (["plan", "--advisory", ADVISORY, "--format", "dot"], 0, "digraph"),
        (["exposure", ADVISORY, "--format", "sarif"], EXIT_FINDINGS, "{"),
        (["report", "--advisory", ADVISORY], 0, "<!DOCTYPE html>"),
        (["sbom", "--all", "--timestamp", "2026-01-31T12:00:00Z"], 0, "{"),
    ],
)
def test_document_commands_write_the_file_and_print_nothing(run, tmp_path: Path, umask, args, code, starts) -> None:
    out = tmp_path / "doc.out"
    res = run(*args, "-o", str(out))
    assert res.exit_code == code, res.output
    assert res.stdout == ""
    assert out.read_text(encoding="utf-8").startswith(starts)
    assert mode(out) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["doc.out"]  # no temporary file left behind


def test_a_failing_command_leaves_no_file_and_keeps_an_old_one(run, tmp_path: Path) -> None:
    """The README runbook case: the advisory needs the OSV API and the network is not there."""
    fresh = tmp_path / "plan.json"
    res = run("plan", "--advisory", "GHSA-7rjr-3q55-vv33", "--format", "json", "-o", str(fresh))
    assert res.exit_code == EXIT_USAGE
    assert "OSV API could not provide it" in res.output
    assert not fresh.exists()
    old = tmp_path / "old.sarif"
    old.write_text("previous run\n")
    res = run("exposure", "GHSA-7rjr-3q55-vv33", "--format", "sarif", "-o", str(old))
    assert res.exit_code == EXIT_USAGE
    assert old.read_text() == "previous run\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.sarif"]


def test_exposure_without_findings_is_written_too(run, tmp_path: Path) -> None:
    out = tmp_path / "exposure.json"
    res = run("exposure", "pkg:npm/left-pad@<0.0.1", "--format", "json", "-o", str(out))
    assert res.exit_code == 0, res.output
    assert json.loads(out.read_text())["counts"]["exposed"] == 0


def test_mode_follows_the_umask_or_the_file_replaced(tmp_path: Path, umask) -> None:
    umask(0o077)
    assert mode(write_atomically(tmp_path / "a.txt", "x")) == 0o600
    umask(0o002)
    assert mode(write_atomically(tmp_path / "b.txt", "x")) == 0o664
    kept = tmp_path / "run.sh"
    kept.write_text("old")
    kept.chmod(0o750)
    write_atomically(kept, "new")
    assert (kept.read_text(), mode(kept)) == ("new", 0o750)
    assert mode(write_atomically(tmp_path / "cache.json", "{}", private=True)) == 0o600


def test_a_link_is_written_through_for_user_outputs_and_replaced_in_checkouts(tmp_path: Path) -> None:
    target = tmp_path / "reports" / "latest.html"
    target.parent.mkdir()
    target.write_text("old")
    link = tmp_path / "report.html"
    link.symlink_to(target)
    assert write_atomically(link, "new") == target
    assert link.is_symlink() and target.read_text() == "new"
    outside = tmp_path / "outside.txt"
    outside.write_text("keep")
    planted = tmp_path / "checkout" / "pom.xml"
    planted.parent.mkdir()
    planted.symlink_to(outside)
    write_bytes_atomically(planted, b"<project/>", follow_links=False)
    assert not planted.is_symlink() and planted.read_text() == "<project/>"
    assert outside.read_text() == "keep"


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path, monkeypatch) -> None:
    old = tmp_path / "sbom.json"
    old.write_text("old")

    def refuse(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", refuse)
    with pytest.raises(OSError, match="No space"):
        write_atomically(old, "x" * 10_000)
    assert old.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["sbom.json"]
