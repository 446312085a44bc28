"""Where the cores go during one ``depwave ingest``: CPU per role, sampled, as a timeline.

Usage::

    python bench/ingest_cores.py --org DIR [--every 5] [--window 100] [--data-dir DIR] [--out FILE]

Ingests the organisation once into an emptied embedded store (``db start``, ``db reset --yes``,
``ingest ORG --format json``, ``db stop``) and reads ``/proc`` every ``--every`` seconds meanwhile. Each
sample's CPU (user + system since the sample before) goes to a role:

* ``depwave``: the ``depwave ingest`` process (discovery, feeding the store, the checks, the links);
* ``workers``: the processes it forked (parse, rows, rendering);
* ``server``: the store's ``redis-server``;
* ``server forks``: the processes the server forked (an AOF rewrite, an RDB save).

Prints the cores each role used per ``--window`` seconds and in all, and the wall time. A timeline
shows what totals hide: with chunks of 1,000 files on the 10M organisation, the two workers never parsed
at once (0.95 cores between them from start to end; BENCHMARKS.md, "Worker chunks by bytes").
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import cli_wall  # noqa: E402  (the /proc reader, the depwave script)
import ingest_ab  # noqa: E402  (the emptied store, the ingest's command line and report)
import plan_ab  # noqa: E402  (the environment of a run on this checkout)

ROLES = ("depwave", "workers", "server", "server forks")


def process_table() -> dict[int, tuple[int, float]]:
    """Every process's parent and CPU seconds (user + system), from ``/proc``."""
    out: dict[int, tuple[int, float]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit() and (stat := cli_wall.proc_stat(entry.name)) is not None:
            out[int(entry.name)] = stat
    return out


def role(pid: int, table: dict[int, tuple[int, float]], client: int, server: int | None) -> str | None:
    """Which role ``pid`` plays: the client, one of its descendants, the server, or one of its forks."""
    if pid == client:
        return "depwave"
    if pid == server:
        return "server"
    p = table[pid][0]
    while p > 1:
        if p == client:
            return "workers"
        if p == server:
            return "server forks"
        p = table.get(p, (0, 0.0))[0]
    return None


def sample_ingest(org: Path, env: dict[str, str], data_dir: Path, every: float) -> dict[str, Any]:
    """One measured ingest: the samples (seconds since the start, CPU per role), wall, exit status, report."""
    samples: list[tuple[float, dict[str, float]]] = []
    seen: dict[int, float] = {}  # each process's CPU at the sample before
    with ingest_ab.emptied_store(data_dir, env) as server, tempfile.TemporaryFile() as out:
        t0 = time.monotonic()
        proc = subprocess.Popen(ingest_ab.ingest_argv(org), env=env, stdout=out)
        while True:
            done = proc.poll() is not None
            table = process_table()
            used: dict[str, float] = defaultdict(float)
            for pid, (_, cpu) in table.items():
                name = role(pid, table, proc.pid, server)
                if name is not None:
                    used[name] += cpu - seen.get(pid, 0.0)
                    seen[pid] = cpu
            samples.append((time.monotonic() - t0, dict(used)))
            if done:
                break
            time.sleep(every)
        wall = time.monotonic() - t0
        report = ingest_ab.report_of(out)
    return {"wall_s": round(wall, 1), "status": proc.returncode, "report": report, "samples": samples}


def timeline(samples: list[tuple[float, dict[str, float]]], window: float) -> list[tuple[float, dict[str, float]]]:
    """Cores used per role in each ``window`` seconds (CPU seconds of the samples in it over its length).
    A worker that exited between two samples is missed there (its last CPU is not read): small."""
    by: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for t, used in samples:
        for name, cpu in used.items():
            by[int(t // window)][name] += cpu
    last = samples[-1][0] if samples else 0.0
    rows = []
    for w in sorted(by):
        span = min(window, last - w * window) or window
        rows.append((w * window, {name: by[w].get(name, 0.0) / span for name in ROLES}))
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--org", type=Path, required=True, help="an organisation made by bench/synth.py")
    ap.add_argument("--every", type=float, default=5.0, help="seconds between samples")
    ap.add_argument("--window", type=float, default=100.0, help="seconds per timeline row")
    ap.add_argument("--data-dir", type=Path, help="the embedded store's data dir (default: a fresh temp dir)")
    ap.add_argument("--out", type=Path, help="write the samples as JSON")
    ns = ap.parse_args(argv)
    data_dir = ns.data_dir or Path(tempfile.mkdtemp(prefix="depwave-cores-"))
    try:
        run = sample_ingest(ns.org, plan_ab.side_env(data_dir, None), data_dir, ns.every)
    finally:
        if ns.data_dir is None:
            shutil.rmtree(data_dir, ignore_errors=True)
    print(f"depwave ingest {ns.org}: {run['wall_s']:,.1f} s wall, status {run['status']}")
    print(f"{'from s':>7} " + " ".join(f"{name:>13}" for name in ROLES) + f" {'all':>6}   (cores in use)")
    for start, cores in timeline(run["samples"], ns.window):
        print(f"{start:>7.0f} " + " ".join(f"{cores[n]:>13.2f}" for n in ROLES) + f" {sum(cores.values()):>6.2f}")
    totals = {name: sum(u.get(name, 0.0) for _, u in run["samples"]) for name in ROLES}
    print("CPU seconds: " + ", ".join(f"{name} {totals[name]:,.1f}" for name in ROLES))
    if ns.out:
        ns.out.write_text(json.dumps({"org": str(ns.org), **run, "cpu_s": totals}, indent=2) + "\n")
    return 0 if run["status"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
