"""End-to-end wall time of depwave commands as a user runs them: the whole ``depwave`` process.

Usage::

    python bench/cli_wall.py [--org DIR | --scale 1.0 --shape default|sbom-heavy --seed 42]
                             [--data-dir DIR] [--reuse] [--runs 10] [--out FILE] [--keep-server]

Loads an organisation made by ``bench/synth.py`` (``--org``, or generated here the way
``bench/run.py`` does) into a fresh embedded store with ``depwave ingest`` (timed once, with the peak
memory of the client processes and of the store's server), then runs each command below as a child
process, one untimed warm-up and ``--runs`` timed runs, the commands taking turns so that a change of
load on the machine falls on all of them alike:

* ``--help``: start-up and click, no store;
* ``dependents`` of a leaf (the deepest log4j service's own package: in the store, nobody depends on it);
* ``dependents`` of a package that is not in the store (the issue's start-up figure);
* ``dependents`` log4j-core; ``dependents`` of the most popular package (the manifest's ``popular``
  target, slf4j-api: nearly every project reaches it; issue 16's in-process target is < 300 ms, see
  ``bench/run.py``); ``exposure`` log4j-core < 2.15.0 (``--offline``);
* ``plan --package log4j-core --fixed 2.17.1 --offline`` (default policy).

Before the timed runs depwave's own packages are compiled to bytecode (:func:`compile_bytecode`), as an
installed package is. Each run's figure is the wall time from spawning ``depwave`` to reaping it (stdout to /dev/null), the
child's own CPU (user + system, its whole process tree) and the store server's CPU over the same span.
Prints min/median/max per command and writes JSON.  The warm-up run's answer is checked: the dependents
counts against the manifest, and every exit status.  The server is stopped at the end unless
``--keep-server``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import run as bench_run  # noqa: E402  (bench/run.py: org preparation, machine info, /proc readers)
import synth  # noqa: E402

LOG4J_CORE = "pkg:maven/org.apache.logging.log4j/log4j-core"
ABSENT = "pkg:maven/org.example/nonexistent"
TARGET_MS = {"dependents leaf": 150.0, "dependents log4j-core": 200.0}
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Command:
    """One command line to time, the exit statuses that mean success, and what to check in its answer."""

    name: str
    args: tuple[str, ...]
    ok_status: tuple[int, ...] = (0,)
    expected_dependents: int | None = None  # checked with --format json in the warm-up


def commands(manifest: dict[str, Any]) -> list[Command]:
    """The commands timed on this organisation."""
    leaf = manifest["deepest_service"].split("#", 1)[1]
    log4j = manifest["targets"]["log4j-core"]
    return [
        Command("--help", ("--help",)),
        Command("dependents leaf", ("dependents", leaf), expected_dependents=0),
        Command("dependents absent", ("dependents", ABSENT), ok_status=(0, 2, 4)),
        Command(
            "dependents log4j-core", ("dependents", log4j["purl"]), expected_dependents=log4j["expected_dependents"]
        ),
        *(
            [Command("dependents popular", ("dependents", p["purl"]), expected_dependents=p["expected_dependents"])]
            if (p := manifest["targets"].get("popular"))
            else []
        ),
        Command("exposure", ("exposure", f"{LOG4J_CORE}@<2.15.0", "--offline"), ok_status=(0, 1)),
        Command("plan", ("plan", "--package", LOG4J_CORE, "--fixed", "2.17.1", "--offline")),
    ]


# -- measuring one child process -------------------------------------------------------------


def load_average() -> float:
    """The 1-minute load average."""
    return float(Path("/proc/loadavg").read_text().split()[0])


def proc_stat(pid: int | str) -> tuple[int, float] | None:
    """A process's parent pid and CPU seconds (user + system) from ``/proc/PID/stat``; None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU of a running process (0 when it is gone or unknown)."""
    stat = proc_stat(pid) if pid is not None else None
    return stat[1] if stat else 0.0


