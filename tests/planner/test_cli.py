"""The CLI through click's runner: formats, exit codes, one-sentence errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import EXIT_COMPLETED_WITH_ERRORS, EXIT_QUERY, EXIT_STORE, EXIT_USAGE, cli
from tests.store.contract_org import LOG4J, write_lib_app_org


@pytest.fixture()
def run(store, data_dir: Path):
    runner = CliRunner()

    def invoke(*args: str, env: dict | None = None):
        return runner.invoke(cli, ["--store", "embedded", "--data-dir", str(data_dir), *args], env=env)

    return invoke


def test_ingest_then_dependents_table_and_json_agree(run, tmp_path: Path) -> None:
    write_lib_app_org(tmp_path, [])
    res = run("ingest", str(tmp_path))
    assert res.exit_code == 0, res.output
    assert "2 loaded" in res.output
    table = run("dependents", LOG4J)
    assert table.exit_code == 0
    # at 100 columns a project is its label (repo/artifact); --wide shows the full names
    assert "lib-repo/lib " in table.output and "app-repo/app " in table.output
    # what lies between a dependent and the package (the whole path is in --wide and JSON)
    row = next(line for line in table.output.splitlines() if line.startswith("app-repo/app "))
    assert row.split()[-1] == "lib"  # the version lib publishes is not repeated
    assert "com.acme:app → com.acme:lib@1.0.0 → " in run("dependents", LOG4J, "--wide").output
    wide = run("dependents", LOG4J, "--wide")
    assert "com.acme:lib" in wide.output and "com.acme:app" in wide.output
    as_json = json.loads(run("dependents", LOG4J, "--format", "json").output)
    assert as_json["schema"] == "depwave.dependents/1"
    assert [d["name"] for d in as_json["dependents"]] == ["com.acme:lib", "com.acme:app"]
    assert as_json["dependents"][1]["path"][-1]["key"].startswith(LOG4J + "@")


def test_unknown_package_is_not_found_not_an_error(run) -> None:
    res = run("dependents", "pkg:npm/nothing-here", "--format", "json")
    assert res.exit_code == 0
    assert json.loads(res.output)["found"] is False


def test_bad_purl_is_a_usage_error(run) -> None:
    res = run("dependents", "log4j")
    assert res.exit_code == EXIT_USAGE
    assert "not a package URL" in res.output


def test_ingest_with_a_malformed_file_completes_with_errors(run, tmp_path: Path) -> None:
    write_lib_app_org(tmp_path, [])
    bad = tmp_path / "bad-repo" / "bom.json"
    bad.parent.mkdir()
    bad.write_text('{"bomFormat": "CycloneDX", "components": [')
    res = run("ingest", str(tmp_path), "--format", "json")
    assert res.exit_code == EXIT_COMPLETED_WITH_ERRORS
    report = json.loads(res.stdout)
    assert report["status"] == "completed-with-errors" and report["loaded"] == 2
    assert report["errors"] == [f"{bad}:1: malformed JSON: Expecting value"]
    assert run("ingest", str(tmp_path), "--allow-errors").exit_code == 0


def test_query_is_read_only_unless_write(run) -> None:
    res = run("query", "-e", "CREATE (:Repo {key: 'x'})")
    assert res.exit_code == EXIT_QUERY and "--write" in res.output
    assert run("query", "--write", "-e", "CREATE (:Repo {key: 'x'})").exit_code == 0
    res = run("query", "-e", "MATCH (r:Repo) RETURN r.key AS key", "--format", "json")
    assert json.loads(res.output)["rows"] == [{"key": "x"}]


def test_query_catalog_name_with_params(run, tmp_path: Path) -> None:
    write_lib_app_org(tmp_path, [])
    run("ingest", str(tmp_path))
    res = run("query", "find_dependents", "-p", f"package={LOG4J}", "-p", "max_hops=12", "--format", "json")
    assert res.exit_code == 0, res.output
    names = [r["name"] for r in json.loads(res.output)["rows"]]
    assert names == ["com.acme:lib", "com.acme:app"]


def test_db_status_and_stats(run) -> None:
    status = run("db", "status", "--format", "json")
    assert status.exit_code == 0 and json.loads(status.output)["running"] is True
    stats = json.loads(run("db", "stats", "--format", "json").output)
    assert stats["schema"] == "depwave.stats/1"


def test_missing_store_is_one_sentence(tmp_path: Path) -> None:
    res = CliRunner().invoke(cli, ["--data-dir", str(tmp_path / "none"), "db", "status"])
    assert res.exit_code == EXIT_STORE
    assert "not running" in res.output and "Traceback" not in res.output


def test_unusable_data_dir_is_one_sentence(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    res = CliRunner().invoke(cli, ["--data-dir", str(blocker / "sub"), "db", "start"])
    assert res.exit_code == EXIT_STORE
    assert res.output.startswith("depwave: cannot use ") and len(res.output.strip().splitlines()) == 1


def test_unreachable_neo4j_is_one_sentence() -> None:
    env = {"NEO4J_URI": "bolt://127.0.0.1:9", "NEO4J_PASSWORD": "x"}
    res = CliRunner().invoke(cli, ["--store", "neo4j", "db", "stats"], env=env)
    assert res.exit_code == EXIT_STORE
    assert res.output.startswith("depwave: cannot reach Neo4j at bolt://127.0.0.1:9")
    assert len(res.output.strip().splitlines()) == 1
