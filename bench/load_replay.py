"""Replay the load statements of a real ingest into a fresh store, timing each (issue 16).

``python bench/load_replay.py STMT_DIR --data-dir DIR [--without-list-append] [--config NAME=VALUE ...]
[--drop-index TYPE ...]`` resets the embedded store in DIR and runs, in bulk mode and in order, the
statements ``bench/load_growth.py --save STMT_DIR`` wrote, recording the redis-server CPU of each, and
prints them in deciles with the relationships in the store. ``--without-list-append`` is a diagnosis,
not a product: the DEPENDS_ON pairs a statement finds already loaded keep their ``stated_by`` as it is
(its ``ON MATCH SET`` only stamps the run), so the graph has the same edges but shorter statements. If
the per-statement time then stays flat, the appends are what grows. (Until ad1305c the edge kept four
lists and this edited their appends; statements saved before that fail here with a clear message.)
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load_growth import apply_variant, deciles, relationship_count, server_cpu_s


def list_append_edit() -> tuple[str, str]:
    """The DEPENDS_ON ``ON MATCH SET`` clause of the load statement, and the same clause stamping only the run."""
    from planner import catalog

    text = catalog.text("load_sources")
    start = text.index("ON MATCH SET r33.stated_by")
    end = text.index("\n", text.index("r33.run = $run", start))
    return text[start:end], "ON MATCH SET r33.run = $run"


def replay(store: Any, files: list[Path], edits: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """Run every statement in order (bulk mode), each edited; one row per statement."""
    rows, pid = [], store.server.pid
    with store.bulk():
        for n, path in enumerate(files):
            text = path.read_text()
            for old, new in edits:
                if old not in text:
                    raise SystemExit(f"{path}: the statement does not contain the clause to edit")
                text = text.replace(old, new)
            cpu0, t0 = server_cpu_s(pid), time.perf_counter()
            store.load_prepared(text)
            row = {"n": n, "mb": len(text) / 2**20, "wall_s": time.perf_counter() - t0}
            row["server_cpu_s"] = server_cpu_s(pid) - cpu0
            if (n + 1) % 5 == 0:
                row["relationships_after"] = relationship_count(store)
            rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    """Reset, replay, print the deciles and the store's relationship counts."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("stmt_dir", type=Path)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--without-list-append", action="store_true")
    parser.add_argument("--config", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--drop-index", action="append", default=[], metavar="TYPE")
    args = parser.parse_args(argv)
    from planner.store import open_store

    store = open_store("embedded", args.data_dir)
    store.reset()
    apply_variant(store, args.config, args.drop_index)
    edits = [list_append_edit()] if args.without_list_append else []
    rows = replay(store, sorted(args.stmt_dir.glob("*.cypher")), edits)
    total = sum(r["server_cpu_s"] for r in rows)
    print(f"{len(rows)} statements, server CPU {total:.2f} s, load average {os.getloadavg()[0]:.2f}")
    for d in deciles(rows):
        print(d)
    print(json.dumps(store.stats()["relationships"]))
    store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
