"""depwave sbom through click's runner: selection, -o written whole, fixed timestamp and serial, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import EXIT_OK, EXIT_USAGE, cli
from tests.conftest import EXAMPLES


@pytest.fixture()
def run(store, data_dir: Path):
    runner = CliRunner()

    def invoke(*args: str, env: dict | None = None):
        return runner.invoke(cli, ["--store", "embedded", "--data-dir", str(data_dir), *args], env=env)

    assert invoke("ingest", str(EXAMPLES)).exit_code == 0
    return invoke


def test_output_file_timestamp_and_serial_from_the_environment(run, tmp_path: Path) -> None:
    out = tmp_path / "billing.cdx.json"
    env = {"SOURCE_DATE_EPOCH": "1767225600", "DEPWAVE_SBOM_SERIAL": "6f0e3b8e-1111-4222-8333-444455556666"}
    res = run("sbom", "--service", "prod/billing-service", "--vex", "GHSA-jfh8-c2jp-5v3q", "-o", str(out), env=env)
    assert res.exit_code == EXIT_OK, res.output
    assert res.output == "" and sorted(p.name for p in tmp_path.iterdir()) == ["billing.cdx.json"]  # no temp file
    doc = json.loads(out.read_text())
    assert doc["metadata"]["timestamp"].startswith("2026-01-01T00:00:00")
    assert doc["serialNumber"] == "urn:uuid:6f0e3b8e-1111-4222-8333-444455556666"
    assert doc["metadata"]["component"]["bom-ref"] == "depwave:service:prod/billing-service"
    assert [v["analysis"]["state"] for v in doc["vulnerabilities"]] == ["exploitable"]
    again = run("sbom", "--service", "prod/billing-service", "--vex", "GHSA-jfh8-c2jp-5v3q", env=env)
    assert again.output == out.read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "name exactly one of PROJECT, --service NAME or --all"),
        (("storefront", "--all"), "name exactly one of"),
        (("storefront", "--spec", "1.3"), "CycloneDX output is 1.4, 1.5 or 1.6"),
        (("storefront", "--format", "spdx-json", "--spec", "1.6"), "SPDX output is SPDX 2.3"),
        (("nothing-like-this",), "no project matches 'nothing-like-this'"),
        (("--service", "billing-service"), "matches 2 services"),
        (("--service", "prod/legacy-reports"), "no project builds its images"),
        (("storefront", "--timestamp", "yesterday"), "expected ISO 8601"),
        (("storefront", "--serial-number", "42"), "not a UUID"),
    ],
)
def test_usage_errors(run, args: tuple[str, ...], message: str, tmp_path: Path) -> None:
    res = run("sbom", *args, "-o", str(tmp_path / "x.json"))
    assert res.exit_code == EXIT_USAGE and message in res.output
    assert not any(tmp_path.iterdir())  # nothing half-written
