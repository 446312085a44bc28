"""``GRAPH.PROFILE`` of one saved load statement against graphs of different sizes (issue 16).

``python bench/load_profile.py STMT_DIR --data-dir DIR --before K --statement N [--config NAME=VALUE ...]
[--drop-index TYPE ...]`` resets the embedded store in DIR, loads the statements ``0 .. K-1`` that
``bench/load_growth.py --save STMT_DIR`` wrote (the graph a real ingest had built by then), then runs
statement N under ``GRAPH.PROFILE`` and prints each operation with its records and its own
milliseconds (FalkorDB reports the time of an operation including its children: the exclusive time
printed here subtracts them), plus the redis-server CPU the statement took. ``--before 0`` profiles
the statement on an empty graph: the difference is what the graph's size costs.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load_growth import apply_variant, relationship_count, server_cpu_s

_LINE = re.compile(r"^(\s*)(.*?)\s*\|\s*Records produced: (\d+), Execution time: ([\d.]+) ms")


def exclusive_times(lines: list[str]) -> list[dict[str, Any]]:
    """Profile lines as operations with their exclusive time (own time minus their direct children's)."""
    ops = []
    for line in lines:
        m = _LINE.match(line)
        if m:
            ops.append(
                {"depth": len(m.group(1)), "op": m.group(2), "records": int(m.group(3)), "ms": float(m.group(4))}
            )
    for i, op in enumerate(ops):
        op["own_ms"] = round(op["ms"] - direct_children_ms(ops, i), 1)
    return ops


def direct_children_ms(ops: list[dict[str, Any]], i: int) -> float:
    """The summed inclusive time of operation ``i``'s direct children."""
    depth, child_depth, total = ops[i]["depth"], None, 0.0
    for later in ops[i + 1 :]:
        if later["depth"] <= depth:
            break
        if child_depth is None:
            child_depth = later["depth"]
        if later["depth"] == child_depth:
            total += later["ms"]
    return total


def main(argv: list[str] | None = None) -> int:
    """Reset, load the prefix, profile one statement, print its operations."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("stmt_dir", type=Path)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--before", type=int, required=True)
    parser.add_argument("--statement", type=int, required=True)
    parser.add_argument("--config", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--drop-index", action="append", default=[], metavar="TYPE")
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args(argv)
    from planner.store import open_store

    store = open_store("embedded", args.data_dir)
    store.reset()
    apply_variant(store, args.config, args.drop_index)
    t0 = time.perf_counter()
    with store.bulk():
        for n in range(args.before):
            store.load_prepared((args.stmt_dir / f"{n:04d}.cypher").read_text())
    print(
        f"loaded statements 0..{args.before - 1} in {time.perf_counter() - t0:.1f} s; relationships {relationship_count(store):,}"
    )
    text = (args.stmt_dir / f"{args.statement:04d}.cypher").read_text()
    pid = store.server.pid
    cpu0, t0 = server_cpu_s(pid), time.perf_counter()
    reply = store._conn.execute_command("GRAPH.PROFILE", "depwave", text)
    wall, cpu = time.perf_counter() - t0, server_cpu_s(pid) - cpu0
    lines = [x.decode() if isinstance(x, bytes) else str(x) for x in reply]
    ops = exclusive_times(lines)
    total = sum(o["own_ms"] for o in ops)
    print(f"statement {args.statement}: wall {wall:.2f} s, server CPU {cpu:.2f} s, profiled ops {total:.0f} ms")
    for op in sorted(ops, key=lambda o: -o["own_ms"])[: args.top]:
        print(f"  {op['own_ms']:9.1f} ms  {op['records']:>8}  {op['op'][:110]}")
    print(json.dumps({"wall_s": round(wall, 3), "server_cpu_s": round(cpu, 3), "ops_ms": round(total)}))
    store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
