"""Remediation campaigns: the plan and each step's state, kept in the graph for auditors.

``start`` records the plan request, the policy and every planned step (state ``todo``); a name in use
is refused unless ``replace`` is given, which re-plans and keeps the creation time, every step's
state, links and events. ``mark`` changes one step's state (and its PR / issue links) and appends an
event (who, when, from, to, note); ``status`` re-plans on the graph as it is now, treating ``done``
steps as finished, so only what remains is scheduled, derives for each ``todo`` step whether it
waits for other steps (``awaiting-parents``) or could start now (``awaiting-pr``), and reports steps
that are no longer needed (their project is no longer exposed). ``history`` is the whole record.
"""

from __future__ import annotations

import getpass
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from planner.errors import UsageError
from planner.exposure import ExposureReport
from planner.planning import PlanRequest, PlanResult, Resolver, make_plan
from planner.policy import Policy, parse_policy_text
from planner.render.labels import step_where
from planner.store.base import Store
from planner.waves import Plan

SCHEMA = "depwave.campaign/1"
#: the states a person (or a bot) sets with ``campaign mark``
STATES = ("todo", "in-pr", "done", "failed", "blocked", "bot-error")
#: what ``status`` shows for a ``todo`` step, derived from the plan's dependencies (conda-forge's words):
#: a step it depends on is not done yet, or nothing blocks it and nobody has started it
AWAITING_PARENTS = "awaiting-parents"
AWAITING_PR = "awaiting-pr"
STATUSES = (AWAITING_PARENTS, AWAITING_PR, *STATES[1:])


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
    replace: bool = False,
) -> Started:
    """Plan and record a campaign. A name already in use is refused unless ``replace``: then the
    campaign is re-planned and keeps its creation time and author, and every step its state, links
    and events (steps the new plan no longer has stay recorded; ``status`` lists them as obsolete)."""
    result = make_plan(store, request, policy, resolve)
    plan = result.plan
    if not plan.steps:
        raise UsageError("nothing to do: no project needs a step, so no campaign was recorded")
    key = name or f"{'+'.join(request.advisories) or plan.target.package}@{now()[:10]}"
    existing = _record(store, key)
    if existing is not None and not replace:
        raise UsageError(
            f"campaign {key!r} already exists (started {existing.get('created_at')} by "
            f"{existing.get('created_by')}): give another --name, or --replace to re-plan it keeping its "
            "states and history"
        )
    at, author = now(), by or who()
    props = {
        "package": plan.target.package,
        "fixed_version": plan.target.fixed_version,
        "request": request.to_json(),
        "policy": policy_text,
    }
    if existing is not None:
        props |= {"replaced_at": at, "replaced_by": author}
    steps = [{"key": f"{key}/{s.id}", "props": _step_props(s)} for s in plan.steps]
    rows = store.write("save_campaign", {"key": key, "at": at, "by": author, "props": props, "steps": steps})
    states = {str(r["id"]): str(r.get("state") or "todo") for r in rows}
    return Started(key, result, existing is not None, states)


@dataclass(frozen=True, slots=True)
class Started:
    """What ``start`` recorded: the key, the plan, whether an existing campaign was replaced, and the
    state of each planned step (all ``todo`` for a new campaign)."""

    key: str
    result: PlanResult
    replaced: bool
    states: dict[str, str]

    @property
    def counts(self) -> dict[str, int]:
        """Planned steps per state."""
        out = dict.fromkeys(STATES, 0)
        for state in self.states.values():
            out[state] = out.get(state, 0) + 1
        return {k: n for k, n in out.items() if n}


def mark(
    store: Store,
    campaign: str | None,
    step: str,
    state: str,
    by: str | None,
    note: str | None,
    pr: str | None = None,
    issue: str | None = None,
    label_of: Callable[[Mapping[str, Any]], str] | None = None,
) -> dict[str, Any]:
    """Set one step's state and, when given, its pull request / issue links (and keep the event).

    ``step`` is a step id, or with ``label_of`` (a recorded step's properties -> its label) a step's label
    as ``campaign status`` shows it (``edit orders-service``); the answer carries the step's ``label``."""
    if state not in STATES:
        raise UsageError(f"unknown state {state!r}: use one of {', '.join(STATES)}")
    for what, url in (("--pr", pr), ("--issue", issue)):
        if url is not None and not url.startswith(("https://", "http://")):
            raise UsageError(f"{what} {url!r}: give the URL (https://...)")
    key, recorded = _campaign_steps(store, campaign)
    found = _find_step(key, recorded, step, label_of)
    params = {"campaign": key, "id": found["id"], "state": state, "at": now(), "by": by or who(), "note": note}
    rows = store.write("mark_campaign_step", {**params, "pr": pr, "issue": issue})
    if not rows:
        raise UsageError(f"campaign {key!r} has no step {step!r} (depwave campaign status lists them)")
    label = _label(found, label_of) or found["id"]
    return {"campaign": key, **rows[0], "label": label}


