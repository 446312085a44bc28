"""``build_plan``: choose the strategies, schedule both phases and assemble the :class:`Plan`."""

from __future__ import annotations

from collections import defaultdict

import networkx as nx

from planner.policy import Policy
from planner.waves._planner import _Planner, _Step
from planner.waves.model import Comparator, Decision, Plan, Step, Target
from planner.waves.projects import _inventory_gaps
from planner.waves.schedule import StepGraph, _critical_path, _hours, _waves
from planner.waves.scheduler import lower_bound, schedule


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
    planner = _Planner(graph, target, policy, compare, completed)
    decisions, fix, (fstart, ffinish) = planner.choose()
    makespan = max(ffinish, default=0)

    relax = {
        k: ("override" if "override" in u.candidates else d) for k, d in decisions.items() for u in [planner.units[k]]
    }
    lower = lower_bound(StepGraph.of(planner.steps_for(relax, relaxed=True)), planner.rules)

    cleanup: list[_Step] = planner.cleanup_steps(decisions, fix)
    cleanup_graph = StepGraph.of(cleanup)
    cstart, cfinish = schedule(cleanup_graph, planner.rules, makespan) if cleanup else ([], [])
    fix_finish = {s.id: f for s, f in zip(fix, ffinish, strict=True)}
    services_done = planner.services_fixed(fix, fix_finish)
    baseline = planner.baseline()

    all_steps = fix + cleanup
    start = {s.id: t for s, t in zip(all_steps, fstart + cstart, strict=True)}
    finish = {s.id: t for s, t in zip(all_steps, ffinish + cfinish, strict=True)}
    waves = _waves(StepGraph.of(fix))  # the clean-up phase's waves come after every fix wave
    waves.update(_waves(cleanup_graph, max(waves.values(), default=0)))
    out_steps = tuple(
        sorted(
            (
                Step(
                    id=s.id,
                    kind=s.kind,
                    phase=s.phase,
                    project=s.unit,
                    members=s.members,
                    name=s.name,
                    repo=s.repo,
                    repos=s.repos,
                    ecosystem=s.ecosystem,
                    strategy=s.strategy,
                    service=s.service,
                    environment=s.environment,
                    mechanism=s.mechanism,
                    change=s.change,
                    location=s.location,
                    owners=s.owners,
                    verify=s.verify,
                    reason=s.reason,
                    depends_on=tuple(sorted(s.deps)),
                    duration=_hours(s.dur),
                    ci=s.ci,
                    start=_hours(start[s.id]),
                    finish=_hours(finish[s.id]),
                    wave=waves[s.id],
                    edits=s.edits,
                )
                for s in all_steps
            ),
            key=lambda s: (s.start, s.wave, s.id),
        )
    )
    wave_lists: dict[int, list[str]] = defaultdict(list)
    for s in out_steps:
        wave_lists[s.wave].append(s.id)
    strategies: dict[str, str] = {}
    for ukey, u in planner.units.items():
        d = decisions[ukey]
        if d == "decide":
            continue
        for m in u.members:
            strategies[m.key] = planner.member_strategy(u, m, d)
    decision_list = tuple(
        Decision(
            project=s.members[0],
            name=s.name,
            reason=s.reason or "",
            question=s.change or "",
            owners=s.owners,
            step=s.id,
        )
        for s in sorted((s for s in all_steps if s.kind == "decide"), key=lambda s: s.id)
    )
    mk = _hours(makespan)
    lb = _hours(lower)
    return Plan(
        target=target,
        policy=policy,
        steps=out_steps,
        waves=tuple(tuple(sorted(wave_lists[w])) for w in sorted(wave_lists)),
        makespan=mk,
        lower_bound=lb,
        ratio=round(mk / lb, 4) if lb > 0 else 1.0,
        baseline=baseline,
        saved_hours=round(baseline.makespan - mk, 4),
        cycles=planner.cycles,
        decisions=decision_list,
        strategies=dict(sorted(strategies.items())),
        excluded=tuple(sorted(planner.excluded)),
        cleanup_finish=_hours(max(cfinish)) if cleanup else None,
        services_fixed=_hours(services_done) if services_done is not None else None,
        critical_path=_critical_path(fix, start, finish),
        inventory_gaps=_inventory_gaps(graph),
    )
