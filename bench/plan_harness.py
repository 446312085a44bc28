"""Plan harness: capture ``depwave plan --format json`` under three policies, and time the wave planner.

    python bench/synth.py /tmp/waves-org --seed 7 --repos 200 --projects 2000 --edges 60000   # once
    python bench/plan_harness.py --org /tmp/waves-org --out /tmp/plans-before [--runs 5]
    python bench/plan_harness.py --org /tmp/waves-org --out /tmp/plans-after --compare /tmp/plans-before

Ingests ``examples/`` and the synthetic organisation into two embedded stores under ``--data-dir``, then
for each tree and each policy below writes ``OUT/<tree>-<policy>.json``, the bytes ``depwave plan
--package log4j-core --fixed 2.17.1 --offline --format json`` prints (a subprocess, as a user runs it).

Policies: ``default`` (no policy file: production first), ``no-defer`` (``defer_libraries: false``) and
``overrides`` (libraries may override, CI capacity 3 org-wide and 1 per repository, a prod freeze
window, clean-up wave).

Timing: ``build_plan`` alone, in this process, on the graph the planner receives (read once from the
store), ``--runs`` times after one warm-up; the p50 and min are printed per tree and policy. It counts the
wave planner only (strategy choice, both schedules, lower bound, baseline), not the store queries.

``--compare DIR``: after capturing, report which files differ from an earlier capture (exit 1 when any).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LOG4J = "pkg:maven/org.apache.logging.log4j/log4j-core"
POLICIES = {
    "default": None,
    "no-defer": "version: 1\ndefer_libraries: false\n",
    "overrides": (
        "version: 1\n"
        "strategies:\n"
        "  libraries: [override, propagate]\n"
        "  services: [override, propagate]\n"
        "capacity:\n"
        "  org: 3\n"
        "  per_repo: 1\n"
        "  kinds: [build, publish]\n"
        "environments: [dev, staging, prod]\n"
        "freeze:\n"
        "  - {environment: prod, start: 1, end: 3}\n"
        "cleanup: true\n"
    ),
}


def depwave(data_dir: Path, *args: str, cwd: Path) -> bytes:
    """Run the depwave CLI of this checkout's interpreter against one data dir; its stdout."""
    env = {**os.environ, "DEPWAVE_DATA_DIR": str(data_dir)}
    cmd = [str(Path(sys.executable).parent / "depwave"), *args]
    done = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, check=False)
    if done.returncode not in (0, 3):
        sys.exit(f"{' '.join(args)}: exit {done.returncode}\n{done.stderr.decode()}")
    return done.stdout


def planner_graph(data_dir: Path, policy_file: Path | None):
    """The graph, target, policy and comparator ``build_plan`` receives for the log4j plan of one store."""
    from planner import planning
    from planner.planning import PlanRequest, make_plan
    from planner.policy import Policy, load_policy
    from planner.store.embedded import EmbeddedStore

    captured = {}
    real = planning.build_plan

    def record(graph, target, policy=None, compare=None, completed=frozenset()):
        captured.update(graph=graph, target=target, policy=policy, compare=compare, completed=completed)
        return real(graph, target, policy, compare, completed)

    policy = load_policy(policy_file) if policy_file else Policy()
    planning.build_plan = record
    try:
        make_plan(EmbeddedStore(data_dir), PlanRequest(package=LOG4J, fixed="2.17.1"), policy, lambda _: [])
    finally:
        planning.build_plan = real
    return captured


def time_build_plan(args: dict, runs: int) -> list[float]:
    """Seconds of each of ``runs`` calls of build_plan (after one warm-up)."""
    from planner.waves import build_plan

    build_plan(**args)
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        build_plan(**args)
        out.append(time.perf_counter() - t)
    return out


def main() -> int:
    """Capture, time and optionally compare."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--org", type=Path, default=Path("/tmp/waves-org"))
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--data-dir", type=Path, default=Path(os.environ.get("DEPWAVE_DATA_DIR", "/tmp/dw-harness")))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="the data dirs already hold both trees")
    parser.add_argument("--compare", type=Path)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    trees = {"examples": ROOT / "examples", "org": args.org}
    cwd = Path(tempfile.gettempdir()) / "plan-harness-policies"  # fixed: the plan JSON names its policy file
    cwd.mkdir(exist_ok=True)
    for tree, path in trees.items():
        data = args.data_dir / tree
        if not args.reuse:
            depwave(data, "db", "reset", "--yes", cwd=cwd)
            depwave(data, "ingest", str(path), "--no-scan", "--format", "json", cwd=cwd)
        for name, text in POLICIES.items():
            policy_args: list[str] = []
            policy_file = None
            if text is not None:
                policy_file = cwd / f"{name}.yaml"
                policy_file.write_text(text)
                policy_args = ["--policy", str(policy_file)]
            cmd = ["plan", "--package", LOG4J, "--fixed", "2.17.1", "--offline", "--format", "json"]
            (args.out / f"{tree}-{name}.json").write_bytes(depwave(data, *cmd, *policy_args, cwd=cwd))
            os.environ["DEPWAVE_DATA_DIR"] = str(data)
            secs = time_build_plan(planner_graph(data, policy_file), args.runs)
            print(
                f"{tree:9} {name:10} build_plan p50 {statistics.median(secs) * 1000:8.1f} ms"
                f"  min {min(secs) * 1000:8.1f} ms  ({args.runs} runs)",
                flush=True,
            )
        depwave(data, "db", "stop", cwd=cwd)
    if args.compare is None:
        return 0
    differ = [p.name for p in sorted(args.compare.glob("*.json")) if (args.out / p.name).read_bytes() != p.read_bytes()]
    print("identical" if not differ else f"differ: {', '.join(differ)}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
