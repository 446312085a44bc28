"""Ingest progress and summary for people."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from planner.ingest import IngestReport
from planner.render import console
from planner.render.layout import Column, print_table

#: how many warnings/errors a table summary lists before pointing at --format json
SHOWN = 20


@contextlib.contextmanager
def progress(enabled: bool) -> Iterator:
    """A rich progress bar on stderr when it is a terminal; a no-op callback otherwise."""
    if not (enabled and sys.stderr.isatty()):
        yield None
        return
    with Progress(
        TextColumn("[bold]ingest"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("", total=None)

        def tick(done: int, total: int, name: str) -> None:
            bar.update(task, completed=done, total=total, description=name[-60:])

        yield tick


def show(report: IngestReport, stats: dict[str, dict[str, int]]) -> None:
    """The summary table, then warnings and errors."""
    out = console()
    out.print(
        f"ingest {report.status}: {report.files} files recognised, {report.loaded} loaded, "
        f"{report.unchanged} unchanged, {report.skipped} skipped, {report.pruned} pruned; "
        f"{report.edges:,} relationships written in {report.seconds:.2f} s"
    )
    links = report.links or {}
    if links:
        untraceable = links.get("untraceable_images") or []
        out.print(
            f"linked: {links.get('built_from', 0)} image(s) to the projects they are built from, "
            f"{links.get('project_owners', 0)} project and {links.get('service_owners', 0)} service owner(s); "
            f"{len(untraceable)} deployed image(s) no ingested repository builds"
        )
    for title, items in (("warning", report.warnings), ("error", report.errors)):
        for line in items[:SHOWN]:
            out.print(f"{title}: {line}", markup=False)
        if len(items) > SHOWN:
            out.print(f"... and {len(items) - SHOWN} more {title}s (--format json lists all)")
    show_stats(stats)


def show_stats(stats: dict[str, dict[str, int]]) -> None:
    """Node and relationship counts."""
    out = console()
    nodes = stats.get("nodes", {})
    rels = stats.get("relationships", {})
    count = Column("count", justify="right")
    out.print("graph: nodes", markup=False)
    print_table(out, [Column("label"), count], [[k, f"{v:,}"] for k, v in sorted(nodes.items())])
    out.print("graph: relationships", markup=False)
    print_table(out, [Column("type"), count], [[k, f"{v:,}"] for k, v in sorted(rels.items())])
