"""`depwave exposure`: are we exposed to an advisory, and where."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from planner.cli.advisories import affected_packages
from planner.cli.app import EXIT_FINDINGS, EXIT_OK, App, pass_app
from planner.cli.options import one_environment, osv_options, output_option, symbols_option, wide_option
from planner.errors import UsageError


def _reachability(app: App, report: Any, targets: list[str], symbols: Path | None) -> None:
    """Add the reachability layer (called / imported / not-called / not-scanned) to an exposure report."""
    from planner.reachability import layer

    extra, problems = layer.symbols_file_rules(str(symbols) if symbols else None)
    report.problems.extend(problems)
    layer.add_reachability_with(app.store(), report, [*layer.osv_file_rules(targets), *extra])


@click.command()
@click.argument("target")
@click.option(
    "--env",
    "environment",
    multiple=True,
    callback=one_environment,
    help="Only what runs in this environment (e.g. prod), and what runs where no environment is known (marked).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "sarif", "markdown"]),
    default="table",
    show_default=True,
    help="Table for people, JSON for scripts, SARIF for code scanning, Markdown for tickets.",
)
@wide_option
@symbols_option
@output_option
@osv_options
@pass_app
def exposure(
    app: App,
    target: str,
    environment: str | None,
    fmt: str,
    wide: bool,
    symbols: Path | None,
    output: Path | None,
    offline: bool,
    osv_url: str | None,
    cache_dir: Path | None,
) -> None:
    """Are we exposed to TARGET (an advisory id or alias, an OSV file, or PURL@RANGE)? Exit 1 if so."""
    from planner.output_file import capture_stdout

    with capture_stdout(output, success_codes=(EXIT_OK, EXIT_FINDINGS)):
        _exposure(app, target, environment, fmt, wide, symbols, offline, osv_url, cache_dir)


def _exposure(
    app: App,
    target: str,
    environment: str | None,
    fmt: str,
    wide: bool,
    symbols: Path | None,
    offline: bool,
    osv_url: str | None,
    cache_dir: Path | None,
) -> None:
    from planner import exposure as exposure_mod
    from planner.render import exposure_view

    affected, problems = affected_packages(app, target, offline, osv_url, cache_dir)
    if not affected:
        raise UsageError(f"{target} affects no package depwave can look up")
    report = exposure_mod.assess(app.store(), affected)
    report.problems = problems + report.problems
    _reachability(app, report, [target], symbols)
    if environment:
        from planner.environments import keep_environment

        keep_environment(report, environment)
    exposure_view.show(report, fmt, wide)
    if report.any_exposed:
        sys.exit(EXIT_FINDINGS)
