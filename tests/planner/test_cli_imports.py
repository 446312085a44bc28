"""A read command imports only what it needs and connects to the store once (issue 16).

Each case runs ``depwave`` in a fresh interpreter (the imports of this test session would hide an eager
import) and lists the modules it imported and the sockets it connected. An eager import of write-side
store code, of another command's module or of rich's table (or of rich at all for JSON) fails here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

LOG4J = "pkg:maven/org.apache.logging.log4j/log4j-core"

#: runs depwave with argv[1:] in this interpreter, then writes the modules it imported (those the interpreter
#: had at start left out) and the sockets it connected to the file named by $IMPORTS_OUT
PROBE = """
import sys
at_start = set(sys.modules)  # what the interpreter (site, .pth files) imported before depwave
import json, os, socket
connects = []
_connect = socket.socket.connect
def counting_connect(self, address):
    connects.append(str(address))
    return _connect(self, address)
socket.socket.connect = counting_connect
from planner.cli import cli
try:
    cli.main(sys.argv[1:], prog_name="depwave")
except SystemExit as exc:
    code = exc.code
else:
    code = 0
with open(os.environ["IMPORTS_OUT"], "w") as fh:
    json.dump({"code": code, "modules": sorted(set(sys.modules) - at_start), "connects": connects}, fh)
"""

#: never needed to answer a read: the records and the write side of the store, other commands' modules,
#: the falkordb client (redis-py), and what only starting a server needs
NOT_FOR_READS = (
    "planner.model",
    "planner.store.rows",
    "planner.store.record_rows",
    "planner.store.relationships",
    "planner.cli.campaign",
    "planner.cli.db",
    "planner.cli.exposure",
    "planner.cli.ingest",
    "planner.cli.notify",
    "planner.cli.remediation",
    "planner.cli.sbom",
    "planner.output_file",
    "falkordb",
    "redis",
    "subprocess",
)


def probe(data_dir: Path, tmp_path: Path, *args: str) -> dict:
    out = tmp_path / "imports.json"
    env = {**os.environ, "DEPWAVE_DATA_DIR": str(data_dir), "IMPORTS_OUT": str(out), "DEPWAVE_STORE": "embedded"}
    subprocess.run([sys.executable, "-c", PROBE, *args], env=env, cwd=ROOT, check=True, capture_output=True)
    return json.loads(out.read_text())


@pytest.fixture(scope="module")
def examples_store(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    env = {**os.environ, "DEPWAVE_DATA_DIR": str(data_dir)}
    depwave = [sys.executable, "-c", "from planner.cli import main; main()"]
    subprocess.run([*depwave, "db", "reset", "--yes"], env=env, check=True, capture_output=True)
    subprocess.run([*depwave, "ingest", str(ROOT / "examples")], env=env, check=True, capture_output=True)
    return data_dir


@pytest.mark.parametrize(
    "args",
    [
        ("dependents", LOG4J, "--format", "json"),
        ("dependents", LOG4J),
        ("dependents", "pkg:maven/org.example/nonexistent"),
        ("versions", LOG4J, "--format", "json"),
        ("why", "orders-service", LOG4J, "--format", "json"),
        ("services", "--format", "json"),
    ],
    ids=lambda a: " ".join(a),
)
def test_a_read_command_imports_no_write_side_code(examples_store: Path, tmp_path: Path, args: tuple[str, ...]) -> None:
    found = probe(examples_store, tmp_path, *args)
    assert found["code"] == 0
    imported = set(found["modules"])
    assert "planner.cli.lookups" in imported and "planner.store.embedded" in imported  # it did run
    assert sorted(m for m in NOT_FOR_READS if m in imported) == []


def test_dependents_json_never_imports_rich(examples_store: Path, tmp_path: Path) -> None:
    found = probe(examples_store, tmp_path, "dependents", LOG4J, "--format", "json")
    assert [m for m in found["modules"] if m == "rich" or m.startswith("rich.")] == []


def test_a_table_is_drawn_without_rich_tables(examples_store: Path, tmp_path: Path) -> None:
    found = probe(examples_store, tmp_path, "dependents", LOG4J)
    assert "rich.console" in found["modules"]  # the lines around the table
    assert "rich.table" not in found["modules"]
    assert "rich._emoji_codes" not in found["modules"]  # names are printed as written, never as emoji


@pytest.mark.parametrize(
    "args",
    [("exposure", f"{LOG4J}@<2.15.0", "--offline"), ("why", "orders-service", LOG4J)],
    ids=lambda a: a[0],
)
def test_exposure_and_why_never_import_networkx(examples_store: Path, tmp_path: Path, args: tuple[str, ...]) -> None:
    """Their project graphs are planner.digraph's: networkx's import alone is ~100 ms (only plan needs it)."""
    found = probe(examples_store, tmp_path, *args)
    assert found["code"] in (0, 1)
    assert "planner.digraph" in found["modules"]
    assert [m for m in found["modules"] if m == "networkx" or m.startswith("networkx.")] == []


@pytest.mark.parametrize(
    "args",
    [
        ("dependents", LOG4J),
        ("versions", LOG4J),
        ("exposure", f"{LOG4J}@<2.15.0", "--offline"),
        ("plan", "--package", LOG4J, "--fixed", "2.17.1", "--offline"),
    ],
    ids=lambda a: a[0],
)
def test_a_command_connects_to_the_store_once(examples_store: Path, tmp_path: Path, args: tuple[str, ...]) -> None:
    found = probe(examples_store, tmp_path, *args)
    assert found["code"] in (0, 1)  # exposure exits 1: exposed
    assert found["connects"] == [str(examples_store.resolve() / "falkordb.sock")]


def test_help_lists_every_command_from_its_own_module(tmp_path: Path) -> None:
    res = subprocess.run(
        [sys.executable, "-c", "from planner.cli import main; main()", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    listed = [line.split()[0] for line in res.stdout.split("Commands:")[1].splitlines() if line.strip()]
    assert listed == sorted(
        [
            *("campaign", "db", "dependents", "exposure", "fix", "ingest", "notify", "plan", "query", "report"),
            *("sbom", "services", "usage", "versions", "why"),
        ]
    )
    assert "  dependents  What depends on PURL (versionless or @version), directly..." in res.stdout
