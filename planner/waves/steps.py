"""Step drafts: the change → build → publish → deploy steps of every unit under a choice of strategies.

Pure functions of the :class:`PlanInput` and the decisions passed in; times are whole seconds. The
scheduler gives each draft its start, finish and wave, and :func:`planner.waves.plan.build_plan` turns it
into the plan's :class:`~planner.waves.model.Step`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from planner.waves.build_tools import _build_verify
from planner.waves.changes import member_change, member_edit
from planner.waves.projects import _Project
from planner.waves.strategy import Choice, change_kind, choice_of, member_strategy, release_steps
from planner.waves.units import PlanInput, Unit


@dataclass(frozen=True, slots=True)
class StepDraft:
    """A step before scheduling; its fields are the plan :class:`~planner.waves.model.Step`'s, with
    ``project`` (the unit key), ``seconds`` and ``deps`` in place of the scheduled times."""

    id: str
    kind: str
    phase: str
    project: str
    members: tuple[str, ...]
    name: str
    repo: str
    repos: tuple[str, ...]
    ecosystem: str
    strategy: str
    seconds: int
    ci: bool
    deps: list[str]
    service: str | None = None
    environment: str | None = None
    mechanism: str | None = None
    change: str | None = None
    location: str | None = None
    owners: tuple[str, ...] = ()
    verify: str | None = None
    reason: str | None = None
    edits: tuple[Mapping[str, Any], ...] = ()


@dataclass(frozen=True, slots=True)
class UnitFix:
    """How one unit is fixed in one phase: its strategy, its change step's kind and seconds, what that step
    waits for; ``ci_change`` overrides whether the change step uses CI capacity (the lower-bound relaxation);
    ``replaces_override``: a clean-up that removes the unit's override pin while bumping its providers."""

    strategy: str
    kind: str
    seconds: int
    deps: tuple[str, ...]
    phase: str
    ci_change: bool | None = None
    replaces_override: bool = False


def steps_for(
    pi: PlanInput, decisions: Mapping[str, str], relaxed: bool = False, defer: bool = True
) -> list[StepDraft]:
    """The fix-phase steps of every unit under a choice of strategies (unit key → strategy).

    ``relaxed``: the lower-bound relaxation (the shorter change step of the two strategies).
    ``defer``: leave out the library units :func:`~planner.waves.strategy.deferred_units` moves to the
    clean-up phase. Steps already done (``pi.completed``) take no time and no CI slot.
    """
    choice = choice_of(pi, decisions, defer)
    out = [
        _decide(pi, p, "unresolved", f"which version of {pi.pkg.display} does {p.name} resolve?") for p in pi.unresolved
    ]
    for ukey in pi.order:
        if ukey in choice.deferred:
            continue
        u = pi.units[ukey]
        strategy = decisions.get(ukey, "decide")
        if strategy == "decide":
            out.append(_no_strategy(pi, u))
            continue
        out.extend(unit_steps(pi, choice, u, _fix_phase(pi, choice, u, strategy, relaxed)))
        for m in u.members:
            if not m.traceable and m.kind in ("service", "application") and m.exposure != "test-only":
                question = (
                    f"the image of {m.name} cannot be traced to what runs: find where it is deployed and "
                    "redeploy it after the build"
                )
                out.append(_decide(pi, m, "image", question))
    return out


def _done(pi: PlanInput, steps: list[StepDraft]) -> list[StepDraft]:
    """Fix-phase steps already done in a campaign (``pi.completed``) take no time and no CI slot any more."""
    return [replace(s, seconds=0, ci=False) if s.id in pi.completed else s for s in steps]


def _fix_phase(pi: PlanInput, choice: Choice, u: Unit, strategy: str, relaxed: bool) -> UnitFix:
    """How unit ``u`` is fixed in the fix phase (relaxed: the shorter change step of its two strategies)."""
    kind = change_kind(u, strategy)
    seconds = pi.unit_seconds(u, kind)
    ci_change = None
    if relaxed and len(u.candidates) > 1:
        other = "propagate" if strategy == "override" else "override"
        okind = change_kind(u, other)
        seconds = min(seconds, pi.unit_seconds(u, okind))
        ci_change = kind in pi.policy.ci_kinds and okind in pi.policy.ci_kinds
    deps = release_steps(pi, choice, u) if strategy == "propagate" else []
    return UnitFix(strategy, kind, seconds, tuple(deps), "fix", ci_change)


