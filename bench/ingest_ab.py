"""A/B of a whole ``depwave ingest`` between two checkouts: the same organisation, a fresh store per run.

Usage::

    python bench/ingest_ab.py --org DIR --base /tmp/ingest-base [--rounds 2] [--data-dir DIR] [--out FILE]

``A`` runs the installed ``depwave`` script with ``PYTHONPATH=BASE`` (another checkout: a detached worktree
of main, or a pinned reference commit), ``B`` runs it as installed (this checkout). Each round ingests the
organisation once per side, alternating A B, B A, …, each time into an emptied store
(``db start``, ``db reset --yes``, ``ingest ORG --format json``, ``db stop``).

Per run, as ``bench/cli_wall.py`` measures a command: wall from spawn to reap, the client's CPU (user +
system of ``depwave ingest`` and of the worker processes it forks and reaps, ``wait4`` rusage) and the
store server's CPU over the same span. Prints min / median / max per side, and checks that every run
exited 0 and that both sides wrote the same number of edge records.

This is how BENCHMARKS.md calibrates a machine whose speed changes from day to day: a reference commit
run beside main in the same hour says what the machine does, the difference between the two what the
code does.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import cli_wall  # noqa: E402  (the per-run measure, the server pid, the depwave script)
import plan_ab  # noqa: E402  (each side's environment, the min/median/max line)


@contextlib.contextmanager
def emptied_store(data_dir: Path, env: dict[str, str]) -> Iterator[int | None]:
    """The store at ``data_dir`` started and emptied (``db start``, ``db reset --yes``), its server's pid
    given; stopped (``db stop``) after, whatever happened."""
    for args in (("db", "start"), ("db", "reset", "--yes")):
        subprocess.run(cli_wall.depwave_argv(*args), env=env, check=True, stdout=subprocess.DEVNULL)
    try:
        yield cli_wall.server_pid(data_dir)
    finally:
        subprocess.run(cli_wall.depwave_argv("db", "stop"), env=env, stdout=subprocess.DEVNULL)


def ingest_argv(org: Path) -> list[str]:
    """``depwave ingest ORG --format json``."""
    return cli_wall.depwave_argv("ingest", str(org), "--format", "json")


def report_of(out: IO[bytes]) -> dict[str, Any]:
    """The JSON report an ingest wrote to ``out`` (a file, read from its start); {} when there is none."""
    out.seek(0)
    text = out.read().decode(errors="replace")
    return json.loads(text) if text.strip().startswith("{") else {}


def ingest_once(org: Path, data_dir: Path, env: dict[str, str]) -> dict[str, Any]:
    """One ingest of ``org`` into the emptied store at ``data_dir``, measured; the server stopped after."""
    with emptied_store(data_dir, env) as pid, tempfile.TemporaryFile() as out:
        run = cli_wall.run_child(ingest_argv(org), env, pid, out)
        report = report_of(out)
    run["edges_written"] = report.get("edges_written")
    run["load"] = cli_wall.load_average()
    return run


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--org", type=Path, required=True, help="an organisation made by bench/synth.py")
    ap.add_argument("--base", type=Path, required=True, help="checkout run as A (PYTHONPATH)")
    ap.add_argument("--rounds", type=int, default=2, help="ingests per side")
    ap.add_argument("--data-dir", type=Path, help="the embedded store's data dir (default: a fresh temp dir)")
    ap.add_argument("--out", type=Path, help="write the runs as JSON")
    ns = ap.parse_args(argv)
    data_dir = ns.data_dir or Path(tempfile.mkdtemp(prefix="depwave-ingest-ab-"))
    envs = {"A": plan_ab.side_env(data_dir, ns.base.resolve()), "B": plan_ab.side_env(data_dir, None)}
    print(f"depwave ingest {ns.org}  (store {data_dir}; A = {ns.base}, B = this checkout)", flush=True)
    runs: dict[str, list[dict[str, Any]]] = {"A": [], "B": []}
    try:
        for i in range(ns.rounds):
            for side in ("A", "B") if i % 2 == 0 else ("B", "A"):
                r = ingest_once(ns.org, data_dir, envs[side])
                print(f"  round {i + 1} {side}: {r['wall_ms'] / 1000:,.1f} s, status {r['status']}", flush=True)
                runs[side].append(r)
    finally:
        if ns.data_dir is None:
            shutil.rmtree(data_dir, ignore_errors=True)
    print(f"{'side':<5} {'wall ms min/median/max':>24} {'client CPU ms':>24} {'server CPU ms':>24}")
    for side, rs in runs.items():
        line = f"{plan_ab.summary(rs, 'wall_ms'):>24} {plan_ab.summary(rs, 'cpu_ms'):>24}"
        print(f"{side:<5} {line} {plan_ab.summary(rs, 'server_cpu_ms'):>24}")
    loads = [r["load"] for rs in runs.values() for r in rs]
    print(f"load average (1 min) after the runs: {min(loads):.2f}-{max(loads):.2f}")
    if ns.out:
        ns.out.write_text(json.dumps({"org": str(ns.org), "base": str(ns.base), "runs": runs}, indent=2) + "\n")
    failed = [r for rs in runs.values() for r in rs if r["status"] != 0]
    edges = {r["edges_written"] for rs in runs.values() for r in rs}
    if failed or len(edges) != 1:
        print(f"CHECK FAILED: {len(failed)} run(s) did not exit 0; edge records written: {sorted(map(str, edges))}")
        return 1
    print(f"checks: every run exited 0; both sides wrote {edges.pop():,} edge records")
    return 0


if __name__ == "__main__":
    sys.exit(main())