def tree_rss_mb(root: int, exclude: set[int]) -> tuple[float, float]:
    """RSS of ``root`` and of ``root`` plus every descendant (less ``exclude``), in MiB."""
    parent: dict[int, int] = {}
    rss: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        stat = proc_stat(entry.name)
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        if stat is None:
            continue
        pid = int(entry.name)
        parent[pid] = stat[0]
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                rss[pid] = int(line.split()[1]) / 1024
    total = 0.0
    for pid, kb in rss.items():
        p = pid
        while p > 1 and p != root:
            p = parent.get(p, 0)
        if p == root and pid not in exclude:
            total += kb
    return rss.get(root, 0.0), total


class RssSampler:
    """Samples a process tree's RSS every ``interval`` seconds; keeps the peaks."""

    def __init__(self, root: int, exclude: set[int], interval: float = 0.5) -> None:
        self.root, self.exclude, self.interval = root, exclude, interval
        self.peak_main = self.peak_tree = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            main, tree = tree_rss_mb(self.root, self.exclude)
            self.peak_main, self.peak_tree = max(self.peak_main, main), max(self.peak_tree, tree)
            self._stop.wait(self.interval)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def run_child(argv: list[str], env: dict[str, str], server_pid: int | None, stdout: Any = None) -> dict[str, Any]:
    """Run one command to completion: wall, child CPU, server CPU, exit status, peak RSS (wait4)."""
    server_cpu = cpu_seconds(server_pid)
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=stdout or subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    return {
        "wall_ms": round(wall * 1000, 1),
        "cpu_ms": round((usage.ru_utime + usage.ru_stime) * 1000, 1),
        "server_cpu_ms": round((cpu_seconds(server_pid) - server_cpu) * 1000, 1),
        "maxrss_mb": round(usage.ru_maxrss / 1024, 1),
        "status": proc.returncode,
        "stderr": stderr[-2000:],
    }


# -- the benchmark ---------------------------------------------------------------------------


def compile_bytecode() -> dict[str, Any]:
    """Write the bytecode of depwave's own packages before the timed runs, as ``pip install`` does for an
    installed package. An editable install is compiled at its first import, but not where
    ``PYTHONDONTWRITEBYTECODE`` is set (as on the machine these figures come from): each ``depwave`` call
    then compiled ~28 modules from source, 72-96 ms of a ``dependents`` call that a user does not pay."""
    import planner

    roots = [Path(planner.__file__).resolve().parent, Path(planner.__file__).resolve().parents[1] / "loaders"]
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "compileall", "-q", *map(str, roots)], check=True, stdout=subprocess.DEVNULL)
    return {
        "compiled": [str(r) for r in roots],
        "seconds": round(time.perf_counter() - started, 2),
        "PYTHONDONTWRITEBYTECODE": os.environ.get("PYTHONDONTWRITEBYTECODE"),
    }


def depwave_argv(*args: str) -> list[str]:
    """The installed ``depwave`` script next to this interpreter, as a user runs it."""
    return [str(Path(sys.executable).parent / "depwave"), *args]


def server_pid(data_dir: Path) -> int | None:
    """The pid of the embedded server of ``data_dir``, if one runs."""
    from planner.store import embedded_server

    info = embedded_server.status(data_dir)
    return info.pid if info else None


