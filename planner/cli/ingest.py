"""`depwave ingest`: read files into the graph."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from planner.cli.app import EXIT_COMPLETED_WITH_ERRORS, App, pass_app
from planner.cli.options import format_option
from planner.errors import UsageError


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--repo", help="Treat everything under PATHS as this one repository.")
@click.option("--force", is_flag=True, help="Re-read files even when their content is unchanged.")
@click.option("--no-prune", is_flag=True, help="Keep files that disappeared from a walked repository.")
@click.option("--strict", is_flag=True, help="Also exit 3 when files loaded with warnings.")
@click.option("--allow-errors", is_flag=True, help="Exit 0 even when some files had to be skipped.")
@click.option("--max-file-size", type=int, default=64, show_default=True, help="Skip files larger than this (MiB).")
@click.option("--no-scan", is_flag=True, help="Do not scan source code (imports and call sites) for reachability.")
@format_option
@pass_app
def ingest(
    app: App,
    paths: tuple[Path, ...],
    repo: str | None,
    force: bool,
    no_prune: bool,
    strict: bool,
    allow_errors: bool,
    max_file_size: int,
    no_scan: bool,
    fmt: str,
) -> None:
    """Read manifests, lockfiles, SBOMs and source code under PATHS into the graph."""
    from planner import ingest as ingest_mod
    from planner.big_files import stderr_progress
    from planner.render import ingest_view

    if max_file_size < 1:
        raise UsageError("--max-file-size must be at least 1 MiB")
    store = app.store()
    with ingest_view.progress(enabled=fmt == "table") as tick:
        report = ingest_mod.ingest(
            store,
            list(paths),
            repo=repo,
            force=force,
            prune=not no_prune,
            max_bytes=max_file_size * 1024 * 1024,
            progress=tick,
            scan=not no_scan,
            file_progress=stderr_progress(),
        )
    stats = store.stats()
    if fmt == "json":
        from planner.render import emit_json

        emit_json({"schema": "depwave.ingest/1", **report.as_dict(), "graph": stats})
    else:
        ingest_view.show(report, stats, paths)
    if (report.errors and not allow_errors) or (strict and report.warnings):
        sys.exit(EXIT_COMPLETED_WITH_ERRORS)
