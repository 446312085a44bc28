"""fix --apply is all or nothing per step: a step whose second file is refused (read-only, changed since
the patch was made) or cannot be written leaves every file of that step as it was."""

from __future__ import annotations

import errno
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import EXIT_COMPLETED_WITH_ERRORS, cli
from planner.fix import checkouts as fix_checkouts
from planner.fix import result as fix_result
from planner.fix import run as fix_run
from tests.conftest import EXAMPLES
from tests.planner.fix.examples_fix import ADVISORY, RELEASES

CYCLE = "edit:acme-auth/.#pkg:maven/com.acme.auth/auth-client"  # one step: acme-auth/pom.xml, acme-commons/pom.xml


@pytest.fixture()
def checkouts(store, data_dir: Path, tmp_path: Path, libraries_in_fix_phase: Path) -> Path:
    org = tmp_path / "org"
    shutil.copytree(EXAMPLES, org)
    assert CliRunner().invoke(cli, ["--data-dir", str(data_dir), "ingest", str(org)]).exit_code == 0
    return org


def _fix(data_dir: Path, *args: str):
    return CliRunner().invoke(cli, ["--data-dir", str(data_dir), "fix", "--advisory", ADVISORY, *RELEASES, *args])


def test_a_read_only_second_file_leaves_the_whole_step_unapplied(data_dir: Path, checkouts: Path) -> None:
    auth, commons = checkouts / "acme-auth" / "pom.xml", checkouts / "acme-commons" / "pom.xml"
    auth_before, commons_before = auth.read_bytes(), commons.read_bytes()
    commons.chmod(0o444)
    res = _fix(data_dir, "--apply", str(checkouts), "--format", "json")
    assert res.exit_code == EXIT_COMPLETED_WITH_ERRORS, res.output
    doc = json.loads(res.output)
    assert doc["errors"] == [
        f"acme-commons/pom.xml:0: {commons} is read-only: step {CYCLE} was not applied (none of its files changed)"
    ]
    assert auth.read_bytes() == auth_before, "the first file of the step is not left patched"
    assert commons.read_bytes() == commons_before
    applied = {(f["step"], f["repo"]): f["applied"] for f in doc["files"]}
    assert applied[(CYCLE, "acme-auth")] is False and applied[(CYCLE, "acme-commons")] is False
    assert "<log4j2.version>2.15.0</log4j2.version>" in (checkouts / "acme-logging" / "pom.xml").read_text()


def _made(store, checkouts: Path):
    plan_doc = json.loads(_fix_plan(store, checkouts))
    ctx = fix_checkouts.context(store, plan_doc)
    reader = fix_checkouts.Checkouts(ctx.files, checkouts)
    releases = dict(r.split("=", 1) for r in RELEASES[1::2])
    return fix_run.make_fix(plan_doc, ctx, reader, releases), reader


def _fix_plan(store, checkouts: Path) -> str:
    return (
        CliRunner()
        .invoke(cli, ["--data-dir", str(store.data_dir), "plan", "--advisory", ADVISORY, "--format", "json"])
        .output
    )


def test_a_second_file_changed_after_the_patch_was_made_leaves_the_step_unapplied(
    store, data_dir: Path, checkouts: Path
) -> None:
    outcome, reader = _made(store, checkouts)
    auth, commons = checkouts / "acme-auth" / "pom.xml", checkouts / "acme-commons" / "pom.xml"
    auth_before = auth.read_bytes()
    commons.write_text(commons.read_text() + "<!-- edited while depwave ran -->\n")
    fix_result.apply_patches(outcome, reader)
    assert auth.read_bytes() == auth_before
    [error] = outcome.errors
    assert error.startswith(f"acme-commons/pom.xml:0: {commons} changed since the patch was made")
    assert not any(p.applied for p in outcome.patches if p.step == CYCLE)
    assert all(p.applied for p in outcome.patches if p.step != CYCLE)


def test_a_write_that_fails_part_way_restores_the_files_already_written(
    store, data_dir: Path, checkouts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk fills up (simulated: ENOSPC on the second file of the step) after the first file was
    replaced: the first file gets its old content back."""
    outcome, reader = _made(store, checkouts)
    auth, commons = checkouts / "acme-auth" / "pom.xml", checkouts / "acme-commons" / "pom.xml"
    auth_before, commons_before = auth.read_bytes(), commons.read_bytes()
    real = fix_result.write_bytes_atomically

    def full_disk(path, data, **kw):
        if Path(path) == commons and data != commons_before:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, data, **kw)

    monkeypatch.setattr(fix_result, "write_bytes_atomically", full_disk)
    fix_result.apply_patches(outcome, reader)
    assert auth.read_bytes() == auth_before and commons.read_bytes() == commons_before
    assert outcome.errors == [
        f"acme-commons/pom.xml:0: cannot write {commons}: No space left on device: step {CYCLE} was not applied "
        "(the files it had written were restored)"
    ]


def test_a_propagate_step_whose_manifest_changed_says_so(data_dir: Path, checkouts: Path) -> None:
    """platform-web may declare commons-util and auth-client (each optional); a manifest changed since
    ingest is that message, not "declares none of them"."""
    pom = checkouts / "acme-platform" / "pom.xml"
    pom.write_text(pom.read_text() + "<!-- local edit -->\n")
    res = _fix(data_dir, "--apply", str(checkouts), "--format", "json")
    assert res.exit_code == EXIT_COMPLETED_WITH_ERRORS
    errors = [e for e in json.loads(res.output)["errors"] if e.startswith("acme-platform/")]
    assert len(errors) == 1 and errors[0].startswith(f"acme-platform/pom.xml:0: {pom} changed since it was ingested")
