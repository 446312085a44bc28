"""bench/run.py --store neo4j stops with a clear message, before generating anything, when it cannot run;
bench/cli_wall.py times the commands it says it times."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
import cli_wall


def _run_bench(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    return subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--store", "neo4j", "--scale", "0.01", *args],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        ((), {}, "NEO4J_URI is not set"),
        ((), {"NEO4J_URI": "bolt://127.0.0.1:1"}, "pass --reset-neo4j to confirm"),
        (("--reset-neo4j",), {"NEO4J_URI": "closed"}, "cannot reach Neo4j at bolt://127.0.0.1:"),
    ],
    ids=["no-uri", "no-reset-flag", "no-server"],
)
def test_neo4j_store_that_cannot_run_stops_before_generating(args, env, message) -> None:
    if env.get("NEO4J_URI") == "closed":
        env = {"NEO4J_URI": f"bolt://127.0.0.1:{_closed_port()}"}
    proc = _run_bench(*args, **env)
    assert proc.returncode == 1
    assert message in proc.stderr
    assert "generating the organisation" not in proc.stdout


def test_cli_wall_times_a_leaf_nobody_depends_on_and_log4j_core() -> None:
    manifest = {
        "deepest_service": "repo0007/svc-a#pkg:maven/com.synth.repo0007/svc-a",
        "targets": {"log4j-core": {"purl": "pkg:maven/org.apache.logging.log4j/log4j-core", "expected_dependents": 43}},
    }
    by_name = {c.name: c for c in cli_wall.commands(manifest)}
    assert by_name["dependents leaf"].args == ("dependents", "pkg:maven/com.synth.repo0007/svc-a")
    assert by_name["dependents leaf"].expected_dependents == 0
    assert by_name["dependents log4j-core"].args == ("dependents", "pkg:maven/org.apache.logging.log4j/log4j-core")
    assert by_name["dependents log4j-core"].expected_dependents == 43
    assert by_name["exposure"].ok_status == (0, 1)  # exit 1 = exposed
    assert list(by_name) == [
        "--help",
        "dependents leaf",
        "dependents absent",
        "dependents log4j-core",
        "exposure",
        "plan",
    ]
    manifest["targets"]["popular"] = {"purl": "pkg:maven/org.slf4j/slf4j-api", "expected_dependents": 99}
    popular = {c.name: c for c in cli_wall.commands(manifest)}["dependents popular"]
    assert (popular.args, popular.expected_dependents) == (("dependents", "pkg:maven/org.slf4j/slf4j-api"), 99)


def test_cli_wall_times_depwave_with_its_bytecode_written_as_an_installed_package_has_it() -> None:
    import importlib.util

    import planner.dependents

    cached = Path(importlib.util.cache_from_source(planner.dependents.__file__))
    cached.unlink(missing_ok=True)
    done = cli_wall.compile_bytecode()
    assert cached.is_file()  # what `depwave dependents` imports is read from bytecode, not compiled per call
    assert str(Path(planner.dependents.__file__).parent) in done["compiled"]