def cleanup_steps(pi: PlanInput, decisions: Mapping[str, str], fix: list[StepDraft]) -> list[StepDraft]:
    """The clean-up phase, after the fix phase: the deferred library fixes (policy ``defer_libraries``),
    and, with policy ``cleanup``, steps replacing each override by the propagated bump once the
    providers have published."""
    sinks: dict[str, list[str]] = defaultdict(list)
    has_succ = {d for s in fix for d in s.deps}
    for s in fix:
        if s.kind != "decide" and s.id not in has_succ:
            sinks[s.project].append(s.id)
    choice = choice_of(pi, decisions)
    out: list[StepDraft] = []
    for ukey in pi.order:
        u = pi.units[ukey]
        strategy = decisions.get(ukey, "decide")
        if ukey in choice.deferred:
            kind = change_kind(u, strategy)
            deps = release_steps(pi, choice, u) if strategy == "propagate" else []
            out.extend(
                unit_steps(pi, choice, u, UnitFix(strategy, kind, pi.unit_seconds(u, kind), tuple(deps), "cleanup"))
            )
            continue
        if not pi.policy.cleanup or strategy != "override" or "propagate" not in u.candidates:
            continue
        kind = change_kind(u, "propagate")
        deps = release_steps(pi, choice, u) + sorted(sinks[ukey])
        seconds = pi.unit_seconds(u, kind)
        replacement = UnitFix("propagate", kind, seconds, tuple(deps), "cleanup", replaces_override=True)
        out.extend(unit_steps(pi, choice, u, replacement))
    return out


def unit_steps(pi: PlanInput, choice: Choice, u: Unit, fix: UnitFix) -> list[StepDraft]:
    """The steps of one unit: its change, its build, its publish when a member publishes, then each deployed
    member's deploys environment after environment.

    Memoised in ``pi.step_memo`` by (unit, ``fix``): candidate strategy mixes share most units' steps.
    ``choice`` is not part of the key: it only names the providers' release steps, which are ``fix.deps``."""
    key = (u.key, fix)
    steps = pi.step_memo.get(key)
    if steps is None:
        steps = pi.step_memo[key] = _unit_steps(pi, choice, u, fix)
    return steps


def _unit_steps(pi: PlanInput, choice: Choice, u: Unit, fix: UnitFix) -> list[StepDraft]:
    """:func:`unit_steps`, computed."""
    prefix = "cleanup:" if fix.phase == "cleanup" else ""
    first = u.members[0]
    common: dict[str, Any] = {
        "phase": fix.phase,
        "project": u.key,
        "members": tuple(m.key for m in u.members),
        "name": u.name,
        "repo": first.repo,
        "repos": u.repos,
        "ecosystem": first.ecosystem,
        "owners": u.owners,
        "strategy": fix.strategy,
    }
    ci = pi.policy.ci_kinds
    steps = [_change_step(pi, choice, u, fix, prefix, common)]
    verify = sorted({v for b in u.builds if (v := _build_verify(pi.tools[b[0].key], pi.pkg, b))})
    build = StepDraft(
        id=f"{prefix}build:{u.key}",
        kind="build",
        seconds=pi.unit_seconds(u, "build"),
        ci="build" in ci,
        deps=[steps[0].id],
        verify=" && ".join(verify) or None,
        **common,
    )
    steps.append(build)
    if any(m.publishes for m in u.members):
        steps.append(
            StepDraft(
                id=f"{prefix}publish:{u.key}",
                kind="publish",
                seconds=pi.unit_seconds(u, "publish"),
                ci="publish" in ci,
                deps=[build.id],
                change=", ".join(m.publishes for m in u.members if m.publishes),
                **common,
            )
        )
    for m in u.members:
        if m.kind != "test" and m.exposure != "test-only":
            steps.extend(_deploy_steps(pi, u, m, fix, prefix, build.id))
    return _done(pi, steps) if fix.phase == "fix" else steps


