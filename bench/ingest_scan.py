"""Ingest with source scanning on a synthetic monorepo: time and the client's peak memory (issue 15).

The tree is ``bench/scan_speed.py``'s (Java, Kotlin, TypeScript, Python, Go files shaped like
service code), one repository, plus a manifest per service directory (``pom.xml``, ``package.json``,
``pyproject.toml``, ``go.mod``) so that every file belongs to a project and ``CALLS`` edges are
derived. Each size is ingested into an empty embedded store by ``depwave ingest`` in one process
(``DEPWAVE_INGEST_WORKERS=0``, so that ``/usr/bin/time``'s peak RSS is the whole client), each
size with a freshly started store server, whose own peak RSS is read from ``/proc`` after the
ingest. The client's peak should stay about flat as the tree grows (batches of sources are
flushed; the derivation and the prune read a page of files at a time). With ``--reingest`` each
size is then ingested again unchanged (every file read and hashed, none parsed or loaded), its
client peak RSS, CPU and wall time recorded beside.

Usage::

    .venv/bin/python bench/ingest_scan.py [--sizes 5000 20000] [--tree /tmp/depwave-ingest-tree]
        [--data-dir /tmp/depwave-ingest-bench] [--out bench/out/ingest_scan.json] [--reingest]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from scan_speed import write_tree  # noqa: E402

MANIFESTS = {
    "svc": ("pom.xml", "<project><groupId>com.acme</groupId><artifactId>{d}</artifactId><version>1.0</version>"
            "<dependencies><dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-api</artifactId>"
            "<version>2.14.1</version></dependency></dependencies></project>\n"),
    "web": ("package.json", '{{"name": "{d}", "version": "1.0.0", "dependencies": {{"lodash": "4.17.20"}}}}\n'),
    "py": ("pyproject.toml", '[project]\nname = "{d}"\nversion = "1.0"\ndependencies = ["pyyaml==5.3"]\n'),
    "go": ("go.mod", "module example.com/{d}\n\ngo 1.21\n\nrequire golang.org/x/net v0.15.0\n"),
}  # fmt: skip


def add_manifests(root: Path) -> int:
    """One manifest per top-level service directory (by its prefix)."""
    n = 0
    for d in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        prefix = d.name.rstrip("0123456789")
        name, text = MANIFESTS[prefix]
        (d / name).write_text(text.format(d=d.name), encoding="utf-8")
        n += 1
    (root / ".git").mkdir(exist_ok=True)  # one repository
    return n


def server_peak_mib(data_dir: Path) -> float | None:
    """Peak RSS (VmHWM) of the embedded store's server process since it started (None: not found).
    A child it forks to rewrite its append-only file is not counted."""
    try:
        pid = json.loads((data_dir / "server.json").read_text())["pid"]
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except (OSError, ValueError, KeyError):
        return None
    return None


def timed_ingest(depwave: str, root: Path, env: dict[str, str]) -> tuple[dict, float, float, float]:
    """``depwave ingest root`` under ``/usr/bin/time``: its JSON report, wall and CPU seconds, peak RSS in MiB."""
    start = time.perf_counter()
    proc = subprocess.run(
        ["/usr/bin/time", "-f", "%M %U %S", depwave, "ingest", str(root), "--format", "json"],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    wall = time.perf_counter() - start
    rss_kb, user, system = proc.stderr.strip().splitlines()[-1].split()
    return json.loads(proc.stdout), wall, float(user) + float(system), int(rss_kb) / 1024


def run(size: int, tree: Path, data_dir: Path, reingest: bool = False) -> dict:
    """Write (once) and ingest a tree of ``size`` source files into an empty store (then again, unchanged)."""
    root = tree / str(size)
    write_tree(root, size)
    manifests = add_manifests(root)
    env = {**os.environ, "DEPWAVE_DATA_DIR": str(data_dir), "DEPWAVE_INGEST_WORKERS": "0"}
    depwave = str(ROOT / ".venv" / "bin" / "depwave")
    subprocess.run([depwave, "db", "stop"], env=env, check=False, capture_output=True)  # a fresh server per size
    subprocess.run([depwave, "db", "reset"], input="y\n", env=env, check=True, capture_output=True, text=True)
    report, wall, cpu, rss = timed_ingest(depwave, root, env)
    out = {
        "source_files": size,
        "manifests": manifests,
        "loaded": report["loaded"],
        "calls": report["calls"],
        "errors": len(report["errors"]),
        "wall_seconds": round(wall, 1),
        "cpu_seconds": round(cpu, 1),
        "peak_rss_mib": round(rss, 1),
        "server_peak_rss_mib": server_peak_mib(data_dir),
        "load_average": os.getloadavg()[0],
    }
    if reingest:
        again, wall, cpu, rss = timed_ingest(depwave, root, env)
        out["reingest"] = {
            "unchanged": again["unchanged"],
            "loaded": again["loaded"],
            "wall_seconds": round(wall, 1),
            "cpu_seconds": round(cpu, 1),
            "peak_rss_mib": round(rss, 1),
            "load_average": os.getloadavg()[0],
        }
    return out


def main() -> None:
    """Run every size and print (and save) the figures."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[5_000, 20_000])
    ap.add_argument("--tree", type=Path, default=Path("/tmp/depwave-ingest-tree"))
    ap.add_argument("--data-dir", type=Path, default=Path("/tmp/depwave-ingest-bench"))
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "ingest_scan.json")
    ap.add_argument("--reingest", action="store_true", help="ingest each tree a second time, unchanged")
    args = ap.parse_args()
    results = [run(size, args.tree, args.data_dir, args.reingest) for size in args.sizes]
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "depwave"), "db", "stop"],
        env={**os.environ, "DEPWAVE_DATA_DIR": str(args.data_dir)}, check=False, capture_output=True,
    )  # fmt: skip
    text = json.dumps(results, indent=2)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
