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