def _change_step(
    pi: PlanInput, choice: Choice, u: Unit, fix: UnitFix, prefix: str, common: Mapping[str, Any]
) -> StepDraft:
    """The unit's edit or relock step: each changed line once, with one edit record per line."""
    lines: dict[tuple[str, str | None, str], tuple[str, _Project, str]] = {}  # one change per line, once
    for m in u.members:
        if m.key in u.carried:  # built with the sibling that takes the fix: nothing of its own to change
            continue
        how = member_strategy(u, m, fix.strategy)
        mech, change = member_change(pi, choice, u, m, how, fix.replaces_override)
        lines.setdefault((m.repo, m.location, change), (mech, m, how))
    mechanisms = [mech for mech, _, _ in lines.values()]
    if len(lines) == 1:
        changes = [change for _, _, change in lines]
    else:
        changes = [f"{m.name}: {change}" for (_, _, change), (_, m, _) in lines.items()]
    edits = [member_edit(pi, u, m, how, mech) for mech, m, how in lines.values()]
    locations = dict.fromkeys(loc for _, loc, _ in lines if loc)
    return StepDraft(
        id=f"{prefix}{fix.kind}:{u.key}",
        kind=fix.kind,
        seconds=fix.seconds,
        ci=fix.kind in pi.policy.ci_kinds if fix.ci_change is None else fix.ci_change,
        deps=list(fix.deps),
        mechanism=", ".join(dict.fromkeys(mechanisms)),
        change="; ".join(changes),
        location=", ".join(locations) or None,
        edits=tuple(edits),
        **common,
    )


def _deploy_steps(pi: PlanInput, u: Unit, m: _Project, fix: UnitFix, prefix: str, build: str) -> list[StepDraft]:
    """One member's deploys after the unit's build: per service, environment after environment."""
    by_service: dict[str, list[str]] = defaultdict(list)
    for service, env in m.deployments:
        by_service[service].append(env)
    rank = pi.env_rank
    out: list[StepDraft] = []
    for service in sorted(by_service):
        prev = build
        for env in sorted(by_service[service], key=lambda e: (rank.get(e, len(rank)), e)):
            sid = f"{prefix}deploy:{m.key}:{env}:{service}"
            out.append(
                StepDraft(
                    id=sid,
                    kind="deploy",
                    phase=fix.phase,
                    project=u.key,
                    members=(m.key,),
                    name=m.name,
                    repo=m.repo,
                    repos=(m.repo,),
                    ecosystem=m.ecosystem,
                    owners=m.owners,
                    strategy=fix.strategy,
                    seconds=pi.step_seconds("deploy", m.repo),
                    ci="deploy" in pi.policy.ci_kinds,
                    deps=[prev],
                    service=service,
                    environment=env,
                )
            )
            if pi.policy.staging_before_prod:
                prev = sid
    return out


def _no_strategy(pi: PlanInput, u: Unit) -> StepDraft:
    """The decide step of a unit the policy allows no strategy for."""
    m = u.members[0]
    question = f"the policy allows no strategy for {m.kind} {m.name}: choose how to fix it"
    return _decide(pi, m, "no-strategy", question, members=tuple(x.key for x in u.members), owners=u.owners)


def _decide(
    pi: PlanInput,
    p: _Project,
    reason: str,
    question: str,
    members: tuple[str, ...] | None = None,
    owners: tuple[str, ...] | None = None,
) -> StepDraft:
    """A ``decide`` step: something a person must decide about project ``p``."""
    step = StepDraft(
        id=f"decide:{p.key}:{reason}",
        kind="decide",
        phase="fix",
        project=pi.unit_of.get(p.key, p.key),
        members=members or (p.key,),
        name=p.name,
        repo=p.repo,
        repos=(p.repo,),
        ecosystem=p.ecosystem,
        strategy="decide",
        seconds=pi.step_seconds("decide", p.repo),
        ci="decide" in pi.policy.ci_kinds,
        deps=[],
        owners=owners if owners is not None else p.owners,
        reason=reason,
        change=question,
    )
    return _done(pi, [step])[0]
