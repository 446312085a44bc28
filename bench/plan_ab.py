"""A/B of one depwave command line between two checkouts, on the same running store.

Usage::

    python bench/plan_ab.py --data-dir DIR --base /tmp/plan-base [--runs 10] [--check] [-- ARGS...]

``A`` runs the installed ``depwave`` script with ``PYTHONPATH=BASE`` (another checkout: a detached
worktree of main), ``B`` runs it as installed (this checkout). ARGS default to the plan that
``bench/cli_wall.py`` times: ``plan --package log4j-core --fixed 2.17.1 --offline``.

Runs alternate A B, B A, … so that a change of load falls on both alike. Each run's figures (as
``bench/cli_wall.py`` measures them): wall from spawn to reap, the child's own CPU (user + system,
``wait4`` rusage: the less noisy figure), the store server's CPU over the same span, and the 1-minute
load average. Prints min / median / max per side. ``PYTHONDONTWRITEBYTECODE`` is dropped from the
children's environment: with it set and no cached bytecode yet, every run compiles depwave's modules again.

``--check`` first compares the two sides' stdout byte for byte in every plan format (``text``,
``json``, ``markdown``, ``mermaid``, ``dot``) and exits 1 on a difference.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import cli_wall  # noqa: E402  (the per-run measure, the server pid)

LOG4J_CORE = "pkg:maven/org.apache.logging.log4j/log4j-core"
DEFAULT_ARGS = ("plan", "--package", LOG4J_CORE, "--fixed", "2.17.1", "--offline")
FORMATS = ("text", "json", "markdown", "mermaid", "dot")


def side_env(data_dir: Path, base: Path | None) -> dict[str, str]:
    """The environment of one side: the store, and for A the other checkout first on the path."""
    env = {**os.environ, "DEPWAVE_DATA_DIR": str(data_dir), "DEPWAVE_STORE": "embedded"}
    env.pop("PYTHONPATH", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # both sides import cached bytecode, as an installed depwave does
    if base is not None:
        env["PYTHONPATH"] = str(base)
    return env


def check_outputs(args: tuple[str, ...], envs: dict[str, dict[str, str]]) -> bool:
    """Both sides' stdout in every format, byte for byte (and their exit status)."""
    same = True
    for fmt in FORMATS:
        outs = {}
        for side, env in envs.items():
            proc = subprocess.run(cli_wall.depwave_argv(*args, "--format", fmt), env=env, capture_output=True)
            outs[side] = (proc.returncode, proc.stdout)
        equal = outs["A"] == outs["B"]
        same &= equal
        print(
            f"  {fmt:<9} {'identical' if equal else 'DIFFERENT'} ({len(outs['B'][1]):,} bytes, status {outs['B'][0]})"
        )
    return same


def summary(runs: list[dict[str, Any]], key: str) -> str:
    xs = [r[key] for r in runs]
    return f"{min(xs):>7,.0f} {statistics.median(xs):>7,.0f} {max(xs):>7,.0f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("--base", type=Path, required=True, help="checkout run as A (PYTHONPATH)")
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--check", action="store_true", help="compare outputs in every format first")
    ap.add_argument("--out", type=Path, help="write the runs as JSON")
    ap.add_argument("args", nargs="*", help="the depwave command line (after --)")
    ns = ap.parse_args(argv)
    args = tuple(ns.args) or DEFAULT_ARGS
    envs = {"A": side_env(ns.data_dir, ns.base.resolve()), "B": side_env(ns.data_dir, None)}
    subprocess.run(cli_wall.depwave_argv("db", "start"), env=envs["B"], check=True, stdout=subprocess.DEVNULL)
    pid = cli_wall.server_pid(ns.data_dir)
    print(f"depwave {' '.join(args)}  (store {ns.data_dir}, server pid {pid})")
    if ns.check and not check_outputs(args, envs):
        return 1
    if ns.runs < 1:
        return 0
    for env in envs.values():  # warm-up
        cli_wall.run_child(cli_wall.depwave_argv(*args), env, pid)
    runs: dict[str, list[dict[str, Any]]] = {"A": [], "B": []}
    for i in range(ns.runs):
        for side in ("A", "B") if i % 2 == 0 else ("B", "A"):
            r = cli_wall.run_child(cli_wall.depwave_argv(*args), envs[side], pid)
            r["load"] = cli_wall.load_average()
            r.pop("stderr")
            runs[side].append(r)
    print(f"{'side':<5} {'wall ms min/median/max':>24} {'client CPU ms':>24} {'server CPU ms':>24}")
    for side, rs in runs.items():
        print(f"{side:<5} {summary(rs, 'wall_ms'):>24} {summary(rs, 'cpu_ms'):>24} {summary(rs, 'server_cpu_ms'):>24}")
    loads = [r["load"] for rs in runs.values() for r in rs]
    print(f"load average (1 min) during the runs: {min(loads):.2f}-{max(loads):.2f}")
    if ns.out:
        ns.out.write_text(json.dumps({"args": list(args), "runs": runs}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