def _campaign_steps(store: Store, campaign: str | None) -> tuple[str, list[dict[str, Any]]]:
    """The campaign's key and its recorded steps (one query)."""
    rows = store.query("get_campaign", {"key": campaign})
    if not rows or not rows[0].get("campaign"):
        raise UsageError(
            f"no campaign {campaign!r}" if campaign else "no campaign recorded yet (depwave campaign start)"
        )
    return str(rows[0]["campaign"]["key"]), [s for s in rows[0].get("steps") or [] if s]


def _label(recorded: Mapping[str, Any], label_of: Callable[[Mapping[str, Any]], str] | None) -> str | None:
    """A recorded step's label (None for steps recorded before names were kept, other than deploys)."""
    if label_of is None or (recorded.get("name") is None and recorded.get("kind") != "deploy"):
        return None
    return label_of(recorded)


def _find_step(
    key: str, recorded: list[dict[str, Any]], step: str, label_of: Callable[[Mapping[str, Any]], str] | None
) -> dict[str, Any]:
    """The recorded step whose id, else whose label, is ``step``."""
    by_id = [s for s in recorded if s["id"] == step]
    if by_id:
        return by_id[0]
    by_label = [s for s in recorded if _label(s, label_of) == step]
    if len(by_label) == 1:
        return by_label[0]
    if by_label:
        ids = ", ".join(sorted(s["id"] for s in by_label))
        raise UsageError(f"campaign {key!r} has {len(by_label)} steps labelled {step!r}: give the id ({ids})")
    raise UsageError(f"campaign {key!r} has no step {step!r} (depwave campaign status lists them)")


@dataclass(slots=True)
class CampaignStatus:
    """Where a campaign stands, with the plan for what remains (``owner``: only that owner's steps)."""

    campaign: dict[str, Any]
    steps: list[dict[str, Any]]
    plan: Plan
    obsolete: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    report: ExposureReport | None = None  # the exposure the re-plan was made from
    owner: str | None = None
    done: frozenset[str] = frozenset()  # ids of the plan's steps recorded done (every owner's)

    @property
    def counts(self) -> dict[str, int]:
        """Steps per recorded state."""
        out = dict.fromkeys(STATES, 0)
        for s in self.steps:
            out[s.get("state") or "todo"] = out.get(s.get("state") or "todo", 0) + 1
        return out

    @property
    def status_counts(self) -> dict[str, int]:
        """Steps per status (``todo`` split into ``awaiting-parents`` and ``awaiting-pr``)."""
        out = dict.fromkeys(STATUSES, 0)
        for s in self.steps:
            out[s["status"]] = out.get(s["status"], 0) + 1
        return out

    def as_dict(self, plan_json: dict[str, Any]) -> dict[str, Any]:
        """JSON form (schema ``depwave.campaign/1``)."""
        return {
            "schema": SCHEMA,
            "campaign": {k: v for k, v in self.campaign.items() if k not in ("policy",)},
            "owner": self.owner,
            "counts": self.counts,
            "statuses": self.status_counts,
            "steps": self.steps,
            "obsolete": self.obsolete,
            "events": self.events,
            "remaining_makespan": self.plan.makespan,
            "plan": plan_json,
        }


