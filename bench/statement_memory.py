"""What a big load statement's parameters cost the embedded server in memory, by how rows are encoded.

``python bench/statement_memory.py [--rows N] [--data-dir DIR]`` starts a fresh embedded FalkorDB for
each encoding, sends one statement whose ``$rows`` parameter holds N RESOLVES-shaped rows (a versioned
purl, scope, raw scope, depth, a chain of three purls, a line, no hashes) and reads the server's VmHWM
(peak RSS) and VmRSS from ``/proc`` before and after. The statement only counts its rows (``UNWIND``,
``split`` for the packed form), so the figures are what parsing and holding the parameters costs, not
the writes. Encodings: ``nested`` (each row a list of seven values, the chain a list: what depwave sent
before), ``packed`` (each row one string, planner/store/record_rows.resolution_row: what it sends now).

FalkorDB reads ``CYPHER name=value`` parameters with its Cypher parser: every literal becomes a node of
a syntax tree allocated outside the allocator redis counts (``used_memory`` does not see it), and the
heap it leaves behind is not all returned.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from planner.store import embedded_server
from planner.store.base import PlainParam
from planner.store.embedded import params_header
from planner.store.record_rows import resolution_row
from planner.store.statements import FIELD

COUNT_NESTED = "UNWIND $rows AS row RETURN count(row[4]) AS n"
COUNT_PACKED = "UNWIND $rows AS packed WITH split(packed, $sep) AS row RETURN count(row[4]) AS n"


def purl(i: int) -> str:
    """A versioned Maven purl, varied the way a large organisation's are."""
    return f"pkg:maven/io.example.group{i % 500}/artifact-{i % 2000}@{i % 17}.{i % 13}.{i % 7}"


def statement(encoding: str, n: int) -> str:
    """The statement text with ``n`` rows in ``encoding``."""
    if encoding == "nested":
        rows = [
            [purl(i), "runtime", "required", 2, [purl(i + 1), purl(i + 2), purl(i + 3)], 117, None] for i in range(n)
        ]
        return params_header({"rows": PlainParam(rows)}) + COUNT_NESTED
    packed = [
        resolution_row(purl(i), "runtime", "required", 2, (purl(i + 1), purl(i + 2), purl(i + 3)), 117, ())
        for i in range(n)
    ]
    return params_header({"rows": PlainParam(packed), "sep": FIELD}) + COUNT_PACKED


def memory_kb(pid: int) -> dict[str, int]:
    """VmHWM and VmRSS of ``pid`` in kB."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            out[key] = int(value.split()[0])
    return out


def measure(encoding: str, n: int, data_dir: Path) -> dict[str, object]:
    """One fresh server, one statement: its size, time and the server's memory before and after."""
    import redis

    text = statement(encoding, n)
    server = embedded_server.start(data_dir)
    try:
        conn = redis.Redis(unix_socket_path=server.socket, socket_timeout=600)
        before = memory_kb(server.pid)
        t0 = time.perf_counter()
        reply = conn.execute_command("GRAPH.QUERY", "statement_memory", text)
        seconds = time.perf_counter() - t0
        after = memory_kb(server.pid)
        assert reply[1][0][0] == n, reply[1]
        return {
            "encoding": encoding,
            "rows": n,
            "statement_mb": round(len(text.encode()) / 1e6, 1),
            "seconds": round(seconds, 2),
            "peak_rss_growth_mb": round((after["VmHWM"] - before["VmHWM"]) / 1024, 1),
            "rss_left_after_mb": round((after["VmRSS"] - before["VmRSS"]) / 1024, 1),
        }
    finally:
        embedded_server.stop(data_dir, save=False)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=300_000, help="rows in the statement (depwave's default batch)")
    ap.add_argument("--data-dir", type=Path, help="where the scratch servers keep their files (default: a temp dir)")
    args = ap.parse_args()
    base = args.data_dir or Path(tempfile.mkdtemp(prefix="dw-stmt-mem-"))
    try:
        for encoding in ("nested", "packed"):
            data_dir = base / encoding
            shutil.rmtree(data_dir, ignore_errors=True)
            data_dir.mkdir(parents=True)
            print(json.dumps(measure(encoding, args.rows, data_dir)), flush=True)
    finally:
        if args.data_dir is None:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
