"""The documents an incident report is made of, read from the store (``depwave report``).

The same calls as ``depwave plan``, ``depwave exposure``, ``depwave versions`` and ``depwave campaign
status``, and the same ``as_dict`` JSON they print: the report renders those documents and nothing else.
"""

from __future__ import annotations

from datetime import datetime

from planner import campaign as campaigns
from planner import version_spread
from planner.errors import UsageError
from planner.exposure import ExposureReport
from planner.planning import PlanRequest, Resolver, make_plan
from planner.policy import Policy
from planner.render import plan_view
from planner.render.report import ReportDocuments
from planner.store.base import Store


def collect(
    store: Store,
    request: PlanRequest,
    policy: Policy,
    resolve: Resolver,
    generated_at: datetime,
    campaign: str | None = None,
) -> ReportDocuments:
    """Exposure, plan and version spread for ``request``; with ``campaign``, that campaign's status and the
    re-plan of what remains (its own request and policy: ``request`` may only repeat its advisories)."""
    campaign_doc = None
    if campaign:
        status = campaigns.status(store, campaign, resolve)
        stored = PlanRequest.from_json(status.campaign["request"])
        if request.advisories and sorted(request.advisories) != sorted(stored.advisories):
            raise UsageError(
                f"campaign {status.campaign['key']} is about {', '.join(stored.advisories) or stored.package}; "
                "leave out --advisory or name the same advisories"
            )
        plan, report = status.plan, status.report
        plan_doc = plan_view.as_dict(plan)
        campaign_doc = status.as_dict(plan_doc)
    else:
        result = make_plan(store, request, policy, resolve)
        plan, report = result.plan, result.report
        plan_doc = plan_view.as_dict(plan)
    assert isinstance(report, ExposureReport)
    packages = sorted({a.package for a in report.affected})
    versions = [version_spread.version_spread(store, p).as_dict() for p in packages]
    return ReportDocuments(report.as_dict(), plan_doc, generated_at, versions, campaign_doc)
