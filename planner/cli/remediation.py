"""Remediation: `depwave plan`, `fix` and `report`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from planner.cli.advisories import advisory_resolver, policy_or_default
from planner.cli.app import EXIT_COMPLETED_WITH_ERRORS, App, pass_app
from planner.cli.options import osv_options, output_option, plan_request_options, symbols_option
from planner.errors import UsageError


@click.command()
@plan_request_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown", "mermaid", "dot"]),
    default="text",
    show_default=True,
    help="Summary, JSON for runbooks (schema depwave.plan/1), Markdown runbook, Mermaid or DOT graph.",
)
@symbols_option
@output_option
@osv_options
@pass_app
def plan(
    app: App,
    advisories: tuple[str, ...],
    package: str | None,
    fixed: str | None,
    same_branch: bool,
    environment: str | None,
    repos: tuple[str, ...],
    owners: tuple[str, ...],
    policy_path: Path | None,
    fmt: str,
    symbols: Path | None,
    output: Path | None,
    offline: bool,
    osv_url: str | None,
    cache_dir: Path | None,
) -> None:
    """The fastest safe build -> publish -> deploy sequence that puts every exposed project on a fix."""
    from planner.gc_pause import gc_paused
    from planner.output_file import write_atomically
    from planner.planning import PlanRequest, make_plan
    from planner.render import plan_view

    request = PlanRequest(advisories, package, fixed, same_branch, environment, repos, owners)
    policy = policy_or_default(policy_path)
    from planner.reachability.layer import symbols_file_rules

    rules, problems = symbols_file_rules(str(symbols) if symbols else None)
    for problem in problems:
        click.echo(f"warning: {problem}", err=True)
    resolve = advisory_resolver(app, offline, osv_url, cache_dir)
    with gc_paused():  # tens of thousands of short-lived records, no cycles to free (planner.gc_pause)
        result = make_plan(app.store(), request, policy, resolve, symbols=rules)
        text = plan_view.render(result.plan, fmt)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_atomically(output, text)


@click.command()
@plan_request_options
@click.option("--campaign", "campaign_name", default=None, help="Report on this campaign: states, now line, re-plan.")
@output_option
@osv_options
@pass_app
def report(
    app: App,
    advisories: tuple[str, ...],
    package: str | None,
    fixed: str | None,
    same_branch: bool,
    environment: str | None,
    repos: tuple[str, ...],
    owners: tuple[str, ...],
    policy_path: Path | None,
    campaign_name: str | None,
    output: Path | None,
    offline: bool,
    osv_url: str | None,
    cache_dir: Path | None,
) -> None:
    """One self-contained HTML incident report: headline, exposure, Gantt chart, paths, owners (docs/report.md)."""
    from planner import reporting
    from planner.output_file import write_atomically
    from planner.planning import PlanRequest
    from planner.render.report import render_html
    from planner.sbom import document_timestamp

    if not campaign_name and not advisories and not (package and fixed):
        raise UsageError(
            "give --advisory ID|FILE (repeatable), --package PURL with --fixed VERSION, or --campaign NAME"
        )
    request = PlanRequest(advisories, package, fixed, same_branch, environment, repos, owners)
    docs = reporting.collect(
        app.store(),
        request,
        policy_or_default(policy_path),
        advisory_resolver(app, offline, osv_url, cache_dir),
        document_timestamp(None),
        campaign_name,
    )
    text = render_html(docs, environment)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_atomically(output, text)


def _release(value: str) -> tuple[str, str]:
    purl, sep, version = value.rpartition("=")
    if not sep or not purl or not version:
        raise UsageError(f"--release {value!r}: expected PURL=VERSION")
    from planner import purl as purls

    return purls.parse_user(purl).package, version


def _read_plan(path: Path) -> dict[str, Any]:
    from planner.waves import SCHEMA

    try:
        plan = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(f"{path}: not a plan: {exc}") from None
    if not isinstance(plan, dict) or plan.get("schema") != SCHEMA:
        raise UsageError(f"{path}: not a plan (expected schema {SCHEMA}, from depwave plan --format json)")
    return plan


@click.command()
@plan_request_options
@click.option(
    "--plan",
    "plan_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Patch this plan (depwave plan --format json) instead of planning now.",
)
@click.option("--release", "releases", multiple=True, help="PURL=VERSION an internal library was released as.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Write the patches here: <repo>/<wave>-<kind>-<name>.patch, and fix.json.",
)
@click.option(
    "--apply",
    "apply_root",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Apply them to the checkouts under ROOT (ROOT/<repo>/...).",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@osv_options
@pass_app
def fix(
    app: App,
    advisories: tuple[str, ...],
    package: str | None,
    fixed: str | None,
    same_branch: bool,
    environment: str | None,
    repos: tuple[str, ...],
    owners: tuple[str, ...],
    policy_path: Path | None,
    plan_file: Path | None,
    releases: tuple[str, ...],
    out_dir: Path | None,
    apply_root: Path | None,
    fmt: str,
    offline: bool,
    osv_url: str | None,
    cache_dir: Path | None,
) -> None:
    """One ready-to-apply patch per edit step of a plan (exit 3 when some step could not be patched)."""
    from planner.fix import checkouts as fix_checkouts
    from planner.fix import result as fix_result
    from planner.fix import run as fix_run
    from planner.render import fix_view, plan_view

    if plan_file is not None:
        if advisories or package:
            raise UsageError("give either --plan FILE or --advisory/--package, not both")
        plan = _read_plan(plan_file)
    else:
        from planner.planning import PlanRequest, make_plan

        request = PlanRequest(advisories, package, fixed, same_branch, environment, repos, owners)
        result = make_plan(
            app.store(), request, policy_or_default(policy_path), advisory_resolver(app, offline, osv_url, cache_dir)
        )
        plan = plan_view.as_dict(result.plan)
    store = app.store()
    ctx = fix_checkouts.context(store, plan)
    checkouts = fix_checkouts.Checkouts(ctx.files, apply_root)
    outcome = fix_run.make_fix(plan, ctx, checkouts, dict(_release(r) for r in releases))
    if apply_root is not None:
        fix_result.apply_patches(outcome, checkouts)
    if out_dir is not None:
        fix_result.write_patches(outcome, out_dir, lambda: fix_view.to_json(outcome))
    from planner.render.labels import step_label

    labels = {str(s.get("id")): step_label(s) for s in plan.get("steps") or [] if isinstance(s, dict)}
    fix_view.show(outcome, fmt, show_diffs=out_dir is None and apply_root is None, labels=labels)
    if outcome.errors:
        sys.exit(EXIT_COMPLETED_WITH_ERRORS)
