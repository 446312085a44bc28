"""The plan's lower bound is a true bound (never above a feasible schedule) and counts whole jobs per
CI slot, so a plan that fills every slot round after round is reported as optimal (ratio 1.0)."""

from __future__ import annotations

import itertools
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from planner.policy import parse_policy
from planner.waves import build_plan
from planner.waves.schedule import StepGraph, _one_sided_bound, _pool_bound, _span_bound
from planner.waves.scheduler import ScheduleRules, lower_bound, schedule
from planner.waves.steps import StepDraft
from tests.planner.synthetic_org import TARGET, synthetic_org


def step(i: int, seconds: int, ci: bool, deps: list[str], repo: str = "r") -> StepDraft:
    return StepDraft(
        id=f"s{i}",
        kind="build" if ci else "edit",
        phase="fix",
        project=f"p{i}",
        members=(f"p{i}",),
        name=f"p{i}",
        repo=repo,
        repos=(repo,),
        ecosystem="maven",
        strategy="override",
        seconds=seconds,
        ci=ci,
        deps=deps,
    )


def optimal_span(durations: list[int], cap: int) -> int:
    """The shortest time ``cap`` slots need for independent jobs: every assignment of jobs to slots."""
    best = sum(durations)
    for slots in itertools.product(range(cap), repeat=len(durations)):
        load = [0] * cap
        for d, s in zip(durations, slots, strict=True):
            load[s] += d
        best = min(best, max(load))
    return best


def test_equal_jobs_count_whole_rounds():
    """Three 1 h builds on two slots take 2 h (the even spread would say 1.5 h)."""
    assert _span_bound(Counter({3600: 3}), 2) == 7200
    assert _span_bound(Counter({3600: 4}), 2) == 7200
    assert _span_bound(Counter({1800: 350}), 20) == 18 * 1800  # 350 builds of 0.5 h on 20 runners: 9 h


def test_long_jobs_bound_mixed_durations():
    """Two 3 h jobs and one 1 h job on two slots: the two long jobs run side by side, so the span is
    max(7 h / 2, 3 h) = 3.5 h by the even spread; the bound never claims more than the 4 h optimum."""
    assert _span_bound(Counter({3: 2, 1: 1}), 2) == 3.5
    assert optimal_span([3, 3, 1], 2) == 4


def test_jobs_late_at_both_ends_bound_together():
    """One runner; B and C can start at 2 and have 2 to go after them; X starts late but ends the plan,
    Y starts early but has the longest tail. Heads alone or tails alone give 5 (X or Y drags the other
    end to 0); B and C together: 2 + 1 + 1 + 2 = 6, which any schedule needs."""
    jobs = [(3, 0, 1), (0, 3, 1), (2, 2, 1), (2, 2, 1)]  # (head, tail, duration)
    assert max(_one_sided_bound(jobs, 1, 0), _one_sided_bound(jobs, 1, 1)) == 5
    assert _pool_bound(jobs, 1) == 6


def test_bound_rounds_up_to_the_time_grid():
    """Two runners, builds of 0.5, 0.5 and 0.25 h: 1.25 h of work spread evenly is 0.625 h, but steps of
    quarter hours finish on quarter hours, so 0.75 h, which is what the schedule takes."""
    steps = [step(0, 1800, True, []), step(1, 1800, True, []), step(2, 900, True, [])]
    rules = ScheduleRules.of(parse_policy({"capacity": {"org": 2}}), frozenset())
    graph = StepGraph.of(steps)
    assert lower_bound(graph, rules) == 2700
    assert max(schedule(graph, rules, 0)[1]) == 2700


def test_synthetic_org_under_the_default_policy_is_optimal():
    """The 10,000-project synthetic org, production first, 20 CI runners: 350 service builds of 0.5 h take
    18 full rounds between the 0.5 h edits and the 0.5 h of deploys: 10 h, which is the bound."""
    plan = build_plan(synthetic_org(), TARGET, parse_policy({"capacity": {"org": 20}}))
    assert plan.policy.defer_libraries
    assert (plan.makespan, plan.lower_bound, plan.ratio) == (10.0, 10.0, 1.0)


@settings(max_examples=300, deadline=None)
@given(durations=st.lists(st.integers(1, 4), min_size=1, max_size=7), cap=st.integers(1, 3))
def test_span_bound_never_exceeds_the_optimum(durations: list[int], cap: int):
    assert _span_bound(Counter(durations), cap) <= optimal_span(durations, cap)


@st.composite
def step_graphs(draw: st.DrawFn) -> tuple[list[StepDraft], int]:
    n = draw(st.integers(1, 9))
    steps = []
    for i in range(n):
        deps = [f"s{j}" for j in range(i) if draw(st.booleans())]
        steps.append(step(i, draw(st.integers(1, 4)) * 900, draw(st.booleans()), deps, draw(st.sampled_from("ab"))))
    return steps, draw(st.integers(1, 3))


@settings(max_examples=300, deadline=None)
@given(case=step_graphs(), repo_cap=st.sampled_from([None, 1, 2]))
def test_lower_bound_never_exceeds_a_schedule(case: tuple[list[StepDraft], int], repo_cap: int | None):
    """Whatever the graph and capacities, the bound is at most what the list scheduler achieves."""
    steps, cap = case
    doc: dict = {"capacity": {"org": cap}}
    if repo_cap is not None:
        doc["repos"] = {"a": {"capacity": repo_cap}}
    rules = ScheduleRules.of(parse_policy(doc), frozenset())
    graph = StepGraph.of(steps)
    _, finish = schedule(graph, rules, 0)
    assert lower_bound(graph, rules) <= max(finish)
