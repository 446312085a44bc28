"""``depwave sbom`` against cdxgen on corpus lockfiles, and how long an export takes.

``parity``: for each selected corpus lockfile, the files cdxgen is given (``bench/parity.py`` decides which:
the lockfile and the manifests beside it) are copied into an empty repository, ingested into a fresh
embedded store and exported with ``depwave sbom --all`` as CycloneDX 1.6 JSON; cdxgen runs offline on the
same files. The two ``(type, name, version)`` sets of third-party components are compared, and each
difference is put in one of ``bench/parity.py``'s explained categories (or ``unexplained``).

``speed``: CPU time of this process (``time.process_time``: collect + assemble + render, not the store
server's own time, which is reported as wall time beside it) for exporting the examples/ organisation in
every format, and the project of a large corpus lockfile and SBOM. The machine is shared: CPU time is the
figure to compare.

Usage::

    .venv/bin/python bench/sbom.py parity [--only flask] [--corpus ../shared/corpus]
    .venv/bin/python bench/sbom.py speed [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import parity  # noqa: E402

from planner import sbom  # noqa: E402
from planner.ingest import ingest  # noqa: E402
from planner.sbom import collect  # noqa: E402
from planner.sbom.model import DocumentInfo  # noqa: E402
from planner.store import embedded_server  # noqa: E402
from planner.store.embedded import EmbeddedStore  # noqa: E402

INFO = DocumentInfo(datetime(2026, 1, 1, tzinfo=UTC), uuid.UUID(int=1), "bench", "bench", None)
#: one lockfile per ecosystem family, chosen before running (the ones INDEX.md describes in detail)
DEFAULT_LOCKFILES = (
    "pallets__flask/uv.lock",
    "python-poetry__poetry/poetry.lock",
    "BurntSushi__ripgrep/Cargo.lock",
    "GoogleCloudPlatform__microservices-demo/src/currencyservice/package-lock.json",
    "open-telemetry__opentelemetry-js/package-lock.json",
    "GoogleCloudPlatform__microservices-demo/src/frontend/go.mod",
)


def export_items(store: EmbeddedStore) -> tuple[set[parity.Item], float]:
    """The third-party components of the organisation SBOM (as cdxgen would name them) and the CPU seconds."""
    t = time.process_time()
    graph = collect.collect(store, *collect.for_organisation(store, "bench"))
    text = sbom.render(graph, INFO, "cyclonedx-json", "1.6")
    cpu = time.process_time() - t
    doc = json.loads(text)
    firsts = {p.ref for p in graph.projects}
    items = {parity.item_of(c["purl"]) for c in doc["components"] if c.get("purl") and c["bom-ref"] not in firsts}
    return {i for i in items if i is not None}, cpu


def parity_row(lock: parity.Lockfile, corpus: Path, store: EmbeddedStore, binary: Path) -> dict[str, Any]:
    """depwave sbom vs cdxgen for one lockfile (same files on both sides)."""
    with tempfile.TemporaryDirectory(prefix="sbom-parity-") as tmp:
        repo = Path(tmp) / lock.repo
        repo.mkdir()
        for name, src in lock.copies.items():
            shutil.copyfile(src, repo / name)
        store.reset()
        ingest(store, [repo])
        dw, cpu = export_items(store)
    bom, _ = parity.run_cdxgen(binary, lock.cdx_type, lock.copies, 1)
    cdx = parity.cdxgen_items(bom)
    ctx = parity.CorpusContext(parity.repo_files(corpus / lock.repo))
    text = ctx.read(lock.repo, lock.path) or ""
    by_name: dict[str, dict[tuple[str, str], list[str]]] = {"depwave": {}, "cdxgen": {}}
    for side, items in (("depwave", dw), ("cdxgen", cdx)):
        for t, n, v in items:
            by_name[side].setdefault((t, n), []).append(v)
    ev = {
        "text": text,
        "local": parity.local_packages(lock, text, ctx),
        "dw_local_names": set(),
        "included": set(),
        "lower_bounds": set(),
        "go_local": parity.go_local_replacements(text) if lock.path.endswith("go.mod") else set(),
    }
    diffs = parity.classify(cdx - dw, "cdxgen", {**ev, "other_by_name": by_name["depwave"], "other_items": dw})
    diffs += parity.classify(dw - cdx, "depwave", {**ev, "other_by_name": by_name["cdxgen"], "other_items": cdx})
    local = sum(d["kind"] == "local" for d in diffs)
    union = len(dw | cdx)
    return {
        "lockfile": f"{lock.repo}/{lock.path}",
        "depwave": len(dw),
        "cdxgen": len(cdx),
        "identical": len(dw & cdx),
        "identical_pct": 100.0 * len(dw & cdx) / union if union else 100.0,
        "registry_identical_pct": 100.0 * len(dw & cdx) / (union - local) if union - local else 100.0,
        "differences": diffs,
        "export_cpu_s": cpu,
    }


def run_parity(corpus: Path, only: str | None) -> dict[str, Any]:
    """Every selected lockfile's row and the totals."""
    binary = parity.cdxgen_binary()
    wanted = [only] if only else list(DEFAULT_LOCKFILES)
    locks = [lk for lk in parity.find_lockfiles(corpus) if any(w in f"{lk.repo}/{lk.path}" for w in wanted)]
    data_dir = Path(tempfile.mkdtemp(prefix="sbom-parity-data-"))
    store = EmbeddedStore(data_dir)
    try:
        rows = [parity_row(lock, corpus, store, binary) for lock in locks]
    finally:
        store.close()
        embedded_server.stop(data_dir)
        shutil.rmtree(data_dir, ignore_errors=True)
    identical = sum(r["identical"] for r in rows)
    union = sum(r["depwave"] + r["cdxgen"] - r["identical"] for r in rows)
    local = sum(d["kind"] == "local" for r in rows for d in r["differences"])
    return {
        "cdxgen": parity.cdxgen_version(binary),
        "rows": rows,
        "identical_pct": 100.0 * identical / union if union else 100.0,
        "registry_identical_pct": 100.0 * identical / (union - local) if union - local else 100.0,
        "unexplained": sum(d["kind"] == "unexplained" for r in rows for d in r["differences"]),
    }


