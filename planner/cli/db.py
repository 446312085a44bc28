"""`depwave db ...`: start, stop, inspect or empty the graph store."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from planner.cli.app import EXIT_STORE, App, pass_app
from planner.cli.options import format_option
from planner.errors import StoreUnavailable, UsageError


@click.group()
def db() -> None:
    """Start, stop, inspect or empty the graph store."""


@db.command("start")
@format_option
@pass_app
def db_start(app: App, fmt: str) -> None:
    """Start the embedded store (or check Neo4j answers) and create the schema."""
    store = app.store()
    store.ensure_schema()
    _show_status(store.describe() | {"running": True}, fmt)


@db.command("stop")
@click.option(
    "--no-save", is_flag=True, help="Stop without saving: what is not yet on disk is lost (when saving fails)."
)
@click.option("--timeout", type=float, default=60.0, show_default=True, help="Give up after this many seconds.")
@format_option
@pass_app
def db_stop(app: App, no_save: bool, timeout: float, fmt: str) -> None:
    """Stop the embedded store, saving it to disk (exit 4, store left running, when it cannot save)."""
    from planner.store import default_data_dir, embedded_server

    kind = app.store_kind or os.environ.get("DEPWAVE_STORE") or "embedded"
    if kind != "embedded":
        raise UsageError("Neo4j is not started by depwave: stop it with `docker compose down`")
    if timeout <= 0:
        raise UsageError("--timeout must be more than 0 seconds")
    data_dir = app.data_dir or default_data_dir()
    stopped = embedded_server.stop(data_dir, save=not no_save, timeout_s=timeout)
    info = {"store": "embedded", "data_dir": str(data_dir), "stopped": stopped, "saved": stopped and not no_save}
    _show_status(info | {"running": False}, fmt)


@db.command("status")
@format_option
@pass_app
def db_status(app: App, fmt: str) -> None:
    """Is the store running? (exit 4 when it is not)."""
    try:
        info = app.store(start=False).describe() | {"running": True}
    except StoreUnavailable as exc:
        _show_status({"running": False, "reason": str(exc)}, fmt)
        sys.exit(EXIT_STORE)
    _show_status(info, fmt)


@db.command("stats")
@format_option
@pass_app
def db_stats(app: App, fmt: str) -> None:
    """Node counts per label and relationship counts per type."""
    from planner.render import emit_json, ingest_view

    stats = app.store().stats()
    if fmt == "json":
        emit_json({"schema": "depwave.stats/1", **stats})
    else:
        ingest_view.show_stats(stats)


@db.command("reset")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_app
def db_reset(app: App, yes: bool) -> None:
    """Delete the whole graph."""
    if not yes and not click.confirm("Delete the whole depwave graph?", default=False):
        raise UsageError("reset cancelled")
    app.store().reset()
    click.echo("graph deleted")


def _show_status(info: dict[str, Any], fmt: str) -> None:
    from planner.render import emit_json

    if fmt == "json":
        emit_json({"schema": "depwave.db/1", **info})
    else:
        for k, v in info.items():
            click.echo(f"{k}: {v}")
