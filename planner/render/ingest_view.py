"""Ingest progress and summary for people."""

from __future__ import annotations

import contextlib
import os
import re
import sys
import textwrap
from collections.abc import Iterator, Sequence
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from planner.ingest import IngestReport
from planner.render import console
from planner.render.layout import Column, middle, print_table
from planner.safe_text import escape_terminal

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
        TextColumn("{task.description}", markup=False),  # a file name, never markup
        console=console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("", total=None)

        def tick(done: int, total: int, name: str) -> None:
            bar.update(task, completed=done, total=total, description=name[-60:])

        yield tick


def show(report: IngestReport, stats: dict[str, dict[str, int]], roots: Sequence[Path] = ()) -> None:
    """The summary table, then warnings and errors (their paths relative to ``roots``, the paths given)."""
    out = console()
    _say(
        out,
        f"ingest {report.status}: {report.files} files recognised, {report.loaded} loaded, "
        f"{report.unchanged} unchanged, {report.skipped} skipped, {report.pruned} pruned; "
        f"{report.edges:,} relationships written in {report.seconds:.2f} s",
    )
    links = report.links or {}
    if links:
        untraceable = links.get("untraceable_images") or []
        _say(
            out,
            f"linked: {links.get('built_from', 0)} image(s) to the projects they are built from, "
            f"{links.get('project_owners', 0)} project and {links.get('service_owners', 0)} service owner(s); "
            f"{len(untraceable)} deployed image(s) no ingested repository builds",
        )
    calls = report.calls or {}
    if calls.get("files"):
        _say(
            out,
            f"source code: {calls['files']} scanned file(s), {calls.get('assigned', 0)} in a project; "
            f"{calls.get('edges', 0):,} CALLS edge(s) to {calls.get('symbols', 0):,} symbol(s) "
            "(depwave usage PURL; reachability in depwave exposure)",
        )
    for title, items in (("warning", report.warnings), ("error", report.errors)):
        for line in items[:SHOWN]:
            _say(out, problem_line(title, line, roots, out.width))
        if len(items) > SHOWN:
            out.print(f"... and {len(items) - SHOWN} more {title}s (--format json lists all)")
    show_stats(stats)


def _say(out: Console, text: str) -> None:
    """A line of the summary wrapped between words, later lines indented, no trailing spaces."""
    lines = textwrap.wrap(
        escape_terminal(text), out.width, subsequent_indent="  ", break_long_words=False, break_on_hyphens=False
    )
    out.file.write("".join(line + "\n" for line in lines or [""]))


_LINE = re.compile(r":\d+(?::\d+)?: ")


def problem_line(title: str, problem: str, roots: Sequence[Path], width: int) -> str:
    """``warning: repo/dir/…/pom.xml:1: reason``: the ``path:line:`` of a problem relative to the ingested
    path it is under (its own name kept), the path cut in the middle so that it takes at most half a line;
    the reason is wrapped after it. ``--format json`` keeps the whole path. The path is the first
    ``…:N:`` prefix that names a file (a directory name may itself hold ``:1:``)."""
    for found in _LINE.finditer(problem):
        path = problem[: found.start()]
        if not os.path.isfile(path):
            continue
        for root in sorted(roots, key=lambda r: -len(str(r))):
            base = str(root.resolve().parent)
            if path.startswith(base + os.sep):
                path = path[len(base) + 1 :]
                break
        return f"{title}: {middle(path, max(24, width // 2))}{problem[found.start() :]}"
    return f"{title}: {problem}"


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
