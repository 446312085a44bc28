"""Option decorators shared by several commands."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click


def output_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """``-o/--output FILE`` on document commands: written whole, and only when the command succeeds."""
    return click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Write the document to FILE instead of stdout (whole, and only when the command succeeds).",
    )(f)


def document_output(f: Callable[..., Any]) -> Callable[..., Any]:
    """``-o/--output FILE`` around a whole command (the innermost decorator): what the command prints goes
    to FILE, written whole and only when the command succeeds (``planner.output_file.capture_stdout``)."""

    @functools.wraps(f)
    def run(*args: Any, output: Path | None = None, **kwargs: Any) -> Any:
        if output is None:  # the common case: planner.output_file (tempfile, shutil) is not imported
            return f(*args, **kwargs)
        from planner.output_file import capture_stdout

        with capture_stdout(output):
            return f(*args, **kwargs)

    return output_option(run)


def format_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """``--format table|json`` on every command."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["table", "json"]),
        default="table",
        show_default=True,
        help="Output for people (table) or scripts (json, stable schema).",
    )(f)


def wide_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """``--wide``: every column in full, whatever the terminal's width (tables only)."""
    return click.option(
        "--wide", is_flag=True, help="Show every column in full, without fitting the table to the terminal."
    )(f)


def osv_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """Options for commands that may fetch advisories from the OSV API."""
    f = click.option("--offline", is_flag=True, help="Never call the OSV API; use the graph and the cache only.")(f)
    f = click.option("--osv-url", default=None, help="OSV API base URL [env DEPWAVE_OSV_URL; default api.osv.dev].")(f)
    f = click.option(
        "--cache-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="OSV response cache [default: <data dir>/osv-cache].",
    )(f)
    return f


def symbols_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """``--symbols FILE``: a responder's vulnerable symbols (docs/reachability.md)."""
    return click.option(
        "--symbols",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        default=None,
        help="Vulnerable symbols file (depwave.symbols/1) for the reachability layer.",
    )(f)


def plan_request_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """What to plan: advisories or a package and fixed version, the scope and the policy (plan, campaign)."""
    for option in reversed(
        (
            click.option("--advisory", "advisories", multiple=True, help="Advisory id/alias or OSV file (repeatable)."),
            click.option("--package", "package", default=None, help="The vulnerable package (versionless purl)."),
            click.option(
                "--fixed",
                default=None,
                help="The version to move to (required with --package; with --advisory, default the lowest "
                "version that clears every advisory).",
            ),
            click.option(
                "--same-branch",
                is_flag=True,
                help="Prefer a fix on each project's own release line (2.12.x -> 2.12.4).",
            ),
            click.option(
                "--env",
                "environment",
                multiple=True,
                callback=one_environment,
                help="Only what production (or this environment) needs.",
            ),
            click.option(
                "--repo", "repos", multiple=True, help="Only these repositories (and the libraries they need)."
            ),
            click.option(
                "--owner", "owners", multiple=True, help="Only projects of these owners (and what they need)."
            ),
            click.option(
                "--policy",
                "policy_path",
                type=click.Path(dir_okay=False, path_type=Path),
                default=None,
                help="Policy file [default: ./depwave.yaml when present].",
            ),
        )
    ):
        f = option(f)
    return f


def one_environment(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> str | None:
    """``--env`` once: a second one is refused rather than silently replacing the first (issue 18)."""
    if len(value) > 1:
        raise click.BadParameter(f"one at a time (got {', '.join(value)}): run once per environment")
    return value[0] if value else None
