"""Parity and throughput of depwave's lockfile loaders against cdxgen on the shared corpus.

For every lockfile of the corpus (npm/Yarn/pnpm locks, Poetry/uv/PDM/Pipfile locks, pinned
``requirements*.txt``, ``go.mod`` build lists and ``Cargo.lock``), this script

* parses it with the depwave loader that :func:`loaders.registry.loader_for` picks, with a context
  holding the other files of the same corpus repository (best of N runs, parse only), and takes the
  ``Resolved`` records as a ``(type, name, version)`` set;
* copies it, with the manifest cdxgen needs beside it, into an empty temporary directory and runs
  ``cdxgen -t <js|python|go|rust> --no-install-deps --no-recurse`` with fetching and package
  managers switched off (``CDXGEN_ALLOWED_COMMANDS=ldd``), best of N wall times, and takes the
  ``components`` of its ``bom.json`` as the same kind of set;
* compares the two sets, classifies every difference into an explained category (or
  ``unexplained``), prints a table and writes ``bench/out/parity.json``.

Which lockfiles, and the files beside them, come from ``parity_corpus.py``; the evidence and the rules that
explain differences from ``parity_rules.py``.

cdxgen is installed on first use with ``npm install --prefix ${DEPWAVE_CACHE:-~/.cache/depwave}/cdxgen``.

Usage::

    /tmp/venv/bin/python bench/parity.py [--corpus ../shared/corpus] [--runs 3] [--only vite]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from parity_corpus import CorpusContext, Item, Lockfile, find_lockfiles, pep503, repo_files  # noqa: E402
from parity_rules import (  # noqa: E402
    RULES,
    classify,
    go_local_replacements,
    local_packages,
    requirement_facts,
)

from loaders.registry import loader_for  # noqa: E402
from planner import purl as purls  # noqa: E402
from planner.model import Project, ProjectDependency, Resolved, Source  # noqa: E402

CDXGEN_ENV = {
    "CDXGEN_NO_BANNER": "true",
    "FETCH_LICENSE": "false",
    "CDXGEN_FETCH_PKG_METADATA": "false",
    "GO_FETCH_VCS": "false",
    "CDXGEN_ALLOWED_COMMANDS": "ldd",
    "CDXGEN_DEBUG_MODE": "",
}
CDXGEN_FLAGS = ("--no-install-deps", "--no-recurse", "--no-babel", "--no-validate")


# ----------------------------------------------------------------------------------------------
# cdxgen installation and runs


def cdxgen_binary() -> Path:
    """The cached cdxgen binary, installed with npm into the depwave cache when missing."""
    cache = Path(os.environ.get("DEPWAVE_CACHE") or Path.home() / ".cache" / "depwave") / "cdxgen"
    binary = cache / "node_modules" / ".bin" / "cdxgen"
    if not binary.exists():
        cache.mkdir(parents=True, exist_ok=True)
        print(f"installing @cyclonedx/cdxgen into {cache} ...", file=sys.stderr)
        subprocess.run(
            ["npm", "install", "--prefix", str(cache), "--no-audit", "--no-fund", "@cyclonedx/cdxgen"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return binary


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(CDXGEN_ENV)
    env.pop("CDXGEN_DEBUG_MODE", None)
    return env


def cdxgen_version(binary: Path) -> str:
    """cdxgen's own version line (e.g. ``12.8.4``)."""
    out = subprocess.run([str(binary), "--version"], capture_output=True, text=True, env=_env()).stdout
    m = re.search(r"(\d+\.\d+\.\d+)", out)
    return m.group(1) if m else out.strip()


def cdxgen_startup(binary: Path, runs: int) -> float:
    """Best-of-``runs`` wall time of ``cdxgen --version``: its fixed start-up cost."""
    best = float("inf")
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([str(binary), "--version"], capture_output=True, env=_env(), check=True)
        best = min(best, time.perf_counter() - t)
    return best


def run_cdxgen(binary: Path, cdx_type: str, files: dict[str, Path], runs: int) -> tuple[dict[str, Any], float]:
    """Run cdxgen on a fresh directory holding ``files`` (name -> source); return its BOM and best wall time."""
    best = float("inf")
    bom: dict[str, Any] = {}
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="parity-") as tmp:
            work = Path(tmp) / "project"
            work.mkdir()
            for name, src in files.items():
                shutil.copyfile(src, work / name)
            out = Path(tmp) / "bom.json"
            cmd = [str(binary), "-t", cdx_type, *CDXGEN_FLAGS, "-o", str(out), str(work)]
            t = time.perf_counter()
            proc = subprocess.run(cmd, capture_output=True, text=True, env=_env(), cwd=tmp)
            best = min(best, time.perf_counter() - t)
            if proc.returncode != 0 or not out.exists():
                raise RuntimeError(f"cdxgen failed ({proc.returncode}): {proc.stderr[-2000:]}")
            bom = json.loads(out.read_text(encoding="utf-8"))
    return bom, best