def run_speed(corpus: Path, runs: int) -> dict[str, Any]:
    """CPU (and wall) seconds of exports: the examples/ organisation in each format, two large corpus inputs."""
    data_dir = Path(tempfile.mkdtemp(prefix="sbom-speed-data-"))
    store = EmbeddedStore(data_dir)
    out: dict[str, Any] = {}
    cases = (
        ("examples/ organisation", [ROOT / "examples"], "organisation", "acme"),
        (
            "opentelemetry-js package-lock.json (1,726 entries)",
            [corpus / "open-telemetry__opentelemetry-js/package-lock.json"],
            "lockfile",
            "open-telemetry__opentelemetry-js",
        ),
        (
            "juice-shop bom.1.6.json (CycloneDX 1.6, 2.1 MB)",
            [corpus / "CycloneDX__cyclonedx-node-npm/demo/juice-shop/example-results/bare/bom.1.6.json"],
            "lockfile",
            "juice-shop",
        ),
    )
    try:
        for label, files, kind, name in cases:
            store.reset()
            with tempfile.TemporaryDirectory(prefix="sbom-speed-") as tmp:
                if kind == "organisation":
                    ingest(store, files)
                else:
                    repo = Path(tmp) / name
                    repo.mkdir()
                    for f in files:
                        shutil.copyfile(f, repo / f.name)
                    ingest(store, [repo])
            for fmt in sbom.FORMATS:
                best_cpu, best_wall, size, components = float("inf"), float("inf"), 0, 0
                for _ in range(runs):
                    t, w = time.process_time(), time.perf_counter()
                    graph = collect.collect(store, *collect.for_organisation(store, name))
                    text = sbom.render(graph, INFO, fmt, None)
                    best_cpu = min(best_cpu, time.process_time() - t)
                    best_wall = min(best_wall, time.perf_counter() - w)
                    size, components = len(text.encode()), len(graph.components)
                out[f"{label} | {fmt}"] = {
                    "cpu_s": best_cpu,
                    "wall_s": best_wall,
                    "bytes": size,
                    "components": components,
                }
    finally:
        store.close()
        embedded_server.stop(data_dir)
        shutil.rmtree(data_dir, ignore_errors=True)
    return out


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("what", choices=["parity", "speed"])
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--only", help="parity: only the lockfile whose repo/path contains this")
    ap.add_argument("--runs", type=int, default=5, help="speed: exports per case (best is kept)")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)
    report = run_parity(args.corpus, args.only) if args.what == "parity" else run_speed(args.corpus, args.runs)
    out = args.out or ROOT / "bench" / "out" / f"sbom-{args.what}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    if args.what == "parity":
        for r in report["rows"]:
            unexplained = [d for d in r["differences"] if d["kind"] == "unexplained"]
            print(
                f"{r['lockfile']:<80} dw {r['depwave']:>5} cdx {r['cdxgen']:>5} same {r['identical']:>5} "
                f"{r['identical_pct']:6.2f} % (registry {r['registry_identical_pct']:6.2f} %) unexplained "
                f"{len(unexplained)} {unexplained[:3]}"
            )
        print(
            f"cdxgen {report['cdxgen']}: identical {report['identical_pct']:.2f} %, registry packages "
            f"{report['registry_identical_pct']:.2f} %, unexplained differences {report['unexplained']}"
        )
    else:
        for label, r in report.items():
            print(
                f"{label:<75} cpu {r['cpu_s'] * 1000:8.1f} ms  wall {r['wall_s'] * 1000:8.1f} ms  "
                f"{r['components']:>5} components {r['bytes'] / 1000:8.1f} kB"
            )
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
