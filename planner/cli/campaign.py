"""`depwave campaign ...`: a traceable remediation record kept in the graph."""

from __future__ import annotations

import json
from pathlib import Path

import click

from planner.cli.advisories import advisory_resolver, policy_or_default
from planner.cli.app import App, pass_app
from planner.cli.options import document_output, format_option, osv_options, plan_request_options, wide_option


@click.group()
def campaign() -> None:
    """A traceable remediation record: the plan and each step's state, kept in the graph."""


@campaign.command("start")
@click.option("--name", default=None, help="Campaign name [default: the advisories and today's date].")
@click.option(
    "--replace",
    is_flag=True,
    help="Re-plan an existing campaign of that name, keeping its start, step states, links and history.",
)
@plan_request_options
@click.option("--by", default=None, help="Who starts it [env DEPWAVE_USER; default the login name].")
@format_option
@osv_options
@pass_app
def campaign_start(
    app: App,
    name: str | None,
    replace: bool,
    advisories: tuple[str, ...],
    package: str | None,
    fixed: str | None,
    same_branch: bool,
    environment: str | None,
    repos: tuple[str, ...],
    owners: tuple[str, ...],
    policy_path: Path | None,
    by: str | None,
    fmt: str,
    offline: bool,
    osv_url: str | None,
    cache_dir: Path | None,
) -> None:
    """Plan and record a campaign (every step starts as todo); a name in use needs --replace."""
    from planner import campaign as campaign_mod
    from planner.planning import PlanRequest
    from planner.render import emit_json, plan_view

    request = PlanRequest(advisories, package, fixed, same_branch, environment, repos, owners)
    policy = policy_or_default(policy_path)
    text = Path(policy.source).read_text(encoding="utf-8") if policy.source and Path(policy.source).is_file() else None
    started = campaign_mod.start(
        app.store(), name, request, policy, text, advisory_resolver(app, offline, osv_url, cache_dir), by, replace
    )
    plan = started.result.plan
    if fmt == "json":
        emit_json(
            {
                "schema": campaign_mod.SCHEMA,
                "campaign": started.key,
                "replaced": started.replaced,
                "counts": started.counts,
                "plan": json.loads(plan_view.render(plan, "json")),
            }
        )
    else:
        if started.replaced:
            counts = ", ".join(f"{n} {k}" for k, n in started.counts.items())
            click.echo(f"campaign {started.key} re-planned: {len(plan.steps)} steps ({counts}); history kept")
        else:
            click.echo(f"campaign {started.key}: {len(plan.steps)} steps recorded as todo")
        click.echo(plan_view.render(plan, "text"), nl=False)


@campaign.command("mark")
@click.argument("step")
@click.argument("state", type=click.Choice(["todo", "in-pr", "done", "failed", "blocked", "bot-error"]))
@click.option("--campaign", "campaign_name", default=None, help="Campaign name [default: the most recent].")
@click.option("--by", default=None, help="Who marks it [env DEPWAVE_USER; default the login name].")
@click.option("--note", default=None, help="A note for the record (reason, context).")
@click.option("--pr", default=None, help="The pull request's URL, kept on the step.")
@click.option("--issue", default=None, help="The tracker issue's URL, kept on the step.")
@format_option
@pass_app
def campaign_mark(
    app: App,
    step: str,
    state: str,
    campaign_name: str | None,
    by: str | None,
    note: str | None,
    pr: str | None,
    issue: str | None,
    fmt: str,
) -> None:
    """Set the STATE of STEP (its label or id, as `campaign status` shows them)."""
    from planner import campaign as campaign_mod
    from planner.render import campaign_view, emit_json
    from planner.render.labels import step_label

    row = campaign_mod.mark(app.store(), campaign_name, step, state, by, note, pr, issue, label_of=step_label)
    if fmt == "json":
        emit_json({"schema": campaign_mod.SCHEMA, **{k: v for k, v in row.items() if k != "label"}})
    else:
        click.echo(campaign_view.mark_text(row), nl=False)


@campaign.command("status")
@click.option("--campaign", "campaign_name", default=None, help="Campaign name [default: the most recent].")
@click.option("--owner", default=None, help="Only this owner's steps (the plan still covers every step).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True)
@wide_option
@osv_options
@pass_app
@document_output
def campaign_status(
    app: App,
    campaign_name: str | None,
    owner: str | None,
    fmt: str,
    wide: bool,
    offline: bool,
    osv_url: str | None,
    cache_dir: Path | None,
) -> None:
    """Where a campaign stands; what remains is re-planned on the graph as it is now."""
    from planner import campaign as campaign_mod
    from planner.render import campaign_view, emit_json, plan_view

    st = campaign_mod.status(app.store(), campaign_name, advisory_resolver(app, offline, osv_url, cache_dir), owner)
    if fmt == "json":
        emit_json(st.as_dict(json.loads(plan_view.render(st.plan, "json"))))
    elif fmt == "markdown":
        click.echo(campaign_view.status_markdown(st), nl=False)
    else:
        click.echo(campaign_view.status_text(st, wide=wide), nl=False)


@campaign.command("export")
@click.option("--campaign", "campaign_name", default=None, help="Campaign name [default: the most recent].")
@click.option("--format", "fmt", type=click.Choice(["json", "markdown"]), default="json", show_default=True)
@pass_app
@document_output
def campaign_export(app: App, campaign_name: str | None, fmt: str) -> None:
    """The whole record for auditors: every step with state and links, every change with who and when."""
    from planner import campaign as campaign_mod
    from planner.render import campaign_view, emit_json

    doc = campaign_mod.history(app.store(), campaign_name)
    if fmt == "json":
        emit_json(doc)
    else:
        click.echo(campaign_view.history_markdown(doc), nl=False)