# ----------------------------------------------------------------------------------------------
# names as both tools spell them


def item_of(purl_text: str) -> Item | None:
    """``(type, display name, version)`` of a purl, normalised the way cdxgen names packages."""
    try:
        p = purls.parse(purl_text)
    except ValueError:
        return None
    name = p.display_name
    if p.type == "pypi":
        name = pep503(name)
    elif p.type == "npm":
        name = name.lower()
    return (p.type, name, p.version or "")


def _walk_components(components: Iterable[dict[str, Any]]) -> Iterable[dict[str, Any]]:
    for c in components:
        yield c
        yield from _walk_components(c.get("components") or ())


def cdxgen_items(bom: dict[str, Any]) -> set[Item]:
    """The package versions of a cdxgen BOM (every component with a purl, nested ones too)."""
    out: set[Item] = set()
    for c in _walk_components(bom.get("components") or ()):
        item = item_of(c.get("purl") or "")
        if item is not None:
            out.add(item)
    return out


@dataclass
class DepwaveView:
    """What one depwave parse says, reduced to what the comparison needs."""

    items: set[Item]
    local_names: set[tuple[str, str]] = field(default_factory=set)  # (type, name) of projects / link targets
    warnings: int = 0


def depwave_view(records: Iterable[object], warnings: int) -> DepwaveView:
    """Resolved records as items; Project and ProjectDependency targets as local (non-registry) names."""
    view = DepwaveView(set(), set(), warnings)
    for r in records:
        if isinstance(r, Resolved):
            item = item_of(r.version)
            if item is not None:
                view.items.add(item)
        elif isinstance(r, Project) and r.purl:
            item = item_of(r.purl)
            if item is not None:
                view.local_names.add(item[:2])
        elif isinstance(r, ProjectDependency) and "#" in r.target:
            item = item_of(r.target.rsplit("#", 1)[1])
            if item is not None:
                view.local_names.add(item[:2])
    return view


# ----------------------------------------------------------------------------------------------
# the benchmark


def clear_caches() -> None:
    """Clear every ``functools`` cache of depwave's modules (purls, parsed POMs/JSON, …): a cold parse."""
    for name, module in list(sys.modules.items()):
        if not name.startswith(("loaders.", "planner.")) or module is None:
            continue
        for value in list(vars(module).values()):
            clear = getattr(value, "cache_clear", None)
            if callable(clear):
                clear()


def best_parse(lock: Lockfile, text: str, ctx: CorpusContext, runs: int) -> tuple[Any, float]:
    """Best-of-``runs`` cold depwave parse time (caches cleared, fresh context) and the (last) result."""
    loader = loader_for(lock.path)
    if loader is None:
        raise RuntimeError(f"no depwave loader for {lock.path}")
    source = Source(lock.repo, lock.path, f"{lock.repo}/{lock.path}")
    best = float("inf")
    result = None
    for _ in range(runs):
        clear_caches()
        fresh = ctx.fresh()
        t = time.perf_counter()
        result = loader.parse(text, source, fresh)
        best = min(best, time.perf_counter() - t)
    return result, best


def compare(corpus: Path, runs: int, cdx_runs: int, only: str | None) -> dict[str, Any]:
    """Run the whole comparison; return the JSON-able report."""
    binary = cdxgen_binary()
    startup = cdxgen_startup(binary, cdx_runs)
    locks = [lk for lk in find_lockfiles(corpus) if not only or only in f"{lk.repo}/{lk.path}"]
    contexts: dict[str, CorpusContext] = {}
    rows = []
    for lock in locks:
        if lock.repo not in contexts:
            contexts[lock.repo] = CorpusContext(repo_files(corpus / lock.repo))
        rows.append(compare_lockfile(lock, contexts[lock.repo], binary, startup, runs, cdx_runs))
        print(f"  {rows[-1]['lockfile']}: {rows[-1]['identical']}/{_union(rows[-1])}", file=sys.stderr)
    return summarise(rows, binary, startup, runs, cdx_runs)


