"""Choosing the strategy mix: schedule a few candidate mixes and keep the shortest; the frontier baseline."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from planner import environments
from planner.waves.model import Baseline
from planner.waves.schedule import StepGraph, _hours
from planner.waves.scheduler import critical_path_length, schedule
from planner.waves.steps import StepDraft, steps_for
from planner.waves.strategy import change_kind
from planner.waves.units import PlanInput

Times = tuple[list[int], list[int]]  # start and finish per step position, in seconds


@dataclass(frozen=True, slots=True)
class _Tried:
    """One scheduled candidate mix."""

    makespan: int
    services: int
    preference: int  # lower wins ties: propagate everywhere, then the hybrids, then override everywhere
    decisions: dict[str, str]
    steps: list[StepDraft]
    times: Times


def choose(pi: PlanInput) -> tuple[dict[str, str], list[StepDraft], Times]:
    """The strategy mix with the shortest schedule (ties: the services fixed soonest, then the one that
    propagates more), its fix-phase steps and their times."""
    base = {k: (u.candidates[0] if u.candidates else "decide") for k, u in pi.units.items()}
    override_all = {k: ("override" if "override" in u.candidates else base[k]) for k, u in pi.units.items()}
    tried: list[_Tried] = []
    m_over = _try(pi, override_all, 3, tried)
    if any(len(u.candidates) > 1 for u in pi.units.values()):
        over_steps = tried[0].steps
        cp_over = critical_path_length(StepGraph.of(over_steps), pi.rules)
        _try(pi, base, 0, tried)
        _try(pi, hybrid(pi, override_all, over_steps, m_over), 1, tried)
        if cp_over < m_over:
            _try(pi, hybrid(pi, override_all, over_steps, cp_over), 2, tried)
    best = min(tried, key=lambda t: (t.makespan, t.services, t.preference))
    return best.decisions, best.steps, best.times


def _try(pi: PlanInput, decisions: dict[str, str], preference: int, tried: list[_Tried]) -> int:
    """Schedule one mix and add it to ``tried``, unless it was tried already or its critical path alone is
    longer than the best makespan so far (then it cannot win or tie); its makespan, or -1."""
    if any(t.decisions == decisions for t in tried):
        return -1
    steps = steps_for(pi, decisions)
    graph = StepGraph.of(steps)
    if tried and critical_path_length(graph, pi.rules) > min(t.makespan for t in tried):
        return -1
    times = schedule(graph, pi.rules, 0)
    makespan = max(times[1], default=0)
    services = services_fixed(pi, steps, {s.id: f for s, f in zip(steps, times[1], strict=True)})
    tried.append(_Tried(makespan, services if services is not None else 0, preference, decisions, steps, times))
    return makespan


def hybrid(pi: PlanInput, override_all: dict[str, str], steps: list[StepDraft], target: int) -> dict[str, str]:
    """Propagate wherever waiting for the providers keeps the unlimited-capacity critical path within
    ``target``; units are visited providers first, so every accepted wait is accounted for downstream."""
    graph = StepGraph.of(steps)
    index = graph.index
    bottom = graph.bottom_levels()
    ready_at: dict[str, int] = {}  # unit → finish of its release step (unlimited capacity)
    decisions = dict(override_all)
    for ukey in pi.order:
        u = pi.units[ukey]
        strategy = decisions[ukey]
        if strategy == "decide":
            continue
        kind = change_kind(u, strategy)
        i = index.get(f"{kind}:{ukey}")  # None: a deferred library (no fix-phase step waits for it)
        tail = bottom[i] - steps[i].seconds if i is not None else 0
        wait = max((ready_at[p] for p in u.providers if p in ready_at), default=0)
        if len(u.candidates) > 1 and strategy == "override":
            pkind = change_kind(u, "propagate")
            if wait + pi.unit_seconds(u, pkind) + tail <= target:
                decisions[ukey] = strategy = "propagate"
                kind = pkind
        start = wait if strategy == "propagate" else 0
        finish = start + pi.unit_seconds(u, kind) + pi.unit_seconds(u, "build")
        if any(m.publishes for m in u.members):
            finish += pi.unit_seconds(u, "publish")
        ready_at[ukey] = finish
    return decisions


def baseline(pi: PlanInput) -> Baseline:
    """Frontier rounds: everything at chain depth k, propagating, after everything at depth k-1."""
    decisions = {k: ("direct" if u.candidates == ("direct",) else "propagate") for k, u in pi.units.items()}
    steps = steps_for(pi, decisions, defer=False)
    rounds: dict[int, list[StepDraft]] = defaultdict(list)
    for s in steps:
        depth = pi.units[s.project].depth if s.project in pi.units else 0
        rounds[depth if s.kind != "decide" else 0].append(s)
    t = 0
    finishes = []
    by_id: dict[str, int] = {}
    for k in sorted(rounds):
        _, finish = schedule(StepGraph.of(rounds[k]), pi.rules, t)
        by_id.update((s.id, f) for s, f in zip(rounds[k], finish, strict=True))
        t = max([t, *finish])
        finishes.append(_hours(t))
    done = services_fixed(pi, [s for k in sorted(rounds) for s in rounds[k]], by_id)
    return Baseline(
        makespan=_hours(t),
        rounds=len(finishes),
        round_finish=tuple(finishes),
        services_fixed=_hours(done) if done is not None else None,
    )


def services_fixed(pi: PlanInput, steps: list[StepDraft], finish: Mapping[str, int]) -> int | None:
    """When the last exposed service/application is fixed: its last production deploy (a deploy to an
    unknown environment, ``default``, may be production and counts too), or, when it has no such deploy
    step, its build. None when the plan holds no service or application."""
    production = set(pi.policy.production_environments())
    last: dict[str, int] = {}
    deployed: set[str] = set()
    for s in steps:
        if s.kind == "deploy" and (s.environment in production or not environments.is_known(s.environment)):
            deployed.add(s.project)
            last[s.project] = max(last.get(s.project, 0), finish[s.id])
    for s in steps:
        if s.kind != "build" or s.project in deployed or s.project not in pi.units:
            continue
        if any(m.kind in ("service", "application") for m in pi.units[s.project].members):
            last[s.project] = max(last.get(s.project, 0), finish[s.id])
    return max(last.values()) if last else None
