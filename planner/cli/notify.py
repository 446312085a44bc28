"""`depwave notify`: one message per owner with their steps in wave order."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from planner.cli.advisories import advisory_resolver, policy_or_default
from planner.cli.app import EXIT_COMPLETED_WITH_ERRORS, App, pass_app
from planner.cli.options import osv_options, plan_request_options
from planner.errors import UsageError


@click.command()
@plan_request_options
@click.option("--campaign", "campaign_name", default=None, help="Notify about what remains of this campaign.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "github", "slack"]),
    default="markdown",
    show_default=True,
    help="Markdown for a tracker, or the JSON payloads of the GitHub issues API / a Slack incoming webhook.",
)
@click.option("--dry-run/--post", "dry_run", default=True, help="Print what would be sent [default], or send it.")
@click.option("--github-repo", "github_repos", multiple=True, metavar="[OWNER=]ORG/REPO", help="Where issues go.")
@click.option(
    "--github-api",
    envvar="DEPWAVE_GITHUB_API",
    default="https://api.github.com",
    show_default=True,
    help="The GitHub REST API [env DEPWAVE_GITHUB_API] (GitHub Enterprise: https://HOST/api/v3).",
)
@click.option(
    "--slack-webhook-env",
    "slack_envs",
    multiple=True,
    metavar="[OWNER=]ENV",
    help="The environment variable holding the webhook URL [default DEPWAVE_SLACK_WEBHOOK].",
)
@click.option("--timeout", type=click.FloatRange(min=0.1), default=10.0, show_default=True, help="Seconds per request.")
@osv_options
@pass_app
def notify(
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
    fmt: str,
    dry_run: bool,
    github_repos: tuple[str, ...],
    github_api: str,
    slack_envs: tuple[str, ...],
    timeout: float,
    offline: bool,
    osv_url: str | None,
    cache_dir: Path | None,
) -> None:
    """One message per owner with their steps in wave order: where, the change, the patch, how to verify it
    and when it is due (exit 3 when some message could not be sent)."""
    from planner.notify import post as notify_post
    from planner.notify import render as notify_render
    from planner.notify import send as notify_send
    from planner.render import emit_json

    if not dry_run and fmt == "markdown":
        raise UsageError("--post sends --format github or --format slack (Markdown is for pasting)")
    github = notify_send.PerOwner.parse(github_repos, "--github-repo")
    slack = notify_send.PerOwner.parse(slack_envs, "--slack-webhook-env")
    token = notify_send.github_token(os.environ) if not dry_run and fmt == "github" else ""
    if token and notify_post.plain_http(github_api):
        raise UsageError(f"--github-api {github_api}: give an https:// URL (the token would travel in clear)")
    request_args = (advisories, package, fixed, same_branch, environment, repos, owners)
    messages, issues = _messages(app, campaign_name, request_args, policy_path, (offline, osv_url, cache_dir))
    if not messages:
        click.echo("depwave: no step to notify anyone about", err=True)
        return
    if dry_run:
        if fmt == "markdown":
            click.echo("\n".join(notify_render.markdown(m) for m in messages), nl=False)
        else:
            emit_json(notify_send.dry_run(messages, fmt, github, slack, issues))
        return
    poster = notify_post.Poster(timeout_s=timeout)
    if fmt == "github":
        outcomes = notify_send.to_github(messages, github, github_api, token, poster)
    else:
        outcomes = notify_send.to_slack(messages, slack, os.environ, poster, issues)
    _record_notifications(app, campaign_name, outcomes)
    _report_outcomes(outcomes)


def _report_outcomes(outcomes: list[Any]) -> None:
    """One line per message: sent (with its URL) on stdout, not sent on stderr; exit 3 when any was not sent."""
    for o in outcomes:
        if o.sent.ok:
            click.echo(f"sent {o.owner} ({len(o.steps)} steps){': ' + o.sent.url if o.sent.url else ''}")
        else:
            click.echo(f"depwave: not sent: {o.sent.error}", err=True)
    if not all(o.sent.ok for o in outcomes):
        sys.exit(EXIT_COMPLETED_WITH_ERRORS)


def _messages(
    app: App, campaign_name: str | None, request_args: tuple[Any, ...], policy_path: Path | None, osv: tuple[Any, ...]
) -> tuple[list[Any], dict[str, str]]:
    """One message per owner (timestamped to the minute), and the issue URLs already on the campaign's steps."""
    from datetime import UTC, datetime

    from planner.notify.messages import build

    plan, fix_doc, states, issues = _notify_inputs(app, campaign_name, request_args, policy_path, osv)
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    return build(plan, fix_doc, now, states, request_args[6], campaign_name), issues


def _notify_inputs(
    app: App, campaign_name: str | None, request_args: tuple[Any, ...], policy_path: Path | None, osv: tuple[Any, ...]
) -> tuple[dict[str, Any], dict[str, Any], dict[str, str] | None, dict[str, str]]:
    """The plan (a campaign's re-plan of what remains, or a new one), its patches, the campaign's step
    states and the issue URLs already recorded on its steps."""
    from planner.fix import checkouts as fix_checkouts
    from planner.fix import run as fix_run
    from planner.render import plan_view

    store = app.store()
    resolve = advisory_resolver(app, *osv)
    states: dict[str, str] | None = None
    issues: dict[str, str] = {}
    if campaign_name is not None:
        if request_args[0] or request_args[1]:
            raise UsageError("give either --campaign NAME or --advisory/--package, not both")
        from planner import campaign as campaign_mod

        st = campaign_mod.status(store, campaign_name, resolve)
        plan = plan_view.as_dict(st.plan)
        states = {s["id"]: s["state"] for s in st.steps}
        issues = {s["id"]: s["issue"] for s in st.steps if s.get("issue")}
    else:
        from planner.planning import PlanRequest, make_plan

        plan = plan_view.as_dict(
            make_plan(store, PlanRequest(*request_args), policy_or_default(policy_path), resolve).plan
        )
    ctx = fix_checkouts.context(store, plan)
    fix_doc = fix_run.make_fix(plan, ctx, fix_checkouts.Checkouts(ctx.files)).as_dict()
    return plan, fix_doc, states, issues


def _record_notifications(app: App, campaign_name: str | None, outcomes: list[Any]) -> None:
    """Keep each created issue's URL on the campaign's steps it covers (with an event)."""
    if campaign_name is None:
        return
    from planner import campaign as campaign_mod

    links = [
        {"id": step, "issue": o.sent.url, "note": f"depwave notify: issue for {o.owner}"}
        for o in outcomes
        if o.sent.ok and o.sent.url
        for step in o.steps
    ]
    campaign_mod.link_issues(app.store(), campaign_name, links)