def _union(row: dict[str, Any]) -> int:
    """Package versions on either side of one row."""
    return row["identical"] + row["only_depwave"] + row["only_cdxgen"]


def compare_lockfile(
    lock: Lockfile, ctx: CorpusContext, binary: Path, startup: float, runs: int, cdx_runs: int
) -> dict[str, Any]:
    """One lockfile's row: both tools' package versions, the classified differences and the times."""
    text = ctx.read(lock.repo, lock.path) or ""
    result, dw_time = best_parse(lock, text, ctx, runs)
    view = depwave_view(result.records, len(result.warnings))
    bom, cdx_time = run_cdxgen(binary, lock.cdx_type, lock.copies, cdx_runs)
    cdx = cdxgen_items(bom)
    dw = view.items
    inter, union = dw & cdx, dw | cdx
    diffs = differences(lock, text, ctx, view, cdx)
    net = max(cdx_time - startup, 0.0)
    n_local = sum(d["kind"] == "local" for d in diffs)
    return {
        "lockfile": f"{lock.repo}/{lock.path}",
        "loader": loader_for(lock.path).name,  # type: ignore[union-attr]
        "cdxgen_type": lock.cdx_type,
        "copied": sorted(lock.copies),
        "bytes": len(text.encode("utf-8")),
        "depwave": len(dw),
        "cdxgen": len(cdx),
        "identical": len(inter),
        "only_depwave": len(dw - cdx),
        "only_cdxgen": len(cdx - dw),
        "jaccard": len(inter) / len(union) if union else 1.0,
        "registry_jaccard": len(inter) / (len(union) - n_local) if len(union) - n_local else 1.0,
        "exact": dw == cdx,
        "explained_differences": sum(d["category"] != "unexplained" for d in diffs),
        "unexplained_differences": sum(d["category"] == "unexplained" for d in diffs),
        "depwave_warnings": view.warnings,
        "depwave_s": dw_time,
        "cdxgen_wall_s": cdx_time,
        "cdxgen_net_s": net,
        "speedup_wall": cdx_time / dw_time if dw_time else None,
        "speedup_net": net / dw_time if dw_time else None,
        "differences": diffs,
    }


def differences(
    lock: Lockfile, text: str, ctx: CorpusContext, view: DepwaveView, cdx: set[Item]
) -> list[dict[str, Any]]:
    """Every package version only one tool lists, classified with the evidence of the lockfile itself."""
    dw = view.items
    by_name: dict[str, dict[tuple[str, str], list[str]]] = {"depwave": {}, "cdxgen": {}}
    for side, items in (("depwave", dw), ("cdxgen", cdx)):
        for t, n, v in items:
            by_name[side].setdefault((t, n), []).append(v)
    included, lower = requirement_facts(lock, text, ctx) if lock.path.endswith(".txt") else (set(), set())
    ev = {
        "text": text,
        "local": local_packages(lock, text, ctx),
        "dw_local_names": view.local_names,
        "included": included,
        "lower_bounds": lower,
        "go_local": go_local_replacements(text) if lock.path.endswith("go.mod") else set(),
    }
    diffs = classify(cdx - dw, "cdxgen", {**ev, "other_by_name": by_name["depwave"], "other_items": dw})
    diffs += classify(dw - cdx, "depwave", {**ev, "other_by_name": by_name["cdxgen"], "other_items": cdx})
    return diffs


def summarise(rows: list[dict[str, Any]], binary: Path, startup: float, runs: int, cdx_runs: int) -> dict[str, Any]:
    """Totals, category counts, targets (adds each row's net-of-floor cdxgen time and speed-up)."""
    floors = _add_floors(rows)
    agreement = _agreement(rows)
    times = _time_totals(rows, floors)
    dw_total, net_total = times["depwave_total_s"], times["cdxgen_net_total_s"]
    return {
        "date": time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "machine": {
            "nproc": os.cpu_count(),
            "python": platform.python_version(),
            "node": subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip(),
            "cdxgen": cdxgen_version(binary),
            "platform": platform.platform(),
        },
        "settings": {
            "depwave_runs": runs,
            "cdxgen_runs": cdx_runs,
            "cdxgen_env": {k: v for k, v in CDXGEN_ENV.items() if v},
            "cdxgen_flags": list(CDXGEN_FLAGS),
        },
        "cdxgen_startup_s": startup,
        **agreement,
        **times,
        "by_loader": _by_loader(rows),
        "targets": {
            "identical_ge_99pct_raw": agreement["identical_pct"] >= 99.0,
            "identical_ge_99pct_registry_packages": agreement["registry_identical_pct"] >= 99.0,
            "every_difference_explained": agreement["unexplained_differences"] == 0,
            "speedup_net_ge_3x": bool(dw_total) and net_total / dw_total >= 3.0,
        },
        "rows": rows,
    }


