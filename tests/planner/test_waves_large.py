"""A synthetic organisation of 10,000 projects with library chains 9 deep (not timed here; see the report)."""

from __future__ import annotations

from planner.waves import build_plan
from tests.planner.synthetic_org import LEVELS, POLICY, TARGET, synthetic_org


def test_synthetic_org_is_near_optimal_and_beats_the_frontier():
    g = synthetic_org()
    assert g.number_of_nodes() == 10_000
    plan = build_plan(g, TARGET, POLICY)
    chain_service = "deploy:svc0:prod:svc0"
    assert chain_service in {s.id for s in plan.steps}
    assert plan.makespan <= 1.02 * plan.lower_bound
    assert plan.makespan <= 0.6 * plan.baseline.makespan
    assert plan.baseline.rounds == LEVELS + 1
    # every exposed service is deployed to prod
    prod = {s.project for s in plan.steps if s.kind == "deploy" and s.environment == "prod"}
    assert {k for k, a in g.nodes(data=True) if a["exposure"] and a["kind"] == "service"} <= prod


def test_synthetic_org_everything_exposed():
    """All 10,000 projects exposed: capacity-bound, so the plan sits on the work/capacity bound."""
    g = synthetic_org(expose_all=True)
    plan = build_plan(g, TARGET, POLICY)
    assert len(plan.strategies) == 10_000
    assert plan.makespan <= 1.02 * plan.lower_bound
    assert plan.makespan < plan.baseline.makespan
