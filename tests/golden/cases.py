"""The commands whose output the golden test pins: every command's JSON on examples/ and on corpus repositories.

A golden file is captured from the code, so it proves sameness, not correctness: the hand-written
expectations live in the other tests. Its job is a refactor's safety net (issue 14): every byte that moves
is either a bug fixed on purpose (named in the commit that regenerates the files) or a regression.
Regenerate with ``python -m tests.golden.regenerate`` and read the diff before committing it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from planner.cli import cli
from planner.store import embedded_server

HERE = Path(__file__).resolve().parent
EPOCH = "1704704400"  # 2024-01-08 09:00 UTC: every date a command prints
LOG4J = "pkg:maven/org.apache.logging.log4j/log4j-core"
LOG4SHELL = "GHSA-jfh8-c2jp-5v3q"
ADVISORIES = "github__advisory-database/advisories/github-reviewed"


@dataclass(frozen=True, slots=True)
class Case:
    """One command line run against an ingested tree; ``{root}`` and ``{corpus}`` are filled in."""

    name: str
    args: tuple[str, ...]


def _c(name: str, *args: str) -> Case:
    return Case(name, args)


SBOM_FIXED = (
    "--author",
    "Release Engineering",
    "--timestamp",
    "2024-01-08T09:00:00Z",
    "--serial-number",
    "2f1d6a8e-0c1b-4f51-9d4e-1b2c3d4e5f60",
)

EXAMPLES = [
    _c("dependents", "dependents", LOG4J, "--format", "json"),
    _c("dependents-depth1", "dependents", LOG4J, "--depth", "1", "--format", "json"),
    _c("versions", "versions", LOG4J, "--format", "json"),
    _c("why-billing", "why", "billing-service", LOG4J, "--format", "json"),
    _c("services", "services", "--format", "json"),
    _c("services-prod", "services", "--env", "prod", "--format", "json"),
    _c("exposure", "exposure", LOG4SHELL, "--offline", "--format", "json"),
    _c("exposure-prod", "exposure", LOG4SHELL, "--offline", "--env", "prod", "--format", "json"),
    _c("exposure-sarif", "exposure", LOG4SHELL, "--offline", "--format", "sarif"),
    _c("plan", "plan", "--advisory", LOG4SHELL, "--offline", "--format", "json"),
    _c("plan-prod", "plan", "--advisory", LOG4SHELL, "--offline", "--env", "prod", "--format", "json"),
    _c("fix", "fix", "--advisory", LOG4SHELL, "--offline", "--format", "json"),
    _c("sbom-cyclonedx", "sbom", "--service", "prod/billing-service", *SBOM_FIXED, "--offline"),
    _c("sbom-spdx", "sbom", "--service", "prod/billing-service", "--format", "spdx-json", *SBOM_FIXED, "--offline"),
]

CORPUS: dict[str, list[Case]] = {
    "apache__struts": [
        _c("dependents", "dependents", LOG4J, "--format", "json"),
        _c("plan", "plan", "--package", LOG4J, "--fixed", "2.27.0", "--offline", "--format", "json"),
    ],
    "apache__shiro": [
        _c("dependents", "dependents", LOG4J, "--format", "json"),
        _c("plan", "plan", "--package", LOG4J, "--fixed", "2.27.0", "--offline", "--format", "json"),
    ],
    "GoogleCloudPlatform__microservices-demo": [
        _c("services", "services", "--format", "json"),
        _c("versions-xnet", "versions", "pkg:golang/golang.org/x/net", "--format", "json"),
        _c(
            "exposure-go",
            "exposure",
            "{corpus}/golang__vulndb/data/osv/GO-2023-2102.json",
            "--offline",
            "--format",
            "json",
        ),
        _c(
            "plan-grpc",
            "plan",
            "--package",
            "pkg:golang/google.golang.org/grpc",
            "--fixed",
            "1.84.0",
            "--offline",
            "--format",
            "json",
        ),
    ],
    "etcd-io__etcd": [
        _c("versions-xnet", "versions", "pkg:golang/golang.org/x/net", "--format", "json"),
        _c(
            "plan-xnet",
            "plan",
            "--package",
            "pkg:golang/golang.org/x/net",
            "--fixed",
            "0.99.0",
            "--offline",
            "--format",
            "json",
        ),
    ],
    "open-telemetry__opentelemetry-js": [
        _c("dependents-core", "dependents", "pkg:npm/%40opentelemetry/core", "--format", "json"),
        _c(
            "plan-core",
            "plan",
            "--package",
            "pkg:npm/%40opentelemetry/core",
            "--fixed",
            "2.10.1",
            "--offline",
            "--format",
            "json",
        ),
    ],
    "pypi__warehouse": [
        _c("versions-requests", "versions", "pkg:pypi/requests", "--format", "json"),
        _c(
            "exposure-requests",
            "exposure",
            f"{{corpus}}/{ADVISORIES}/2023/05/GHSA-j8r2-6x86-q33q/GHSA-j8r2-6x86-q33q.json",
            "--offline",
            "--format",
            "json",
        ),
    ],
    "CycloneDX__bom-examples": [
        _c(
            "exposure-lodash",
            "exposure",
            f"{{corpus}}/{ADVISORIES}/2020/07/GHSA-p6mc-m468-83gw/GHSA-p6mc-m468-83gw.json",
            "--offline",
            "--format",
            "json",
        ),
    ],
}


def run_cases(root: Path, cases: list[Case], data_dir: Path, corpus: Path | None = None) -> Iterator[tuple[str, str]]:
    """Ingest ``root`` into a fresh embedded store under ``data_dir``, then run each case: ``(name, document)``
    where the document holds the exit code and the output with machine-specific paths replaced."""
    runner = CliRunner(env={"SOURCE_DATE_EPOCH": EPOCH, "DEPWAVE_OSV_URL": "http://127.0.0.1:9/"})
    base = ["--data-dir", str(data_dir)]
    try:
        ingest = runner.invoke(cli, [*base, "ingest", str(root)])
        assert ingest.exit_code in (0, 3), ingest.output
        for case in cases:
            args = [a.format(root=root, corpus=corpus) for a in case.args]
            done = runner.invoke(cli, [*base, *args])
            assert done.exception is None or isinstance(done.exception, SystemExit), done.output
            text = done.stdout.replace(str(root), "<root>").replace(str(data_dir), "<data>")
            if corpus is not None:
                text = text.replace(str(corpus), "<corpus>")
            yield case.name, f"exit {done.exit_code}\n{text}"
    finally:
        embedded_server.stop(data_dir)
