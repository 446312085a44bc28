"""Ingest one huge lockfile the way a user does and measure the whole processes.

    python bench/bigfile.py /tmp/biglock/100mb [--runs 2] [--out bench/out/bigfile-100mb.json]

Each run: a fresh data directory, ``depwave db start``, then ``depwave ingest DIR --max-file-size 400``
under ``/usr/bin/time -v``. It records the wall time of the ingest command, the client's peak RSS
(``Maximum resident set size`` of the depwave process, its forked workers not included), the embedded
redis server's peak RSS (``VmHWM`` of its process, read before ``db stop``; the server started empty),
the longest silence on stderr (seconds between two progress lines: what the user waits without news)
and the exit status. The generator is ``bench/biglock.py``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

DEPWAVE = str(Path(sys.executable).with_name("depwave"))


def _vm_hwm_mb(pid: int) -> float | None:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    m = re.search(r"^VmHWM:\s+(\d+) kB", text, re.M)
    return int(m.group(1)) / 1024 if m else None


def one_run(directory: Path, max_mb: int) -> dict[str, object]:
    """One measured ingest of ``directory`` into a fresh store."""
    data = Path(tempfile.mkdtemp(prefix="dw-bigfile-bench-"))
    env = {**os.environ, "DEPWAVE_DATA_DIR": str(data)}
    try:
        subprocess.run([DEPWAVE, "db", "start"], env=env, check=True, capture_output=True)
        server = json.loads((data / "server.json").read_text())
        timing = data / "time.txt"
        cmd = ["/usr/bin/time", "-v", "-o", str(timing), DEPWAVE, "ingest", str(directory)]
        cmd += ["--max-file-size", str(max_mb)]
        start = time.monotonic()
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        stamps: list[float] = [start]
        lines: list[str] = []

        def read_stderr() -> None:
            assert proc.stderr is not None
            for chunk in iter(lambda: proc.stderr.read(1), ""):  # progress lines end with \r or \n
                if chunk in "\r\n":
                    stamps.append(time.monotonic())
                    lines.append("")
                elif lines:
                    lines[-1] += chunk

        reader = threading.Thread(target=read_stderr, daemon=True)
        reader.start()
        stdout, _ = proc.communicate()
        reader.join(timeout=10)
        wall = time.monotonic() - start
        stamps.append(time.monotonic())
        rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", timing.read_text())
        redis_peak = _vm_hwm_mb(int(server["pid"]))
        return {
            "exit": proc.returncode,
            "wall_s": round(wall, 1),
            "client_peak_rss_mb": round(int(rss.group(1)) / 1024, 1) if rss else None,
            "redis_peak_rss_mb": round(redis_peak, 1) if redis_peak else None,
            "longest_silence_s": round(max(b - a for a, b in itertools.pairwise(stamps)), 1),
            "stderr_updates": len(stamps) - 2,
            "summary": stdout.strip().splitlines()[-1:] if stdout.strip() else [],
        }
    finally:
        subprocess.run([DEPWAVE, "db", "stop", "--no-save"], env=env, capture_output=True)
        subprocess.run([DEPWAVE, "db", "stop"], env=env, capture_output=True)
        shutil.rmtree(data, ignore_errors=True)


def main() -> None:
    """Command line."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("directory", type=Path, help="a directory holding the big lockfile (bench/biglock.py)")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--max-file-size", type=int, default=400, help="MB, passed to depwave ingest")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    size = sum(f.stat().st_size for f in args.directory.iterdir() if f.is_file())
    results = []
    for i in range(args.runs):
        r = one_run(args.directory, args.max_file_size)
        print(f"run {i + 1}: {json.dumps(r)}", flush=True)
        results.append(r)
    doc = {"directory": str(args.directory), "bytes": size, "runs": results}
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(doc, indent=2) + "\n")


if __name__ == "__main__":
    main()
