"""Parse speed of every depwave loader over the shared corpus (parse only, no graph).

For every loader in :data:`loaders.registry.LOADERS`, the corpus files dispatched to it (the loader
:func:`loaders.registry.loader_for` chooses for the repo-relative path, as the ingest does) are parsed with a context holding
the other files of the same corpus repository, so cross-file loaders (Maven parents, Gradle settings and
catalogs, npm/pnpm workspaces, ``-r`` includes) do their real work.

Each round starts cold: every ``functools`` cache in ``loaders.*`` and ``planner.*`` is cleared and a
fresh context is built, then the loader's files are parsed in corpus order (so a Maven module finds its
parent already parsed, as in one ingest). The best of N rounds is kept. Files/s, MB/s and records/s are
reported per loader, with POMs/s and Gradle files/s called out.

Usage::

    /tmp/venv/bin/python bench/parse_speed.py [--corpus ../shared/corpus] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from parity import CorpusContext, clear_caches, repo_files  # noqa: E402

from loaders.base import Loader  # noqa: E402
from loaders.registry import LOADERS, loader_for  # noqa: E402
from planner.errors import ParseError  # noqa: E402
from planner.model import Source  # noqa: E402

#: loaders whose throughput issue 4 asks for by name
MAVEN = ("maven-pom",)


@dataclass
class LoaderStats:
    """Best-round totals for one loader."""

    name: str
    files: int = 0
    bytes: int = 0
    errors: int = 0
    records: int = 0
    warnings: int = 0
    seconds: float = float("inf")
    rounds: list[float] = field(default_factory=list)
    error_files: list[str] = field(default_factory=list)

    def row(self) -> dict[str, Any]:
        """JSON-able view with rates."""
        ok = self.seconds if self.seconds not in (0.0, float("inf")) else None
        return {
            "loader": self.name,
            "files": self.files,
            "bytes": self.bytes,
            "parse_errors": self.errors,
            "error_files": self.error_files,
            "records": self.records,
            "warnings": self.warnings,
            "best_s": self.seconds if ok else None,
            "rounds_s": self.rounds,
            "files_per_s": self.files / ok if ok else None,
            "mb_per_s": self.bytes / 1e6 / ok if ok else None,
            "records_per_s": self.records / ok if ok else None,
        }


def corpus_files(corpus: Path) -> dict[str, list[tuple[str, str]]]:
    """``repo -> [(repo-relative path, loader name)]`` for every corpus file some loader takes."""
    out: dict[str, list[tuple[str, str]]] = {}
    for repo_dir in sorted(p for p in corpus.iterdir() if p.is_dir()):
        for f in sorted(repo_dir.rglob("*")):
            if f.is_file():
                rel = f.relative_to(repo_dir).as_posix()
                loader = loader_for(rel)
                if loader is not None:
                    out.setdefault(repo_dir.name, []).append((rel, loader.name))
    return out


def time_loader(
    loader: Loader, files: list[tuple[str, str]], texts: dict[str, dict[tuple[str, str], str]], runs: int
) -> LoaderStats:
    """Best-of-``runs`` cold rounds over ``files`` (``(repo, path)`` pairs) for one loader."""
    stats = LoaderStats(loader.name, files=len(files))
    stats.bytes = sum(len(texts[repo][(repo, path)].encode("utf-8")) for repo, path in files)
    base = {repo: CorpusContext(texts[repo]) for repo in {r for r, _ in files}}
    for _ in range(runs):
        clear_caches()
        contexts = {repo: ctx.fresh() for repo, ctx in base.items()}
        errors: list[str] = []
        records = warnings = 0
        elapsed = 0.0
        for repo, path in files:
            text = texts[repo][(repo, path)]
            source = Source(repo, path, f"{repo}/{path}")
            t = time.perf_counter()
            try:
                result = loader.parse(text, source, contexts[repo])
            except ParseError:
                elapsed += time.perf_counter() - t
                errors.append(f"{repo}/{path}")
                continue
            elapsed += time.perf_counter() - t
            records += len(result.records)
            warnings += len(result.warnings)
        stats.rounds.append(elapsed)
        if elapsed < stats.seconds:
            stats.seconds = elapsed
        stats.errors, stats.error_files, stats.records, stats.warnings = len(errors), errors, records, warnings
    return stats


def run(corpus: Path, runs: int) -> dict[str, Any]:
    """Time every loader; return the JSON-able report."""
    by_repo = corpus_files(corpus)
    texts = {repo: repo_files(corpus / repo) for repo in by_repo}
    per_loader: dict[str, list[tuple[str, str]]] = {loader.name: [] for loader in LOADERS}
    skipped: list[str] = []
    for repo, entries in by_repo.items():
        for path, name in entries:
            if (repo, path) in texts[repo]:
                per_loader[name].append((repo, path))
            else:
                skipped.append(f"{repo}/{path}")  # not UTF-8: the ingest would refuse it too
    rows = []
    for loader in LOADERS:
        stats = time_loader(loader, per_loader[loader.name], texts, runs)
        rows.append(stats.row())
        print(f"  {loader.name}: {stats.files} files", file=sys.stderr)
    total_files = sum(r["files"] for r in rows)
    total_bytes = sum(r["bytes"] for r in rows)
    total_s = sum(r["best_s"] or 0.0 for r in rows)
    gradle = [r for r in rows if r["loader"].startswith("gradle")]
    gradle_build = [r for r in rows if r["loader"] == "gradle-build"]
    poms = [r for r in rows if r["loader"] in MAVEN]

    def rate(group: list[dict[str, Any]]) -> float | None:
        s = sum(r["best_s"] or 0.0 for r in group)
        return sum(r["files"] for r in group) / s if s else None

    return {
        "date": time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "machine": {"nproc": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "runs": runs,
        "method": "cold rounds (functools caches cleared, fresh context), files in corpus order, best round kept",
        "skipped_not_utf8": skipped,
        "total": {
            "files": total_files,
            "bytes": total_bytes,
            "best_s": total_s,
            "files_per_s": total_files / total_s if total_s else None,
            "mb_per_s": total_bytes / 1e6 / total_s if total_s else None,
        },
        "poms_per_s": rate(poms),
        "gradle_build_files_per_s": rate(gradle_build),
        "gradle_files_per_s": rate(gradle),
        "gradle_loaders": [r["loader"] for r in gradle],
        "rows": rows,
    }


def _fmt(x: float | None, spec: str) -> str:
    return "-" if x is None else format(x, spec)


def print_table(report: dict[str, Any]) -> None:
    """Per-loader table, totals and the called-out rates."""
    head = f"{'loader':<22} {'files':>6} {'KB':>8} {'err':>4} {'records':>8} {'best ms':>9} {'files/s':>9} {'MB/s':>7}"
    print(head)
    print("-" * len(head))
    for r in report["rows"]:
        print(
            f"{r['loader']:<22} {r['files']:>6} {r['bytes'] / 1000:>8.0f} {r['parse_errors']:>4} {r['records']:>8} "
            f"{_fmt(r['best_s'] and r['best_s'] * 1000, '9.1f'):>9} {_fmt(r['files_per_s'], '9.0f'):>9} "
            f"{_fmt(r['mb_per_s'], '7.2f'):>7}"
        )
    print("-" * len(head))
    t = report["total"]
    print(
        f"{'all loaders':<22} {t['files']:>6} {t['bytes'] / 1000:>8.0f} {'':>4} {'':>8} {t['best_s'] * 1000:>9.1f} "
        f"{_fmt(t['files_per_s'], '9.0f'):>9} {_fmt(t['mb_per_s'], '7.2f'):>7}"
    )
    print(
        f"POMs/s: {_fmt(report['poms_per_s'], '.0f')}   Gradle build scripts/s: "
        f"{_fmt(report['gradle_build_files_per_s'], '.0f')}   all Gradle files/s "
        f"({', '.join(report['gradle_loaders'])}): {_fmt(report['gradle_files_per_s'], '.0f')}"
    )
    if report["skipped_not_utf8"]:
        print(f"skipped (not UTF-8): {', '.join(report['skipped_not_utf8'])}")


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--runs", type=int, default=3, help="cold rounds per loader (best is kept)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "parse_speed.json")
    args = ap.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    report = run(args.corpus, args.runs)
    print_table(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
