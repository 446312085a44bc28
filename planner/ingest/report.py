"""What an ingest did: parse outcomes (IngestReport) and load outcomes (LoadReport, merged at the end)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from planner.store.rows import Expected


@dataclass(slots=True)
class IngestReport:
    """What an ingest did."""

    run: str
    files: int = 0
    loaded: int = 0
    unchanged: int = 0
    skipped: int = 0
    pruned: int = 0
    orphans_removed: int = 0
    links: dict[str, object] = field(default_factory=dict)
    calls: dict[str, int] = field(default_factory=dict)
    rows: int = 0
    edges: int = 0
    seconds: float = 0.0
    by_loader: Counter[str] = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        """``ok``, ``completed-with-warnings`` or ``completed-with-errors``."""
        if self.errors:
            return "completed-with-errors"
        return "completed-with-warnings" if self.warnings else "ok"

    def as_dict(self) -> dict[str, object]:
        """The JSON form (documented in README, stable)."""
        return {
            "run": self.run,
            "status": self.status,
            "files": self.files,
            "loaded": self.loaded,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "pruned": self.pruned,
            "orphans_removed": self.orphans_removed,
            "links": self.links,
            "calls": self.calls,
            "edges_written": self.edges,
            "seconds": round(self.seconds, 3),
            "by_loader": dict(sorted(self.by_loader.items())),
            "warnings": self.warnings,
            "errors": self.errors,
        }


@dataclass(slots=True)
class LoadReport:
    """What the loads of an ingest did (kept apart from the parse results while loads run on a thread)."""

    loaded: int = 0
    skipped: int = 0
    rows: int = 0
    edges: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    merged: bool = False
    #: what the loads must leave in the store (planner/ingest/verify.py checks it after the loads)
    expected: Expected = field(default_factory=Expected)

    def merge_into(self, report: IngestReport) -> None:
        """Add these counts and errors to the ingest's report."""
        self.merged = True
        report.loaded += self.loaded
        report.skipped += self.skipped
        report.rows += self.rows
        report.edges += self.edges
        report.by_loader.subtract(self.rejected)
        report.errors.extend(self.errors)
