"""The stateful planner being taken apart (step 1 of issue 14: moved verbatim)."""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx

from planner import build_units, environments
from planner.errors import UsageError
from planner.policy import Policy
from planner.waves.build_tools import _build_verify, _override, _relock_command, _target_package, _tool
from planner.waves.model import Baseline, Comparator, Target
from planner.waves.projects import _default_compare, _major, _Project, _read_project
from planner.waves.schedule import _bottom_levels, _hours, _merge_windows, _pool_bound, _ticks, _topo


@dataclass(slots=True)
class _Unit:
    key: str
    members: tuple[_Project, ...]
    providers: tuple[str, ...]  # unit keys of exposed providers outside the unit
    pinned: bool  # some edge to an outside provider is pinned (propagating is an edit, not a relock)
    candidates: tuple[str, ...]  # propagate/override in preference order; ("direct",) or () (no strategy)
    transitive: frozenset[str]  # member keys that take the fix from a provider or an override
    builds: tuple[tuple[_Project, ...], ...] = ()  # members built by one build (a reactor, a workspace)
    carried: frozenset[str] = frozenset()  # members that get the fix from a sibling built with them
    depth: int = 0

    @property
    def repos(self) -> tuple[str, ...]:
        return tuple(sorted({m.repo for m in self.members}))

    @property
    def owners(self) -> tuple[str, ...]:
        return tuple(sorted({o for m in self.members for o in m.owners}))


@dataclass(slots=True)
class _Step:
    id: str
    kind: str
    phase: str
    unit: str
    members: tuple[str, ...]
    name: str
    repo: str
    repos: tuple[str, ...]
    ecosystem: str
    strategy: str
    dur: int
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


def _unit_name(u: _Unit) -> str:
    """Its members' names (the first and how many more, for a unit of more than three)."""
    if len(u.members) <= 3:
        return " + ".join(m.name for m in u.members)
    return f"{u.members[0].name} + {len(u.members) - 1} more"


