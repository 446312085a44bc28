"""Remediation campaigns: the plan and each step's state, kept in the graph for auditors.

``start`` records the plan request, the policy and every planned step (state ``todo``);
``mark`` changes one step's state and appends an event (who, when, from, to, note); ``status``
re-plans on the graph as it is now, treating ``done`` steps as finished, so only what remains is
scheduled, and reports steps that are no longer needed (their project is no longer exposed).
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from planner.errors import UsageError
from planner.exposure import ExposureReport
from planner.planning import PlanRequest, PlanResult, Resolver, make_plan
from planner.policy import Policy, parse_policy_text
from planner.store.base import Store
from planner.waves import Plan

SCHEMA = "depwave.campaign/1"
STATES = ("todo", "in-pr", "done", "failed", "blocked")


def who() -> str:
    """``$DEPWAVE_USER``, else the login name."""
    try:
        return os.environ.get("DEPWAVE_USER") or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def now() -> str:
    """UTC timestamp, seconds precision."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def start(
    store: Store,
    name: str | None,
    request: PlanRequest,
    policy: Policy,
    policy_text: str | None,
    resolve: Resolver,
    by: str | None = None,
) -> tuple[str, PlanResult]:
    """Plan and record a campaign; returns its key and the plan."""
    result = make_plan(store, request, policy, resolve)
    plan = result.plan
    if not plan.steps:
        raise UsageError("nothing to do: no project needs a step, so no campaign was recorded")
    key = name or f"{'+'.join(request.advisories) or plan.target.package}@{now()[:10]}"
    at = now()
    props = {
        "created_at": at,
        "created_by": by or who(),
        "package": plan.target.package,
        "fixed_version": plan.target.fixed_version,
        "request": request.to_json(),
        "policy": policy_text,
    }
    steps = [{"key": f"{key}/{s.id}", "props": _step_props(s)} for s in plan.steps]
    store.write("save_campaign", {"key": key, "props": props, "steps": steps})
    return key, result


def mark(store: Store, campaign: str | None, step: str, state: str, by: str | None, note: str | None) -> dict[str, Any]:
    """Set one step's state (and keep the event)."""
    if state not in STATES:
        raise UsageError(f"unknown state {state!r}: use one of {', '.join(STATES)}")
    key = _campaign_key(store, campaign)
    rows = store.write(
        "mark_campaign_step",
        {"campaign": key, "id": step, "state": state, "at": now(), "by": by or who(), "note": note},
    )
    if not rows:
        raise UsageError(f"campaign {key!r} has no step {step!r} (depwave campaign status lists them)")
    return {"campaign": key, **rows[0]}


@dataclass(slots=True)
class CampaignStatus:
    """Where a campaign stands, with the plan for what remains."""

    campaign: dict[str, Any]
    steps: list[dict[str, Any]]
    plan: Plan
    obsolete: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    report: ExposureReport | None = None  # the exposure the re-plan was made from

    @property
    def counts(self) -> dict[str, int]:
        """Steps per state."""
        out = dict.fromkeys(STATES, 0)
        for s in self.steps:
            out[s.get("state") or "todo"] += 1
        return out

    def as_dict(self, plan_json: dict[str, Any]) -> dict[str, Any]:
        """JSON form (schema ``depwave.campaign/1``)."""
        return {
            "schema": SCHEMA,
            "campaign": {k: v for k, v in self.campaign.items() if k not in ("policy",)},
            "counts": self.counts,
            "steps": self.steps,
            "obsolete": self.obsolete,
            "events": self.events,
            "remaining_makespan": self.plan.makespan,
            "plan": plan_json,
        }


def status(store: Store, campaign: str | None, resolve: Resolver) -> CampaignStatus:
    """Re-plan what remains of a campaign on the current graph."""
    rows = store.query("get_campaign", {"key": campaign})
    if not rows or not rows[0].get("campaign"):
        raise UsageError(
            f"no campaign {campaign!r}" if campaign else "no campaign recorded yet (depwave campaign start)"
        )
    record = rows[0]["campaign"]
    recorded = {s["id"]: s for s in rows[0].get("steps") or [] if s}
    request = PlanRequest.from_json(record["request"])
    policy = parse_policy_text(record["policy"], "campaign policy") if record.get("policy") else Policy()
    done = frozenset(k for k, s in recorded.items() if s.get("state") == "done")
    result = make_plan(store, request, policy, resolve, completed=done)
    current = {s.id for s in result.plan.steps}
    steps = []
    for s in result.plan.steps:
        rec = recorded.get(s.id, {})
        steps.append(
            {
                "id": s.id,
                "state": rec.get("state", "todo"),
                "updated_at": rec.get("updated_at"),
                "updated_by": rec.get("updated_by"),
                "new": s.id not in recorded,
            }
        )
    obsolete = [
        {"id": k, "state": s.get("state"), "reason": "no longer needed: the project is not exposed any more"}
        for k, s in sorted(recorded.items())
        if k not in current
    ]
    events = store.query("list_campaign_events", {"key": record["key"]})
    return CampaignStatus(record, steps, result.plan, obsolete, events, result.report)


def _campaign_key(store: Store, campaign: str | None) -> str:
    rows = store.query("get_campaign", {"key": campaign})
    if not rows or not rows[0].get("campaign"):
        raise UsageError(
            f"no campaign {campaign!r}" if campaign else "no campaign recorded yet (depwave campaign start)"
        )
    return str(rows[0]["campaign"]["key"])


def _step_props(s: Any) -> dict[str, Any]:
    return {
        "id": s.id,
        "kind": s.kind,
        "project": s.project,
        "repo": s.repo,
        "service": s.service,
        "environment": s.environment,
        "wave": s.wave,
        "change": s.change,
        "location": s.location,
        "owners": list(s.owners),
    }