def ingest(org: Path, data_dir: Path, env: dict[str, str]) -> dict[str, Any]:
    """``depwave db start``, ``db reset --yes``, then ``depwave ingest ORG --format json``, measured."""
    for args in (("db", "start"), ("db", "reset", "--yes")):
        subprocess.run(depwave_argv(*args), env=env, check=True, stdout=subprocess.DEVNULL)
    pid = server_pid(data_dir)
    print(f"ingest of {org} ...", flush=True)
    load = load_average()
    with tempfile.TemporaryFile() as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(depwave_argv("ingest", str(org), "--format", "json"), env=env, stdout=out)
        with RssSampler(proc.pid, {pid} if pid else set()) as rss:
            _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode()
    report = json.loads(text) if text.strip().startswith("{") else {"unparsed": text[-2000:]}
    redis = bench_run.proc_status(pid) if pid else {}
    result = {
        "status": proc.returncode,
        "wall_s": round(wall, 1),
        "load_average_before_after": [load, load_average()],
        "client_cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
        "client_peak_rss_mb": round(rss.peak_main, 1),
        "client_tree_peak_rss_mb": round(rss.peak_tree, 1),
        "client_largest_process_maxrss_mb": round(usage.ru_maxrss / 1024, 1),
        "server_peak_rss_mb": redis.get("VmHWM"),
        "server_rss_mb_after": redis.get("VmRSS"),
        "report": {k: v for k, v in report.items() if not isinstance(v, list)},
        "warnings": len(report.get("warnings", [])) if isinstance(report.get("warnings"), list) else None,
    }
    edges = report.get("edges_written")
    if isinstance(edges, int) and wall:
        result["edge_records_per_s"] = round(edges / wall)
    print(f"  {result['wall_s']} s, status {proc.returncode}, {edges} edge records", flush=True)
    return result


def check(cmd: Command, env: dict[str, str], pid: int | None) -> dict[str, Any]:
    """The warm-up run: exit status, and for dependents the answer's count (``--format json``)."""
    first = run_child(depwave_argv(*cmd.args), env, pid)
    out: dict[str, Any] = {"warmup_ms": first["wall_ms"], "status": first["status"]}
    out["status_ok"] = first["status"] in cmd.ok_status
    if not out["status_ok"]:
        out["stderr"] = first["stderr"]
    if cmd.args[0] == "dependents" and cmd.name != "dependents absent":
        proc = subprocess.run(depwave_argv(*cmd.args, "--format", "json"), env=env, capture_output=True, text=True)
        doc = json.loads(proc.stdout) if proc.stdout.strip() else {}
        out["dependents"] = len(doc.get("dependents", []))
        if cmd.expected_dependents is not None:
            out["count_ok"] = out["dependents"] == cmd.expected_dependents
    return out


def time_commands(cmds: list[Command], env: dict[str, str], pid: int | None, runs: int) -> dict[str, Any]:
    """Warm up and check each command, then ``runs`` rounds of every command in turn."""
    results: dict[str, Any] = {c.name: {"args": list(c.args), "check": check(c, env, pid), "runs": []} for c in cmds}
    for i in range(runs):
        print(f"  round {i + 1}/{runs} (load {load_average():.2f})", flush=True)
        for c in cmds:
            r = run_child(depwave_argv(*c.args), env, pid)
            r["load"] = load_average()
            r.pop("stderr")
            results[c.name]["runs"].append(r)
    for entry in results.values():
        walls = [r["wall_ms"] for r in entry["runs"]]
        cpus = [r["cpu_ms"] for r in entry["runs"]]
        servers = [r["server_cpu_ms"] for r in entry["runs"]]
        entry["wall_ms"] = {"min": min(walls), "median": round(statistics.median(walls), 1), "max": max(walls)}
        entry["cpu_ms_median"] = round(statistics.median(cpus), 1)
        entry["server_cpu_ms_median"] = round(statistics.median(servers), 1)
        entry["maxrss_mb_max"] = max(r["maxrss_mb"] for r in entry["runs"])
    return results