def status(store: Store, campaign: str | None, resolve: Resolver, owner: str | None = None) -> CampaignStatus:
    """Re-plan what remains of a campaign on the current graph (``owner``: list only that owner's steps;
    the plan itself stays whole, since their steps wait for others')."""
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
    state_of = {s.id: recorded.get(s.id, {}).get("state", "todo") for s in result.plan.steps}
    steps = []
    for s in result.plan.steps:
        if owner is not None and owner not in s.owners:
            continue
        rec = recorded.get(s.id, {})
        steps.append(
            {
                "id": s.id,
                "state": state_of[s.id],
                "status": derived_status(state_of[s.id], [state_of.get(d, "done") for d in s.depends_on]),
                "waits_for": [d for d in s.depends_on if state_of.get(d, "done") != "done"],
                "owners": list(s.owners),
                "pr": rec.get("pr"),
                "issue": rec.get("issue"),
                "updated_at": rec.get("updated_at"),
                "updated_by": rec.get("updated_by"),
                "new": s.id not in recorded,
            }
        )
    obsolete = [
        {"id": k, "state": s.get("state"), "reason": "no longer needed: the project is not exposed any more"}
        for k, s in sorted(recorded.items())
        if k not in current and (owner is None or owner in (s.get("owners") or []))
    ]
    events = store.query("list_campaign_events", {"key": record["key"]})
    if owner is not None:
        listed = {s["id"] for s in steps} | {s["id"] for s in obsolete}
        events = [e for e in events if e["step"] in listed]
    done_now = frozenset(k for k, state in state_of.items() if state == "done")
    return CampaignStatus(record, steps, result.plan, obsolete, events, result.report, owner, done_now)


def derived_status(state: str, parents: list[str]) -> str:
    """A step's status: its recorded state, except that a ``todo`` step is ``awaiting-parents`` while a
    step it depends on is not done, and ``awaiting-pr`` once nothing blocks it."""
    if state != "todo":
        return state
    return AWAITING_PARENTS if any(p != "done" for p in parents) else AWAITING_PR


def history(store: Store, campaign: str | None) -> dict[str, Any]:
    """The whole record of a campaign, for auditors (schema ``depwave.campaign-history/1``): who started
    it and when, the request and policy, every step ever planned with its state, links and last change,
    and every event in time order. Nothing is re-planned."""
    rows = store.query("get_campaign", {"key": campaign})
    if not rows or not rows[0].get("campaign"):
        raise UsageError(
            f"no campaign {campaign!r}" if campaign else "no campaign recorded yet (depwave campaign start)"
        )
    record = dict(rows[0]["campaign"])
    events = store.query("list_campaign_events", {"key": record["key"]})
    changed = {e["step"]: e for e in events}  # events are in time order: the last one wins
    steps = []
    for s in sorted((s for s in rows[0].get("steps") or [] if s), key=lambda s: (s.get("wave") or 0, s["id"])):
        last = changed.get(s["id"])
        steps.append(
            {
                **{k: s.get(k) for k in HISTORY_STEP_FIELDS},
                "owners": list(s.get("owners") or []),
                "last_change": {"at": last["at"], "by": last["by"]} if last else None,
            }
        )
    return {
        "schema": HISTORY_SCHEMA,
        "campaign": {
            k: record.get(k)
            for k in ("key", "created_at", "created_by", "replaced_at", "replaced_by", "package", "fixed_version")
        },
        "request": json.loads(record["request"]) if record.get("request") else None,
        "policy": record.get("policy"),
        "steps": steps,
        "events": events,
    }


HISTORY_SCHEMA = "depwave.campaign-history/1"
HISTORY_STEP_FIELDS = ("id", "kind", "project", "repo", "service", "environment", "wave", "change", "location")
HISTORY_STEP_FIELDS += ("state", "pr", "issue")


def link_issues(store: Store, campaign: str, links: list[dict[str, str]], by: str | None = None) -> list[str]:
    """Store on each step the issue URL a notification created (``links``: ``{id, issue, note}``);
    returns the ids of the steps linked."""
    if not links:
        return []
    rows = store.write("link_campaign_steps", {"campaign": campaign, "links": links, "at": now(), "by": by or who()})
    return [str(r["id"]) for r in rows]


def _record(store: Store, key: str) -> dict[str, Any] | None:
    rows = store.query("get_campaign", {"key": key})
    return rows[0]["campaign"] if rows and rows[0].get("campaign") else None


def _step_props(s: Any) -> dict[str, Any]:
    return {
        "id": s.id,
        "kind": s.kind,
        "phase": s.phase,
        "name": s.name,
        "project": s.project,
        "repo": s.repo,
        "service": s.service,
        "environment": s.environment,
        "wave": s.wave,
        "change": s.change,
        "location": step_where(s),
        "owners": list(s.owners),
    }