def _agreement(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """How far the two tools agree over every row: identical share (raw and registry packages only),
    exact lockfiles, mean per-lockfile Jaccard, differences by category, and the rules behind them."""
    inter = sum(r["identical"] for r in rows)
    union = sum(_union(r) for r in rows)
    cats = Counter((d["side"], d["kind"], d["category"]) for r in rows for d in r["differences"])
    local = sum(d["kind"] == "local" for r in rows for d in r["differences"])
    return {
        "lockfiles": len(rows),
        "identical": inter,
        "union": union,
        "identical_pct": 100.0 * inter / union if union else 100.0,
        "local_differences": local,
        "registry_union": union - local,
        "registry_identical_pct": 100.0 * inter / (union - local) if union - local else 100.0,
        "exact_lockfiles": sum(r["exact"] for r in rows),
        "mean_lockfile_jaccard_pct": 100.0 * statistics.fmean(r["jaccard"] for r in rows) if rows else 100.0,
        "mean_lockfile_registry_jaccard_pct": (
            100.0 * statistics.fmean(r["registry_jaccard"] for r in rows) if rows else 100.0
        ),
        "exact_registry_lockfiles": sum(r["registry_jaccard"] == 1.0 for r in rows),
        "explained_differences": sum(r["explained_differences"] for r in rows),
        "unexplained_differences": sum(r["unexplained_differences"] for r in rows),
        "categories": {f"only-{side} [{kind}] {cat}": n for (side, kind, cat), n in sorted(cats.items())},
        "rules": {r.name: {"side": r.side, "kind": r.kind, "right": r.right, "why": r.why} for r in RULES},
    }


def _add_floors(rows: list[dict[str, Any]]) -> dict[str, float]:
    """A second estimate of cdxgen's fixed cost: its fastest run on a lockfile of the same -t type (the
    smallest one); subtracting it leaves the work that grows with the lockfile. Adds
    ``cdxgen_net_floor_s`` and ``speedup_net_floor`` to each row; returns the floor per type."""
    floors: dict[str, float] = {}
    for r in rows:
        floors[r["cdxgen_type"]] = min(floors.get(r["cdxgen_type"], float("inf")), r["cdxgen_wall_s"])
    for r in rows:
        r["cdxgen_net_floor_s"] = max(r["cdxgen_wall_s"] - floors[r["cdxgen_type"]], 0.0)
        r["speedup_net_floor"] = r["cdxgen_net_floor_s"] / r["depwave_s"] if r["depwave_s"] else None
    return floors


def _time_totals(rows: list[dict[str, Any]], floors: dict[str, float]) -> dict[str, Any]:
    """Both tools' total times and the speed-ups (wall, net of start-up, net of the per-type floor)."""
    dw_total = sum(r["depwave_s"] for r in rows)
    wall_total = sum(r["cdxgen_wall_s"] for r in rows)
    net_total = sum(r["cdxgen_net_s"] for r in rows)
    floor_total = sum(r["cdxgen_net_floor_s"] for r in rows)
    return {
        "depwave_total_s": dw_total,
        "cdxgen_wall_total_s": wall_total,
        "cdxgen_net_total_s": net_total,
        "speedup_wall": wall_total / dw_total if dw_total else None,
        "speedup_net": net_total / dw_total if dw_total else None,
        "cdxgen_fastest_run_per_type_s": floors,
        "cdxgen_net_floor_total_s": floor_total,
        "speedup_net_floor": floor_total / dw_total if dw_total else None,
    }


def _by_loader(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Lockfiles, bytes, times and speed-ups per depwave loader."""
    by_loader: dict[str, dict[str, Any]] = {}
    for r in rows:
        g = by_loader.setdefault(
            r["loader"], {"lockfiles": 0, "bytes": 0, "depwave_s": 0.0, "cdxgen_wall_s": 0.0, "cdxgen_net_s": 0.0}
        )
        g["lockfiles"] += 1
        g["bytes"] += r["bytes"]
        g["depwave_s"] += r["depwave_s"]
        g["cdxgen_wall_s"] += r["cdxgen_wall_s"]
        g["cdxgen_net_s"] += r["cdxgen_net_s"]
        g["cdxgen_net_floor_s"] = g.get("cdxgen_net_floor_s", 0.0) + r["cdxgen_net_floor_s"]
    for g in by_loader.values():
        g["speedup_wall"] = g["cdxgen_wall_s"] / g["depwave_s"]
        g["speedup_net"] = g["cdxgen_net_s"] / g["depwave_s"]
        g["speedup_net_floor"] = g["cdxgen_net_floor_s"] / g["depwave_s"]
    return by_loader


def print_table(report: dict[str, Any]) -> None:
    """The per-lockfile table and the totals."""
    head = (
        f"{'lockfile':<72} {'dw':>5} {'cdx':>5} {'same':>5} {'-dw':>4} {'-cdx':>4} {'expl':>4} "
        f"{'dw ms':>7} {'cdx ms':>7} {'net ms':>7} {'×net':>6}"
    )
    print(head)
    print("-" * len(head))
    for r in report["rows"]:
        sp = r["speedup_net"]
        print(
            f"{r['lockfile']:<72} {r['depwave']:>5} {r['cdxgen']:>5} {r['identical']:>5} {r['only_depwave']:>4} "
            f"{r['only_cdxgen']:>4} {r['explained_differences']:>4} {r['depwave_s'] * 1000:>7.1f} "
            f"{r['cdxgen_wall_s'] * 1000:>7.0f} {r['cdxgen_net_s'] * 1000:>7.0f} "
            f"{(f'{sp:.1f}' if sp is not None else '-'):>6}"
        )
    print("-" * len(head))
    r = report
    print(
        f"{r['lockfiles']} lockfiles; identical {r['identical']}/{r['union']} = {r['identical_pct']:.2f} %; "
        f"exact match {r['exact_lockfiles']}/{r['lockfiles']} lockfiles; "
        f"mean per-lockfile {r['mean_lockfile_jaccard_pct']:.2f} %"
    )
    print(
        f"registry packages only (the {r['local_differences']} local/workspace components set aside): "
        f"{r['identical']}/{r['registry_union']} = {r['registry_identical_pct']:.2f} %; exact match "
        f"{r['exact_registry_lockfiles']}/{r['lockfiles']} lockfiles; "
        f"mean per-lockfile {r['mean_lockfile_registry_jaccard_pct']:.2f} %"
    )
    print(f"differences: {r['explained_differences']} explained, {r['unexplained_differences']} unexplained")
    for cat, n in r["categories"].items():
        print(f"  {cat}: {n}")
    print(
        f"time: depwave {r['depwave_total_s']:.3f} s, cdxgen wall {r['cdxgen_wall_total_s']:.1f} s, "
        f"net of {r['cdxgen_startup_s']:.2f} s start-up {r['cdxgen_net_total_s']:.1f} s; "
        f"speed-up {r['speedup_net']:.1f}× net ({r['speedup_wall']:.1f}× wall; "
        f"{r['speedup_net_floor']:.1f}× net of its fastest run per -t type)"
    )
    print(
        f"{'by loader':<16} {'files':>5} {'KB':>6} {'dw ms':>8} {'cdx wall':>9} {'×wall':>6} {'×net':>6} {'×floor':>6}"
    )
    for name, g in r["by_loader"].items():
        print(
            f"{name:<16} {g['lockfiles']:>5} {g['bytes'] / 1000:>6.0f} {g['depwave_s'] * 1000:>8.1f} "
            f"{g['cdxgen_wall_s'] * 1000:>9.0f} {g['speedup_wall']:>6.1f} {g['speedup_net']:>6.1f} "
            f"{g['speedup_net_floor']:>6.1f}"
        )
    print("targets:", ", ".join(f"{k}={'met' if v else 'NOT met'}" for k, v in r["targets"].items()))


def main(argv: list[str] | None = None) -> int:
    """Entry point; exit status 0 when every target is met."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--runs", type=int, default=3, help="depwave parses per lockfile (best is kept)")
    ap.add_argument("--cdxgen-runs", type=int, default=3, help="cdxgen runs per lockfile (best is kept)")
    ap.add_argument("--only", help="only lockfiles whose repo/path contains this")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "parity.json")
    args = ap.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    report = compare(args.corpus, args.runs, args.cdxgen_runs, args.only)
    print_table(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0 if all(report["targets"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