class _Planner:
    """Holds the validated input; builds step sets for a choice of strategies and schedules them."""

    def __init__(
        self,
        graph: nx.DiGraph,
        target: Target,
        policy: Policy,
        compare: Comparator | None,
        completed: frozenset[str] = frozenset(),
    ) -> None:
        self.policy = policy
        self.completed = completed
        self._dur: dict[tuple[str, str], int] = {}
        self._memo: dict[tuple[Any, ...], list[_Step]] = {}
        self.target = target
        self.pkg = _target_package(target)
        projects: dict[str, _Project] = {}
        self.unresolved: list[_Project] = []
        self.excluded: list[str] = []
        for key in sorted(graph.nodes, key=str):
            p = _read_project(key, graph.nodes[key])
            if p is None:
                continue
            if p.exposure == "unknown":
                self.unresolved.append(p)
            elif p.exposure == "test-only" and policy.test_only == "exclude":
                self.excluded.append(p.key)
            else:
                projects[p.key] = p
        self.projects = projects
        production = set(policy.production_environments())
        #: projects whose code calls the vulnerable symbols (reachability) and that run in production:
        #: their steps win ties in the schedule
        self.urgent = frozenset(
            k for k, p in projects.items() if p.called and any(env in production for _, env in p.deployments)
        )
        self._check_versions(compare or _default_compare)
        self.tools = {k: _tool(p) for k, p in projects.items()}
        self._build_units(graph)
        self.env_rank = {e: i for i, e in enumerate(policy.environments)}
        self.freeze: dict[str, list[tuple[int, int]]] = _merge_windows(policy)

    def dur(self, kind: str, repo: str) -> int:
        """Ticks a step of this kind takes in this repository (cached)."""
        key = (kind, repo)
        d = self._dur.get(key)
        if d is None:
            d = self._dur[key] = _ticks(self.policy.duration(kind, repo))
        return d

    def udur(self, u: _Unit, kind: str) -> int:
        """Ticks of a unit's combined step of this kind, summed over its builds: one build, one publish when
        it publishes, one change (a pull request, whatever number of lines) when one of its members changes
        something (a member built with a sibling that takes the fix changes nothing). A cycle of projects
        built separately sums its members."""
        if kind == "build":
            return sum(self.dur(kind, b[0].repo) for b in u.builds)
        if kind == "publish":
            return sum(self.dur(kind, b[0].repo) for b in u.builds if any(m.publishes for m in b))
        return sum(self.dur(kind, b[0].repo) for b in u.builds if any(m.key not in u.carried for m in b))

    # -- validation --------------------------------------------------------------------------------------------
    def _check_versions(self, compare: Comparator) -> None:
        for key, p in self.projects.items():
            fixed = self.target.fixed_for(key)
            if not fixed:
                raise UsageError(f"the fixed version for project {key} is empty")
            if p.vulnerable is None:
                continue
            try:
                order = compare(fixed, p.vulnerable)
            except ValueError:
                continue
            if order <= 0:
                raise UsageError(
                    f"the fixed version {fixed} of {self.pkg.display} is not higher than the vulnerable version "
                    f"{p.vulnerable} that project {key} resolves"
                )

    # -- units ---------------------------------------------------------------------------------------------------
    def _build_units(self, graph: nx.DiGraph) -> None:
        sub = nx.DiGraph()
        sub.add_nodes_from(self.projects)
        pinned_edge: dict[tuple[str, str], bool] = {}
        for c, p, attrs in graph.edges(data=True):
            if c in self.projects and p in self.projects and c != p:
                sub.add_edge(c, p)
                pinned = attrs.get("pinned", True)
                pinned_edge[(c, p)] = bool(pinned) if pinned is not None else True
        self.sub = sub
        comps, cycles = build_units.condense(sub.nodes, sub.edges, self._together())
        unit_of = {k: comp[0] for comp in comps for k in comp}
        self.unit_of = unit_of
        self.cycles = tuple(cycles)
        units: dict[str, _Unit] = {}
        for comp in comps:
            ukey = comp[0]
            providers: set[str] = set()
            pinned = False
            has_provider: set[str] = set()
            for k in comp:
                for prov in sub.successors(k):
                    if unit_of[prov] != ukey:
                        providers.add(unit_of[prov])
                        has_provider.add(k)
                        pinned = pinned or pinned_edge[(k, prov)]
            members = tuple(self.projects[k] for k in comp)
            carried = self._carried(members, sub)
            transitive = frozenset(
                m.key
                for m in members
                if m.key not in carried
                and (
                    m.exposure == "transitive" or (m.exposure == "test-only" and m.key in has_provider and not m.direct)
                )
            )
            builds: dict[str, list[_Project]] = {}
            for m in members:
                builds.setdefault(m.build_unit or f"project:{m.key}", []).append(m)
            units[ukey] = _Unit(
                key=ukey,
                members=members,
                providers=tuple(sorted(providers)),
                pinned=pinned,
                candidates=self._candidates(members, transitive),
                transitive=transitive,
                builds=tuple(tuple(b) for _, b in sorted(builds.items())),
                carried=carried,
            )
        # topological order of units, providers first, ties by key
        cond = nx.DiGraph()
        cond.add_nodes_from(units)
        for u in units.values():
            for p in u.providers:
                cond.add_edge(p, u.key)
        self.order = list(nx.lexicographical_topological_sort(cond))
        self.consumers = {k: tuple(sorted(cond.successors(k))) for k in units}
        for k in self.order:
            u = units[k]
            u.depth = 1 + max((units[p].depth for p in u.providers), default=-1)
        self.units = units

    def _together(self) -> list[list[str]]:
        """Projects that must be one unit: those built together, and those editing the same line of a repository."""
        groups: dict[tuple[str, ...], list[str]] = defaultdict(list)
        for key, p in self.projects.items():
            if p.build_unit:
                groups[("build", p.build_unit)].append(key)
            if p.location:
                groups[("line", p.repo, p.location)].append(key)
        return [g for _, g in sorted(groups.items()) if len(g) > 1]

    def _carried(self, members: tuple[_Project, ...], sub: nx.DiGraph) -> frozenset[str]:
        """Members exposed only through siblings built with them: the sibling's fix is theirs, with no release
        in between (a reactor module at ``${project.version}`` of the module that declares the package)."""
        out = set()
        for m in members:
            if m.build_unit is None or m.exposure not in ("transitive", "test-only") or m.direct:
                continue
            if self.tools[m.key] not in build_units.CARRIED_TOOLS:
                continue
            providers = [p for p in sub.successors(m.key) if p != m.key]
            if providers and all(self.projects[p].build_unit == m.build_unit for p in providers):
                out.add(m.key)
        if len(out) == len(members):  # somebody must carry the fix: nothing to take it from
            return frozenset()
        return frozenset(out)

    def _candidates(self, members: tuple[_Project, ...], transitive: frozenset[str]) -> tuple[str, ...]:
        if not transitive:
            return ("direct",)
        allowed = {"propagate", "override"}
        for m in members:
            if m.key not in transitive:
                continue
            ok = set(self.policy.allowed(m.kind, m.repo, m.owners)) & {"propagate", "override"}
            if "override" in ok and not self._can_override(m):
                ok.discard("override")
            allowed &= ok
        return tuple(s for s in ("propagate", "override") if s in allowed)

    def _can_override(self, m: _Project) -> bool:
        if _override(self.tools[m.key], self.pkg, "0") is None:
            return False
        if self.policy.never_override_across_major or self.tools[m.key] == "cargo":
            a, b = _major(m.vulnerable), _major(self.target.fixed_for(m.key))
            return a is not None and a == b
        return True

    # -- steps ---------------------------------------------------------------------------------------------------
    def member_strategy(self, u: _Unit, m: _Project, strategy: str) -> str:
        """How one member takes the fix; a member carried by its build is fixed the way its siblings are."""
        if m.key in u.carried:
            if strategy in ("propagate", "override"):
                return strategy
            return "relock" if self._change_kinds(u, strategy) == {"relock"} else "direct"
        if m.key in u.transitive:
            return strategy
        return "relock" if m.edit_kind == "lockfile-only" else "direct"

    def _change_kinds(self, u: _Unit, strategy: str) -> set[str]:
        return {self.member_strategy(u, m, strategy) for m in u.members if m.key not in u.carried}

    def change_kind(self, u: _Unit, strategy: str) -> str:
        kinds = self._change_kinds(u, strategy)
        if kinds == {"relock"}:
            return "relock"
        if kinds == {"propagate"} and u.providers and not u.pinned:
            return "relock"
        return "edit"

    def deferred_units(self, decisions: Mapping[str, str]) -> frozenset[str]:
        """Library units whose fix no fix-phase step waits for (policy ``defer_libraries``).

        A unit of libraries only, none of them deployed, with a planned strategy and at least one consumer
        in the plan, is deferred when every consumer takes the fix without it (override or direct) or is
        deferred itself; its steps move to the clean-up phase. Libraries nobody in the plan consumes, and
        units feeding a ``decide`` step, stay in the fix phase."""
        if not self.policy.defer_libraries:
            return frozenset()
        deferred: set[str] = set()
        for ukey in reversed(self.order):  # consumers before their providers
            u = self.units[ukey]
            consumers = self.consumers[ukey]
            if decisions.get(ukey, "decide") == "decide" or not consumers:
                continue
            if any(m.kind != "library" or m.deployments for m in u.members):
                continue  # only libraries that run nowhere
            if all(c in deferred or decisions.get(c, "decide") in ("override", "direct") for c in consumers):
                deferred.add(ukey)
        return frozenset(deferred)

    def steps_for(self, decisions: Mapping[str, str], relaxed: bool = False, defer: bool = True) -> list[_Step]:
        """The fix-phase steps of every unit under a choice of strategies (unit key → strategy).

        ``relaxed``: the lower-bound relaxation (the shorter change step of the two strategies).
        ``defer``: leave out the library units :meth:`deferred_units` moves to the clean-up phase.
        """
        policy = self.policy
        self._current = decisions
        self._deferred = self.deferred_units(decisions) if defer else frozenset()
        out: list[_Step] = []
        for p in self.unresolved:
            out.append(self._decide(p, "unresolved", f"which version of {self.pkg.display} does {p.name} resolve?"))
        for ukey in self.order:
            if ukey in self._deferred:
                continue
            u = self.units[ukey]
            strategy = decisions.get(ukey, "decide")
            if strategy == "decide":
                m = u.members[0]
                out.append(
                    self._decide(
                        m,
                        "no-strategy",
                        f"the policy allows no strategy for {m.kind} {m.name}: choose how to fix it",
                        members=tuple(x.key for x in u.members),
                        owners=u.owners,
                    )
                )
                continue
            kind = self.change_kind(u, strategy)
            dur = self.udur(u, kind)
            ci_change = None
            if relaxed and len(u.candidates) > 1:
                other = "propagate" if strategy == "override" else "override"
                okind = self.change_kind(u, other)
                dur = min(dur, self.udur(u, okind))
                ci_change = kind in policy.ci_kinds and okind in policy.ci_kinds
            deps: list[str] = []
            if strategy == "propagate":
                deps = [self.release_step(p) for p in u.providers if self.release_step(p)]
            out.extend(self._unit_steps(u, strategy, kind, dur, deps, "fix", ci_change))
            for m in u.members:
                if not m.traceable and m.kind in ("service", "application") and m.exposure != "test-only":
                    out.append(
                        self._decide(
                            m,
                            "image",
                            f"the image of {m.name} cannot be traced to what runs: find where it is deployed and "
                            "redeploy it after the build",
                        )
                    )
        for step in out:
            if step.id in self.completed:  # done in a campaign: takes no time and no CI slot any more
                step.dur = 0
                step.ci = False
        return out

    def release_step(self, ukey: str) -> str | None:
        """The step a consumer of this unit waits for: its publish, else its build (None if not planned)."""
        u = self.units[ukey]
        if self._current is not None and self._current.get(ukey, "decide") == "decide":
            return None
        prefix = "cleanup:" if ukey in self._deferred else ""
        if any(m.publishes for m in u.members):
            return f"{prefix}publish:{ukey}"
        return f"{prefix}build:{ukey}"

    _current: Mapping[str, str] | None = None
    _deferred: frozenset[str] = frozenset()

    def _unit_steps(
        self,
        u: _Unit,
        strategy: str,
        kind: str,
        dur: int,
        deps: list[str],
        phase: str,
        ci_change: bool | None = None,
        replaces_override: bool = False,
    ) -> list[_Step]:
        """The steps of one unit (memoised: candidate strategy mixes share most of them).

        ``ci_change`` overrides whether the change step uses CI capacity (the lower-bound relaxation);
        ``replaces_override``: a clean-up that removes the unit's override pin while bumping its providers."""
        key = (u.key, strategy, kind, dur, tuple(deps), phase, ci_change, replaces_override)
        steps = self._memo.get(key)
        if steps is None:
            steps = self._memo[key] = self._make_unit_steps(
                u, strategy, kind, dur, deps, phase, ci_change, replaces_override
            )
        return steps

    def _make_unit_steps(
        self,
        u: _Unit,
        strategy: str,
        kind: str,
        dur: int,
        deps: list[str],
        phase: str,
        ci_change: bool | None,
        replaces_override: bool,
    ) -> list[_Step]:
        policy = self.policy
        prefix = "cleanup:" if phase == "cleanup" else ""
        first = u.members[0]
        members = tuple(m.key for m in u.members)
        common = {
            "phase": phase,
            "unit": u.key,
            "members": members,
            "name": _unit_name(u),
            "repo": first.repo,
            "repos": u.repos,
            "ecosystem": first.ecosystem,
            "owners": u.owners,
        }
        ci = policy.ci_kinds
        lines: dict[tuple[str, str | None, str], tuple[str, _Project, str]] = {}  # one change per line, once
        for m in u.members:
            if m.key in u.carried:  # built with the sibling that takes the fix: nothing of its own to change
                continue
            member_strategy = self.member_strategy(u, m, strategy)
            mech, change = self._change(u, m, member_strategy, replaces_override)
            lines.setdefault((m.repo, m.location, change), (mech, m, member_strategy))
        mechanisms = [mech for mech, _, _ in lines.values()]
        if len(lines) == 1:
            changes = [change for _, _, change in lines]
        else:
            changes = [f"{m.name}: {change}" for (_, _, change), (_, m, _) in lines.items()]
        edits = [self._edit(u, m, member_strategy, mech) for mech, m, member_strategy in lines.values()]
        locations = dict.fromkeys(loc for _, loc, _ in lines if loc)
        verify = sorted({v for b in u.builds if (v := _build_verify(self.tools[b[0].key], self.pkg, b))})
        strategy_out = strategy
        steps = [
            _Step(
                id=f"{prefix}{kind}:{u.key}",
                kind=kind,
                strategy=strategy_out,
                dur=dur,
                ci=kind in ci if ci_change is None else ci_change,
                deps=list(deps),
                mechanism=", ".join(dict.fromkeys(mechanisms)),
                change="; ".join(changes),
                location=", ".join(locations) or None,
                edits=tuple(edits),
                **common,
            )
        ]
        build = _Step(
            id=f"{prefix}build:{u.key}",
            kind="build",
            strategy=strategy_out,
            dur=self.udur(u, "build"),
            ci="build" in ci,
            deps=[steps[0].id],
            verify=" && ".join(verify) or None,
            **common,
        )
        steps.append(build)
        if any(m.publishes for m in u.members):
            steps.append(
                _Step(
                    id=f"{prefix}publish:{u.key}",
                    kind="publish",
                    strategy=strategy_out,
                    dur=self.udur(u, "publish"),
                    ci="publish" in ci,
                    deps=[build.id],
                    change=", ".join(m.publishes for m in u.members if m.publishes),
                    **common,
                )
            )
        for m in u.members:
            if m.kind == "test" or m.exposure == "test-only":
                continue
            by_service: dict[str, list[str]] = defaultdict(list)
            for service, env in m.deployments:
                by_service[service].append(env)
            for service in sorted(by_service):
                envs = sorted(by_service[service], key=lambda e: (self.env_rank.get(e, len(self.env_rank)), e))
                prev = build.id
                for env in envs:
                    sid = f"{prefix}deploy:{m.key}:{env}:{service}"
                    steps.append(
                        _Step(
                            id=sid,
                            kind="deploy",
                            phase=phase,
                            unit=u.key,
                            members=(m.key,),
                            name=m.name,
                            repo=m.repo,
                            repos=(m.repo,),
                            ecosystem=m.ecosystem,
                            owners=m.owners,
                            strategy=strategy_out,
                            dur=self.dur("deploy", m.repo),
                            ci="deploy" in ci,
                            deps=[prev],
                            service=service,
                            environment=env,
                        )
                    )
                    if policy.staging_before_prod:
                        prev = sid
        return steps

    def _edit(self, u: _Unit, m: _Project, strategy: str, mechanism: str) -> dict[str, Any]:
        """One member's edit, as ``depwave fix`` needs it (the plan JSON's ``steps[].edits``)."""
        providers = []
        if strategy == "propagate":
            providers = sorted({x.publishes for p in u.providers for x in self.units[p].members if x.publishes})
        return {
            "project": m.key,
            "repo": m.repo,
            "strategy": strategy,
            "mechanism": mechanism,
            "location": m.location,
            "from": m.vulnerable,
            "to": self.target.fixed_for(m.key),
            "property": m.prop,
            "tool": self.tools[m.key],
            "providers": providers,
        }

    def _change(self, u: _Unit, m: _Project, strategy: str, replaces_override: bool) -> tuple[str, str]:
        v = self.target.fixed_for(m.key)
        pkg = self.pkg
        tool = self.tools[m.key]
        old = f"{pkg.name} {m.vulnerable} → {v}" if m.vulnerable else f"{pkg.name} → {v}"
        if strategy == "override":
            mech = _override(tool, pkg, v)
            assert mech is not None
            return mech
        if strategy == "propagate":
            parts = []
            for ukey in u.providers:
                pu = self.units[ukey]
                used = [x.name for x in pu.members if self.sub.has_edge(m.key, x.key)]
                names = " + ".join(used) if used else _unit_name(pu)
                step = self.release_step(ukey)
                if step is None:
                    continue
                parts.append(f"{names} → the release made by {step}")
            siblings = [x.name for x in u.members if x.build_unit == m.build_unit and self.sub.has_edge(m.key, x.key)]
            if not parts and m.build_unit and siblings:  # no release in between: the build's own lock moves
                parts.append(f"built with {' + '.join(siblings)}: {_relock_command(tool, pkg, v)}")
            body = "; ".join(parts) if parts else f"the dependency that brings in {pkg.display} → a release with {v}"
            if replaces_override:
                mech = _override(tool, pkg, v)
                body = f"remove the {mech[0] if mech else 'override'} pin of {pkg.display}; bump {body}"
            elif u.providers and not u.pinned:
                body = f"relock to pick up {body}"
            return "propagate", body
        if strategy == "relock":
            return "relock", f"{_relock_command(tool, pkg, v)} ({old} in the lockfile)"
        # direct
        kind = m.edit_kind or "direct-dependency"
        if kind == "property" and m.prop:
            if tool == "maven":
                return "property", f"<{m.prop}>{v}</{m.prop}>"
            return "property", f'{m.prop} = "{v}"'
        if kind == "bom-import":
            return "bom-import", f"import a BOM version that manages {pkg.display} {v} or later"
        return kind, old

    def _decide(
        self,
        p: _Project,
        reason: str,
        question: str,
        members: tuple[str, ...] | None = None,
        owners: tuple[str, ...] | None = None,
    ) -> _Step:
        return _Step(
            id=f"decide:{p.key}:{reason}",
            kind="decide",
            phase="fix",
            unit=self.unit_of.get(p.key, p.key),
            members=members or (p.key,),
            name=p.name,
            repo=p.repo,
            repos=(p.repo,),
            ecosystem=p.ecosystem,
            strategy="decide",
            dur=self.dur("decide", p.repo),
            ci="decide" in self.policy.ci_kinds,
            deps=[],
            owners=owners if owners is not None else p.owners,
            reason=reason,
            change=question,
        )

    def cleanup_steps(self, decisions: Mapping[str, str], fix: list[_Step]) -> list[_Step]:
        """The clean-up phase, after the fix phase: the deferred library fixes (policy ``defer_libraries``),
        and, with policy ``cleanup``, steps replacing each override by the propagated bump once the
        providers have published."""
        sinks: dict[str, list[str]] = defaultdict(list)
        has_succ = {d for s in fix for d in s.deps}
        for s in fix:
            if s.kind != "decide" and s.id not in has_succ:
                sinks[s.unit].append(s.id)
        self._current = decisions
        self._deferred = self.deferred_units(decisions)
        out: list[_Step] = []
        for ukey in self.order:
            u = self.units[ukey]
            strategy = decisions.get(ukey, "decide")
            if ukey in self._deferred:
                kind = self.change_kind(u, strategy)
                deps = [r for p in u.providers if (r := self.release_step(p))] if strategy == "propagate" else []
                out.extend(self._unit_steps(u, strategy, kind, self.udur(u, kind), deps, "cleanup"))
                continue
            if not self.policy.cleanup or strategy != "override" or "propagate" not in u.candidates:
                continue
            kind = self.change_kind(u, "propagate")
            dur = self.udur(u, kind)
            deps = [r for p in u.providers if (r := self.release_step(p))] + sorted(sinks[ukey])
            out.extend(self._unit_steps(u, "propagate", kind, dur, deps, "cleanup", replaces_override=True))
        return out

    # -- strategy choice -------------------------------------------------------------------------------------------
    def choose(self) -> tuple[dict[str, str], list[_Step], tuple[list[int], list[int]]]:
        """The strategy mix with the shortest schedule (ties: the one that propagates more)."""
        base = {k: (u.candidates[0] if u.candidates else "decide") for k, u in self.units.items()}
        override_all = {k: ("override" if "override" in u.candidates else base[k]) for k, u in self.units.items()}
        propagate_all = base
        tried: list[tuple[int, int, dict[str, str], list[_Step], tuple[list[int], list[int]]]] = []
        seen: list[dict[str, str]] = []

        def run(decisions: dict[str, str], preference: int) -> int:
            if any(s == decisions for s in seen):
                return -1
            seen.append(decisions)
            steps = self.steps_for(decisions)
            if tried and self.critical_path_length(steps) > min(t[0] for t in tried):
                return -1  # its schedule cannot be shorter than its critical path: it cannot win or tie
            times = self.schedule(steps, 0)
            makespan = max(times[1], default=0)
            services = self.services_fixed(steps, {s.id: f for s, f in zip(steps, times[1], strict=True)})
            tried.append((makespan, services if services is not None else 0, preference, decisions, steps, times))
            return makespan

        m_over = run(override_all, 3)
        if any(len(u.candidates) > 1 for u in self.units.values()):
            over_steps = tried[0][4]
            cp_over = self.critical_path_length(over_steps)
            run(propagate_all, 0)
            run(self.hybrid(override_all, over_steps, m_over), 1)
            if cp_over < m_over:
                run(self.hybrid(override_all, over_steps, cp_over), 2)
        # shortest makespan; then the services fixed soonest; then the mix that propagates more
        tried.sort(key=lambda t: (t[0], t[1], t[2]))
        _, _, _, decisions, steps, times = tried[0]
        self._current = decisions
        return decisions, steps, times

    def hybrid(self, override_all: dict[str, str], steps: list[_Step], target: int) -> dict[str, str]:
        """Propagate wherever waiting for the providers keeps the unlimited-capacity critical path within
        ``target``; units are visited providers first, so every accepted wait is accounted for downstream."""
        index = {s.id: i for i, s in enumerate(steps)}
        bottom = _bottom_levels(steps, index)
        ready_at: dict[str, int] = {}  # unit → finish of its release step (unlimited capacity)
        decisions = dict(override_all)
        for ukey in self.order:
            u = self.units[ukey]
            strategy = decisions[ukey]
            if strategy == "decide":
                continue
            kind = self.change_kind(u, strategy)
            i = index.get(f"{kind}:{ukey}")  # None: a deferred library (no fix-phase step waits for it)
            tail = bottom[i] - steps[i].dur if i is not None else 0
            wait = max((ready_at[p] for p in u.providers if p in ready_at), default=0)
            if len(u.candidates) > 1 and strategy == "override":
                pkind = self.change_kind(u, "propagate")
                pdur = self.udur(u, pkind)
                if wait + pdur + tail <= target:
                    decisions[ukey] = strategy = "propagate"
                    kind = pkind
            start = wait if strategy == "propagate" else 0
            cdur = self.udur(u, kind)
            finish = start + cdur + self.udur(u, "build")
            if any(m.publishes for m in u.members):
                finish += self.udur(u, "publish")
            ready_at[ukey] = finish
        return decisions

    # -- scheduling ----------------------------------------------------------------------------------------------
    def critical_path_length(self, steps: list[_Step]) -> int:
        index = {s.id: i for i, s in enumerate(steps)}
        heads = self.heads(steps, index)
        return max((h + s.dur for h, s in zip(heads, steps, strict=True)), default=0)

    def heads(self, steps: list[_Step], index: Mapping[str, int]) -> list[int]:
        """Earliest starts with unlimited capacity, freeze windows respected (an exact ASAP schedule)."""
        heads = [0] * len(steps)
        for i in _topo(steps, index):
            s = steps[i]
            t = max((heads[index[d]] + steps[index[d]].dur for d in s.deps if d in index), default=0)
            heads[i] = self.unfrozen(s, t)
        return heads

    def unfrozen(self, s: _Step, t: int) -> int:
        """The earliest start at or after ``t`` such that a deploy does not overlap a freeze window."""
        if s.kind != "deploy" or s.environment not in self.freeze:
            return t
        d = max(s.dur, 1)
        for ws, we in self.freeze[s.environment]:
            if we <= t:
                continue
            if t + d <= ws:
                break
            t = we
        return t

    def schedule(self, steps: list[_Step], t0: int) -> tuple[list[int], list[int]]:
        """Critical-path list scheduling under CI capacity and freeze windows (deps outside ``steps`` are done)."""
        n = len(steps)
        index = {s.id: i for i, s in enumerate(steps)}
        succ: list[list[int]] = [[] for _ in range(n)]
        indeg = [0] * n
        for i, s in enumerate(steps):
            for d in s.deps:
                j = index.get(d)
                if j is not None:
                    succ[j].append(i)
                    indeg[i] += 1
        prio = _bottom_levels(steps, index, succ)
        # ready steps go longest remaining path first; among equals, the steps of production services
        # whose code calls the vulnerable symbols (reachability), then by id
        urgent = self.urgent
        key = [(-prio[i], 0 if any(m in urgent for m in s.members) else 1, s.id) for i, s in enumerate(steps)]
        org = self.policy.capacity
        repo_cap: dict[str, int | None] = {}
        for s in steps:
            if s.ci:
                for r in s.repos:
                    if r not in repo_cap:
                        repo_cap[r] = self.policy.repo_capacity(r)
        start = [0] * n
        finish = [0] * n
        ready: list[tuple[tuple[int, int, str], int]] = []
        pending: list[tuple[int, tuple[int, int, str], int]] = []
        running: list[tuple[int, int]] = []
        blocked: dict[str, list[tuple[tuple[int, int, str], int]]] = defaultdict(list)
        used = 0
        repo_used: dict[str, int] = defaultdict(int)

        def begin(i: int, t: int) -> None:
            nonlocal used
            s = steps[i]
            start[i] = t
            finish[i] = t + s.dur
            heapq.heappush(running, (finish[i], i))
            if s.ci:
                used += 1
                for r in s.repos:
                    repo_used[r] += 1

        def release(i: int, t: int) -> None:
            s = steps[i]
            r = self.unfrozen(s, t)
            if r > t:
                heapq.heappush(pending, (r, key[i], i))
            elif s.ci:
                heapq.heappush(ready, (key[i], i))
            else:
                begin(i, t)

        t = t0
        for i in range(n):
            if indeg[i] == 0:
                release(i, t)
        while True:
            while pending and pending[0][0] <= t:
                release(heapq.heappop(pending)[2], t)
            while ready and (org is None or used < org):
                item = heapq.heappop(ready)
                i = item[1]
                s = steps[i]
                r = self.unfrozen(s, t)
                if r > t:
                    heapq.heappush(pending, (r, item[0], i))
                    continue
                full = next((x for x in s.repos if (c := repo_cap.get(x)) is not None and repo_used[x] >= c), None)
                if full is not None:
                    heapq.heappush(blocked[full], item)
                    continue
                begin(i, t)
            if not running and not pending:
                break
            t = min(running[0][0] if running else math.inf, pending[0][0] if pending else math.inf)
            while running and running[0][0] == t:
                _, i = heapq.heappop(running)
                s = steps[i]
                if s.ci:
                    used -= 1
                    for r in s.repos:
                        repo_used[r] -= 1
                        waiting = blocked.get(r)
                        while waiting:
                            item = heapq.heappop(waiting)
                            heapq.heappush(ready, item)
                            if len(steps[item[1]].repos) == 1:
                                break
                for j in succ[i]:
                    indeg[j] -= 1
                    if indeg[j] == 0:
                        release(j, t)
        if ready or any(blocked.values()):
            raise AssertionError("the scheduler left steps unscheduled")  # pragma: no cover
        return start, finish

    def lower_bound(self, steps: list[_Step]) -> float:
        """Max of the critical path and, per capacity pool, ``head + work / capacity + tail`` over nested sets."""
        index = {s.id: i for i, s in enumerate(steps)}
        heads = self.heads(steps, index)
        bottoms = _bottom_levels(steps, index)
        best: float = max((h + s.dur for h, s in zip(heads, steps, strict=True)), default=0)
        pools: dict[str | None, list[int]] = defaultdict(list)
        for i, s in enumerate(steps):
            if not s.ci:
                continue
            if self.policy.capacity is not None:
                pools[None].append(i)
            for r in s.repos:
                if self.policy.repo_capacity(r) is not None:
                    pools[r].append(i)
        for pool, items in pools.items():
            cap = self.policy.capacity if pool is None else self.policy.repo_capacity(pool)
            assert cap is not None
            jobs = [(heads[i], bottoms[i] - steps[i].dur, steps[i].dur) for i in items]
            best = max(best, _pool_bound(jobs, cap))
        return best

    def baseline(self) -> Baseline:
        """Frontier rounds: everything at chain depth k, propagating, after everything at depth k-1."""
        decisions = {k: ("direct" if u.candidates == ("direct",) else "propagate") for k, u in self.units.items()}
        self._current = decisions
        steps = self.steps_for(decisions, defer=False)
        depth_of = {k: u.depth for k, u in self.units.items()}
        rounds: dict[int, list[_Step]] = defaultdict(list)
        for s in steps:
            rounds[depth_of.get(s.unit, 0) if s.kind != "decide" else 0].append(s)
        t = 0
        finishes = []
        by_id: dict[str, int] = {}
        for k in sorted(rounds):
            _, finish = self.schedule(rounds[k], t)
            by_id.update((s.id, f) for s, f in zip(rounds[k], finish, strict=True))
            t = max([t, *finish])
            finishes.append(_hours(t))
        done = self.services_fixed([s for k in sorted(rounds) for s in rounds[k]], by_id)
        return Baseline(
            makespan=_hours(t),
            rounds=len(finishes),
            round_finish=tuple(finishes),
            services_fixed=_hours(done) if done is not None else None,
        )

    def services_fixed(self, steps: list[_Step], finish: Mapping[str, int]) -> int | None:
        """When the last exposed service/application is fixed: its last production deploy (a deploy to an
        unknown environment, ``default``, may be production and counts too), or, when it has no such deploy
        step, its build. None when the plan holds no service or application."""
        production = set(self.policy.production_environments())
        last: dict[str, int] = {}
        deployed: set[str] = set()
        for s in steps:
            if s.kind == "deploy" and (s.environment in production or not environments.is_known(s.environment)):
                deployed.add(s.unit)
                last[s.unit] = max(last.get(s.unit, 0), finish[s.id])
        for s in steps:
            if s.kind != "build" or s.unit in deployed or s.unit not in self.units:
                continue
            if any(m.kind in ("service", "application") for m in self.units[s.unit].members):
                last[s.unit] = max(last.get(s.unit, 0), finish[s.id])
        return max(last.values()) if last else None
