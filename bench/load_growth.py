"""Why a big ingest's load statements get slower as the graph grows (issue 16): per-statement server cost.

``python bench/load_growth.py ORG --data-dir DIR [--label NAME] [--config NAME=VALUE ...]
[--drop-index TYPE ...] [--batch-rows N] [--save DIR] [--out FILE]`` restarts and resets the embedded store in DIR, applies the
FalkorDB settings (``GRAPH.CONFIG SET``) and drops the relationship ``source`` indexes named, then runs
``planner.ingest.ingest`` on ORG as depwave does (workers, bulk mode) and records, for every load
statement the main process sends (``EmbeddedStore.load_prepared``): its wall time, the CPU the
redis-server process used meanwhile (utime + stime from ``/proc``: the query, index upkeep, matrix
synchronisation, everything), its size, and the relationships in the store after it (every
``--count-every`` statements). It prints the statements in deciles (server CPU per statement and per
MB of statement text) and writes the rows as JSON. ``--save DIR`` also writes each statement's text to
``DIR/NNNN.cypher`` for ``bench/load_profile.py``.

The store's final answer is checked (RESOLVES and DEPENDS_ON against the generator's manifest) so an
A/B variant that loads the wrong graph shows. Figures are for one whole process on a shared machine:
run at ``nice -n 10`` and quote the load average the JSON records.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from tree_memory import TreeMemory

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def server_cpu_s(pid: int) -> float:
    """utime + stime of process ``pid`` in seconds (all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def relationship_count(store: Any) -> int:
    """All relationships in the graph (FalkorDB answers from its matrices' sizes)."""
    return int(store.query("count_all_relationships")[0]["n"])


class StatementTrace:
    """Wraps ``EmbeddedStore.load_prepared`` to time every load statement."""

    def __init__(self, store: Any, save: Path | None, count_every: int) -> None:
        self.store = store
        self.pid = store.server.pid
        self.save = save
        self.count_every = count_every
        self.rows: list[dict[str, Any]] = []

    def install(self) -> None:
        """Replace the store class's ``load_prepared`` by a timed one."""
        original = type(self.store).load_prepared
        trace = self

        def timed(store: Any, prepared: str | bytes) -> None:
            n = len(trace.rows)
            if trace.save is not None:
                path = trace.save / f"{n:04d}.cypher"
                path.write_bytes(prepared) if isinstance(prepared, bytes) else path.write_text(prepared)
            cpu0, t0 = server_cpu_s(trace.pid), time.perf_counter()
            original(store, prepared)
            wall, cpu = time.perf_counter() - t0, server_cpu_s(trace.pid) - cpu0
            row = {
                "n": n,
                "mb": round(len(prepared) / 2**20, 3),
                "wall_s": round(wall, 3),
                "server_cpu_s": round(cpu, 3),
            }
            if trace.count_every and (n + 1) % trace.count_every == 0:
                row["relationships_after"] = relationship_count(store)
            trace.rows.append(row)

        type(self.store).load_prepared = timed


def client_cpu_s() -> float:
    """CPU of this process and of its finished children (the ingest's workers), user + system."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def server_peak_rss_mb(pid: int) -> float:
    """The server's peak resident memory (VmHWM) in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def apply_variant(store: Any, configs: list[str], drop_types: list[str]) -> None:
    """``GRAPH.CONFIG SET`` each NAME=VALUE; drop the ``source`` index of each relationship type."""
    for item in configs:
        name, value = item.split("=", 1)
        store._conn.execute_command("GRAPH.CONFIG", "SET", name, value)
    for rel_type in drop_types:
        store.run(f"DROP INDEX FOR ()-[r:{rel_type}]-() ON (r.source)", write=True)


def deciles(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The statements in ten consecutive groups: server CPU per statement and per MB sent."""
    out = []
    size = max(1, len(rows) // 10)
    for start in range(0, len(rows), size):
        part = rows[start : start + size]
        cpu = sum(r["server_cpu_s"] for r in part)
        mb = sum(r["mb"] for r in part)
        out.append(
            {
                "statements": f"{part[0]['n']}-{part[-1]['n']}",
                "server_cpu_per_stmt_s": round(cpu / len(part), 3),
                "server_cpu_per_mb_s": round(cpu / mb, 4) if mb else None,
                "wall_per_stmt_s": round(sum(r["wall_s"] for r in part) / len(part), 3),
                "relationships_after": next(
                    (r["relationships_after"] for r in reversed(part) if "relationships_after" in r), None
                ),
            }
        )
    return out


def checks(store: Any, org: Path) -> dict[str, Any]:
    """RESOLVES and DEPENDS_ON in the store against the generator's manifest."""
    manifest = json.loads((org / "manifest.json").read_text())
    rels = store.stats()["relationships"]
    want_resolves = manifest["expected"]["resolves_edges"]
    want_depends = manifest["expected"]["depends_on_edges"]
    return {
        "RESOLVES": rels.get("RESOLVES", 0),
        "RESOLVES_expected": want_resolves,
        "DEPENDS_ON": rels.get("DEPENDS_ON", 0),
        "DEPENDS_ON_expected": want_depends,
        "ok": rels.get("RESOLVES", 0) == want_resolves and rels.get("DEPENDS_ON", 0) == want_depends,
    }


class CheckTimer:
    """Times the ingest's check after the loads (planner/ingest/verify.py) and keeps what it found."""

    def __init__(self, verify: Any) -> None:
        self.seconds = 0.0
        self.differences: list[str] = []
        inner = verify.find_differences

        def timed(store: Any, expected: Any) -> Any:
            t0 = time.perf_counter()
            found = inner(store, expected)
            self.seconds += time.perf_counter() - t0
            lines = [f"{d.source}: {d.describe()}" for d in found]
            self.differences += lines
            for line in lines[:20]:  # now: the reload that follows may kill the server
                print("check found:", line, file=sys.stderr, flush=True)
            return found

        verify.find_differences = timed


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Reset, apply the variant, ingest with the trace, check, summarise."""
    from planner.ingest import ingest, verify
    from planner.store import embedded_server, open_store

    embedded_server.stop(args.data_dir)  # a fresh server: its peak RSS is this run's
    store = open_store("embedded", args.data_dir)
    if args.batch_rows:
        store.load_rows = args.batch_rows  # the ingest cuts its batches at its store's load_rows
    store.reset()
    apply_variant(store, args.config, args.drop_index)
    if args.save:
        args.save.mkdir(parents=True, exist_ok=True)
    trace = StatementTrace(store, args.save, args.count_every)
    trace.install()
    load0 = os.getloadavg()
    cpu0, t0 = server_cpu_s(trace.pid), time.perf_counter()
    client0 = client_cpu_s()
    check = CheckTimer(verify)
    with TreeMemory({"depwave": os.getpid(), "server": trace.pid}, rss_only=("server",)) as memory:
        report = ingest(store, [args.org])
    wall, cpu = time.perf_counter() - t0, server_cpu_s(trace.pid) - cpu0
    client = client_cpu_s() - client0
    result = {
        "label": args.label,
        "org": str(args.org),
        "config": args.config,
        "dropped_indexes": args.drop_index,
        "batch_rows": store.load_rows,
        "server_peak_rss_mb": server_peak_rss_mb(trace.pid),
        # sampled every 0.5 s: this process with its workers, the server, and both at once (bench/tree_memory.py)
        "memory": memory.summary(),
        "ingest_wall_s": round(wall, 2),
        "server_cpu_s": round(cpu, 2),
        "client_cpu_s": round(client, 2),
        "load_statements_server_cpu_s": round(sum(r["server_cpu_s"] for r in trace.rows), 2),
        "edges": report.edges,
        "check_s": round(check.seconds, 2),
        "check_differences": check.differences,
        "loaded_again": sum("loaded again" in w for w in report.warnings),
        "edges_per_s": round(report.edges / wall),
        "statements": len(trace.rows),
        "loadavg_before": [round(x, 2) for x in load0],
        "loadavg_after": [round(x, 2) for x in os.getloadavg()],
        "checks": checks(store, args.org),
        "deciles": deciles(trace.rows),
        "rows": trace.rows,
    }
    store.close()
    return result


def main(argv: list[str] | None = None) -> int:
    """Parse options, run, print the deciles, write JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("org", type=Path)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--label", default="baseline")
    parser.add_argument("--config", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--drop-index", action="append", default=[], metavar="TYPE")
    parser.add_argument("--batch-rows", type=int, help="rows per load statement (default: the product's)")
    parser.add_argument("--save", type=Path)
    parser.add_argument("--count-every", type=int, default=5)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    result = run(args)
    summary = {k: v for k, v in result.items() if k not in ("rows", "deciles")}
    print(json.dumps(summary, indent=1))
    for d in result["deciles"]:
        print(d)
    if args.out:
        args.out.write_text(json.dumps(result, indent=1))
    return 0 if result["checks"]["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
