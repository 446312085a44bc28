"""Helpers for injecting real faults into the embedded store: a small disk, a killed server, an org to load."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import comp, sbom

LOG4J = "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"


def write_service_sboms(root: Path, repos: int, components: int) -> Path:
    """``repos`` repositories, each a service SBOM (the cyclonedx-maven-plugin shape) of ``components``
    third-party components plus log4j-core, every one a direct dependency of the service."""
    for i in range(repos):
        d = root / f"service-{i:03d}"
        d.mkdir(parents=True)
        me = f"pkg:maven/com.acme/service-{i:03d}@1.0.{i}"
        deps = [LOG4J] + [f"pkg:maven/org.third{j}/lib-{j}@{1 + (i + j) % 7}.0.{j}" for j in range(components)]
        doc = sbom(comp(me), [comp(c, scope="required") for c in deps], [{"ref": me, "dependsOn": deps}])
        (d / "bom.json").write_text(json.dumps(doc, indent=1))
    return root


def server_pid(data_dir: Path) -> int | None:
    """The pid ``server.json`` records, if any."""
    try:
        return int(json.loads((data_dir / "server.json").read_text())["pid"])
    except (OSError, ValueError, KeyError):
        return None


def kill_server(data_dir: Path) -> None:
    """SIGKILL the embedded server of ``data_dir`` and wait until it is gone."""
    pid = server_pid(data_dir)
    if pid is None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGCONT)  # a test may have stopped it
        os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.02)


@pytest.fixture()
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MiB tmpfs (root only: skipped elsewhere); whatever server a test left on it is killed."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(disk)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield disk
    finally:
        kill_server(disk / "dw")
        subprocess.run(["umount", "-l", str(disk)], check=False)


def fill(disk: Path, leave: int) -> Path:
    """Fill ``disk`` with one file so that only about ``leave`` bytes stay free; returns the file."""
    st = os.statvfs(disk)
    free = st.f_bavail * st.f_frsize
    filler = disk / "filler"
    with open(filler, "wb") as fh:
        fh.write(b"\0" * max(0, free - leave))
    return filler


def children(pid: int) -> set[int]:
    """The live child processes of ``pid`` (Linux /proc)."""
    out: set[int] = set()
    with contextlib.suppress(OSError):
        for task in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(OSError):
                out.update(int(c) for c in Path(f"/proc/{pid}/task/{task}/children").read_text().split())
    return out


def alive(pid: int) -> bool:
    """Whether ``pid`` exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


@pytest.fixture()
def data(tmp_path: Path) -> Iterator[Path]:
    """A data directory of its own, its server stopped without a save at the end (a test's own server)."""
    from planner.store import embedded_server

    path = tmp_path / "dw"
    try:
        yield path
    finally:
        embedded_server.stop(path, save=False)


def kill_ingest_when(cmd: list[str], env: dict[str, str], org: Path, ready: Callable[[], bool]) -> None:
    """Start the store, run ``depwave ingest ORG`` and SIGKILL it once ``ready()`` holds (or it ends, or
    120 s pass); its workers are left to die with it."""
    assert subprocess.run([*cmd, "db", "start"], env=env, capture_output=True).returncode == 0
    proc = subprocess.Popen([*cmd, "ingest", str(org)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not ready() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