def table(r: dict[str, Any]) -> str:
    """The figures for people."""
    o = r["org"]
    lines = [
        f"org: {o['shape']} shape, {o['repos']:,} repos, {o['projects']:,} projects, {o['files']:,} files, "
        f"{o['total_components']:,} components, {o['pairs']['distinct']:,} DEPENDS_ON pairs",
    ]
    ing = r.get("ingest")
    if ing:
        lines.append(
            f"ingest: {ing['wall_s']} s wall, {ing.get('edge_records_per_s', 0):,} edge records/s, status "
            f"{ing['status']}; client peak RSS {ing['client_peak_rss_mb']} MiB (with workers "
            f"{ing['client_tree_peak_rss_mb']} MiB), server peak RSS {ing['server_peak_rss_mb']} MiB; "
            f"load {ing['load_average_before_after']}"
        )
    lines.append("")
    lines.append(
        f"{'command':<24} {'min ms':>8} {'median':>8} {'max ms':>8} {'CPU ms':>8} {'server':>8} {'RSS MiB':>8}  check"
    )
    for name, e in r["commands"].items():
        w = e["wall_ms"]
        c = e["check"]
        verdict = "ok" if c["status_ok"] and c.get("count_ok", True) else f"FAILED {c}"
        if "dependents" in c:
            verdict += f" ({c['dependents']:,} dependents)"
        lines.append(
            f"{name:<24} {w['min']:>8,.0f} {w['median']:>8,.0f} {w['max']:>8,.0f} {e['cpu_ms_median']:>8,.0f}"
            f" {e['server_cpu_ms_median']:>8,.0f} {e['maxrss_mb_max']:>8,.0f}  {verdict}"
        )
    lines.append("")
    for k, v in r["targets"].items():
        lines.append(f"{'MET   ' if v['met'] else 'MISSED'} {k}: median {v['value']} ms")
    lines.append(f"load average (1 min) during the timed runs: {r['load_min']:.2f}-{r['load_max']:.2f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--org", type=Path, help="an organisation made by bench/synth.py (default: generate one)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--scale", type=float, default=1.0, help="multiplies repos/projects/edges (as bench/run.py)")
    ap.add_argument("--shape", choices=synth.SHAPES, default="default")
    ap.add_argument("--data-dir", type=Path, help="the embedded store's data dir (default: a fresh temp dir)")
    ap.add_argument("--reuse", action="store_true", help="the data dir already holds this org: no ingest")
    ap.add_argument("--runs", type=int, default=10, help="timed runs of each command (after one warm-up)")
    ap.add_argument("--out", type=Path, help="JSON results (default: bench/out/cli-wall-<shape>.json)")
    ap.add_argument("--keep-server", action="store_true", help="leave the embedded server running")
    args = ap.parse_args(argv)

    org, manifest, generated = bench_run.prepare_org(args.org, args.seed, args.scale, args.shape)
    data_dir = (args.data_dir or Path(tempfile.mkdtemp(prefix="dw-cli-wall-"))).resolve()
    env = {**os.environ, "DEPWAVE_DATA_DIR": str(data_dir), "DEPWAVE_STORE": "embedded"}
    results: dict[str, Any] = {
        "machine": bench_run.machine(),
        "args": {k: str(v) for k, v in vars(args).items()},
        "org": {k: v for k, v in manifest.items() if k != "targets"} | {"path": str(org)},
    }
    from planner.store import embedded_server

    try:
        if not args.reuse:
            results["ingest"] = ingest(org, data_dir, env)
        else:
            subprocess.run(depwave_argv("db", "start"), env=env, check=True, stdout=subprocess.DEVNULL)
        pid = server_pid(data_dir)
        results["bytecode"] = compile_bytecode()
        cmds = commands(manifest)
        print(f"timing {len(cmds)} commands, {args.runs} runs each ...", flush=True)
        results["commands"] = time_commands(cmds, env, pid, args.runs)
        if pid:
            results["server_after"] = bench_run.proc_status(pid)
    finally:
        if not args.keep_server:
            embedded_server.stop(data_dir)
        if generated:
            shutil.rmtree(org, ignore_errors=True)
        if not args.data_dir and not args.keep_server:
            shutil.rmtree(data_dir, ignore_errors=True)
    loads = [r["load"] for e in results["commands"].values() for r in e["runs"]]
    results["load_min"], results["load_max"] = min(loads), max(loads)
    results["targets"] = {
        f"{name} < {ms:.0f} ms wall": {
            "value": results["commands"][name]["wall_ms"]["median"],
            "met": results["commands"][name]["wall_ms"]["median"] < ms,
        }
        for name, ms in TARGET_MS.items()
    }
    out = args.out or HERE / "out" / f"cli-wall-{manifest['shape']}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print()
    print(table(results))
    print(f"\nresults: {out}")
    return 0 if all(v["met"] for v in results["targets"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
