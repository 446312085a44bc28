"""``build_plan``: choose the strategies, schedule both phases and assemble the :class:`Plan`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import fields

import networkx as nx

from planner.policy import Policy
from planner.waves.choice import baseline, choose, services_fixed
from planner.waves.model import Comparator, Decision, Plan, Step, Target
from planner.waves.projects import _inventory_gaps
from planner.waves.schedule import StepGraph, _critical_path, _hours, _waves
from planner.waves.scheduler import lower_bound, schedule
from planner.waves.steps import StepDraft, cleanup_steps, steps_for
from planner.waves.strategy import member_strategy
from planner.waves.units import PlanInput, read_input

#: the fields a scheduled :class:`Step` takes from its draft as they are
_DRAFT_FIELDS = tuple(f.name for f in fields(Step) if f.name in {d.name for d in fields(StepDraft)})


def _final_step(draft: StepDraft, start: int, finish: int, wave: int) -> Step:
    """The plan's step: the draft's fields, its times in hours and its wave."""
    return Step(
        **{name: getattr(draft, name) for name in _DRAFT_FIELDS},
        depends_on=tuple(sorted(draft.deps)),
        duration=_hours(draft.seconds),
        start=_hours(start),
        finish=_hours(finish),
        wave=wave,
    )


def _final_steps(
    fix: list[StepDraft], cleanup: list[StepDraft], start: Mapping[str, int], finish: Mapping[str, int]
) -> tuple[tuple[Step, ...], tuple[tuple[str, ...], ...]]:
    """The plan's steps in start order and its waves (step ids per wave); clean-up waves follow the fix waves."""
    waves = _waves(StepGraph.of(fix))
    waves.update(_waves(StepGraph.of(cleanup), max(waves.values(), default=0)))
    steps = tuple(
        sorted(
            (_final_step(s, start[s.id], finish[s.id], waves[s.id]) for s in fix + cleanup),
            key=lambda s: (s.start, s.wave, s.id),
        )
    )
    wave_lists: dict[int, list[str]] = defaultdict(list)
    for s in steps:
        wave_lists[s.wave].append(s.id)
    return steps, tuple(tuple(sorted(wave_lists[w])) for w in sorted(wave_lists))


def _member_strategies(pi: PlanInput, decisions: Mapping[str, str]) -> dict[str, str]:
    """How each member of a planned unit takes the fix (project key → strategy), sorted by key."""
    strategies: dict[str, str] = {}
    for ukey, u in pi.units.items():
        d = decisions[ukey]
        if d == "decide":
            continue
        for m in u.members:
            strategies[m.key] = member_strategy(u, m, d)
    return dict(sorted(strategies.items()))


def _decisions(steps: list[StepDraft]) -> tuple[Decision, ...]:
    """The ``decide`` steps as decisions, by step id."""
    return tuple(
        Decision(
            project=s.members[0],
            name=s.name,
            reason=s.reason or "",
            question=s.change or "",
            owners=s.owners,
            step=s.id,
        )
        for s in sorted((s for s in steps if s.kind == "decide"), key=lambda s: s.id)
    )


def build_plan(
    graph: nx.DiGraph,
    target: Target,
    policy: Policy | None = None,
    compare: Comparator | None = None,
    completed: frozenset[str] = frozenset(),
) -> Plan:
    """Plan the waves that put every exposed project (and every production service) on the fixed version.

    ``completed``: ids of steps already done (a campaign's record); they stay in the plan with no
    duration, so what remains is re-planned from now.

    Raises :class:`UsageError` for a bad target, bad node attributes or a fixed version that is not
    higher than a vulnerable one; an empty graph or a target nothing uses gives a valid empty plan.
    """
    policy = policy or Policy()
    pi = read_input(graph, target, policy, compare, completed)
    decisions, fix, (fstart, ffinish) = choose(pi)
    makespan = max(ffinish, default=0)

    relax = {k: ("override" if "override" in u.candidates else d) for k, d in decisions.items() for u in [pi.units[k]]}
    lower = lower_bound(StepGraph.of(steps_for(pi, relax, relaxed=True)), pi.rules)

    cleanup: list[StepDraft] = cleanup_steps(pi, decisions, fix)
    cstart, cfinish = schedule(StepGraph.of(cleanup), pi.rules, makespan) if cleanup else ([], [])
    fix_finish = {s.id: f for s, f in zip(fix, ffinish, strict=True)}
    services_done = services_fixed(pi, fix, fix_finish)
    frontier = baseline(pi)

    all_steps = fix + cleanup
    start = {s.id: t for s, t in zip(all_steps, fstart + cstart, strict=True)}
    finish = {s.id: t for s, t in zip(all_steps, ffinish + cfinish, strict=True)}
    out_steps, wave_lists = _final_steps(fix, cleanup, start, finish)
    strategies = _member_strategies(pi, decisions)
    decision_list = _decisions(all_steps)
    mk = _hours(makespan)
    lb = _hours(lower)
    return Plan(
        target=target,
        policy=policy,
        steps=out_steps,
        waves=wave_lists,
        makespan=mk,
        lower_bound=lb,
        ratio=round(mk / lb, 4) if lb > 0 else 1.0,
        baseline=frontier,
        saved_hours=round(frontier.makespan - mk, 4),
        cycles=pi.cycles,
        decisions=decision_list,
        strategies=strategies,
        excluded=tuple(sorted(pi.excluded)),
        cleanup_finish=_hours(max(cfinish)) if cleanup else None,
        services_fixed=_hours(services_done) if services_done is not None else None,
        critical_path=_critical_path(fix, start, finish),
        inventory_gaps=_inventory_gaps(graph),
    )
