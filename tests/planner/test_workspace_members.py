"""Workspace members resolve what they really use (issue 12, finding 6); expected answers by hand.

``tests/fixtures/cargo/tauri`` is laid out like tauri-apps/tauri: a virtual workspace root and five
member crates under ``crates/`` whose Cargo.lock (v3) records each package's own dependencies.
``url 2.5.0`` is a direct dependency of ``tauri`` and ``tauri-utils`` and reaches ``tauri-runtime``,
``tauri-bundler`` and ``tauri-cli`` through the path crate ``tauri-utils``. ``tauri-cli`` uses a git
checkout of ``zip 0.6.6`` beside the registry ``zip 0.6.6`` that ``tauri-bundler`` uses.

Before: one synthetic ``pkg:generic/tauri`` project resolved all 15 locked crates and was the only
one ``exposed``; the five crates were ``unknown``. After: each crate is exposed at its own depth.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import cli
from tests.conftest import FIXTURES

TAURI = FIXTURES / "cargo" / "tauri"


@pytest.fixture()
def run(store, data_dir: Path):
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, ["--data-dir", str(data_dir), *args])

    return invoke


def test_cargo_members_each_resolve_their_own_crates(run) -> None:
    assert run("ingest", str(TAURI)).exit_code == 0
    doc = json.loads(run("exposure", "pkg:cargo/url@2.5.0", "--format", "json").output)
    exposed = {(p["project"].split("#")[0], p["depth"]) for p in doc["projects"] if p["verdict"] == "exposed"}
    assert exposed == {
        ("tauri/crates/tauri", 1),
        ("tauri/crates/tauri-utils", 1),
        ("tauri/crates/tauri-runtime", 2),
        ("tauri/crates/tauri-bundler", 2),
        ("tauri/crates/tauri-cli", 2),
    }
    versions = json.loads(run("versions", "pkg:cargo/zip", "--format", "json").output)
    assert sorted(v["version"] for v in versions["versions"]) == ["0.6.6", "0.6.6+git.4f25a2b58ec1"]


OTEL = FIXTURES / "npm" / "otel-workspace"


def test_dependents_of_an_internal_package_are_the_members_linking_to_it(run) -> None:
    """``dependents`` of a workspace package lists the members that use it through workspace links
    (before: 0 rows, because internal packages are only USES_PROJECT edges between projects)."""
    assert run("ingest", str(OTEL)).exit_code == 0
    doc = json.loads(run("dependents", "pkg:npm/%40opentelemetry/core", "--format", "json").output)
    got = {(d["name"], d["relation"], d["depth"], d["declared"]) for d in doc["dependents"]}
    assert got == {
        ("@opentelemetry/sdk-trace-base", "declares", 1, "1.0.0"),
        ("@opentelemetry/sdk-node", "declares", 1, "1.0.0"),
        ("opentelemetry", "via-library", 1, None),  # the workspace root lists it as a member
    }
    direct = json.loads(run("dependents", "pkg:npm/%40opentelemetry/core@1.0.0", "--format", "json").output)
    assert direct["count"] == 3
    other = json.loads(run("dependents", "pkg:npm/%40opentelemetry/core@0.9.0", "--format", "json").output)
    assert other["count"] == 0  # the member publishes 1.0.0, not 0.9.0
    shimmer = json.loads(run("dependents", "pkg:npm/shimmer", "--format", "json").output)
    assert {(d["name"], d["relation"], d["depth"]) for d in shimmer["dependents"]} == {
        ("@opentelemetry/sdk-trace-base", "declares", 1),  # its package.json: "shimmer": "^1.2.1"
        ("@opentelemetry/sdk-node", "resolves", 2),  # its own tree, through sdk-trace-base
        ("opentelemetry", "via-library", 2),  # the root, through its member link
    }
