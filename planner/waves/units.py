"""The planner's validated input (:class:`PlanInput`) and its units: projects fixed together.

Projects built together (same ``build_unit``) or editing the same ``file:line`` of a repository are one unit,
and so are the strongly connected components of the units; each unit knows its exposed providers, the
strategies the policy allows it (its candidates) and its chain depth."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from planner import build_units, ecosystems
from planner.errors import UsageError
from planner.policy import Policy
from planner.waves.build_tools import _override, _override_within_major, _Pkg, _target_package, _tool
from planner.waves.model import Comparator, Target
from planner.waves.projects import _default_compare, _major, _Project, _read_project
from planner.waves.schedule import _seconds
from planner.waves.scheduler import ScheduleRules

#: the step kinds a policy gives durations to
STEP_KINDS = ("edit", "relock", "build", "publish", "deploy", "decide")


@dataclass(slots=True)
class Unit:
    """Projects fixed together: one change, one build per build unit, one publish."""

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
        """The repositories of its members, sorted."""
        return tuple(sorted({m.repo for m in self.members}))

    @property
    def owners(self) -> tuple[str, ...]:
        """The owners of its members, sorted."""
        return tuple(sorted({o for m in self.members for o in m.owners}))

    @property
    def name(self) -> str:
        """Its members' names; for a unit of more than three, the one that names it best and how many more.

        That one is the member whose directory the build runs in (a Go workspace's root module), else one
        that declares the vulnerable package and publishes (what consumers take, as struts2-core in the
        Struts reactor, whose aggregator POM is no member), else one that declares it, else one that
        publishes, else the first by key: the first by key alone named Struts after a showcase war."""
        if len(self.members) <= 3:
            return " + ".join(m.name for m in self.members)

        def rank(m: _Project) -> tuple[bool, bool, bool, str]:
            at_root = m.build_root is not None and m.path == m.build_root
            return (not at_root, not m.direct, not m.publishes, m.key)

        lead = min(self.members, key=rank)
        return f"{lead.name} + {len(self.members) - 1} more"


@dataclass(frozen=True, slots=True)
class PlanInput:
    """Everything the planner reads, validated once: projects, units in provider-first order, tools,
    step durations in seconds and the scheduling rules. Never changed after :func:`read_input`."""

    policy: Policy
    target: Target
    pkg: _Pkg
    completed: frozenset[str]
    projects: Mapping[str, _Project]
    unresolved: tuple[_Project, ...]
    excluded: tuple[str, ...]
    tools: Mapping[str, str | None]
    seconds: Mapping[tuple[str, str], int]  # (step kind, repo) → seconds
    env_rank: Mapping[str, int]
    rules: ScheduleRules
    sub: nx.DiGraph  # consumer → provider among the planned projects
    unit_of: Mapping[str, str]
    cycles: tuple[tuple[str, ...], ...]
    units: Mapping[str, Unit]
    order: tuple[str, ...]  # unit keys, providers first, ties by key
    consumers: Mapping[str, tuple[str, ...]]  # unit key → unit keys of its consumers
    #: memo of :func:`planner.waves.steps.unit_steps` (a pure function of the input, a unit and its fix)
    step_memo: dict[tuple[str, Any], list[Any]] = field(default_factory=dict, compare=False, repr=False)

    def step_seconds(self, kind: str, repo: str) -> int:
        """Seconds a step of this kind takes in this repository."""
        return self.seconds[(kind, repo)]

    def unit_seconds(self, u: Unit, kind: str) -> int:
        """Seconds of a unit's combined step of this kind, summed over its builds: one build, one publish when
        it publishes, one change (a pull request, whatever number of lines) when one of its members changes
        something (a member built with a sibling that takes the fix changes nothing). A cycle of projects
        built separately sums its members."""
        if kind == "build":
            return sum(self.step_seconds(kind, b[0].repo) for b in u.builds)
        if kind == "publish":
            return sum(self.step_seconds(kind, b[0].repo) for b in u.builds if any(m.publishes for m in b))
        return sum(self.step_seconds(kind, b[0].repo) for b in u.builds if any(m.key not in u.carried for m in b))


def read_input(
    graph: nx.DiGraph,
    target: Target,
    policy: Policy,
    compare: Comparator | None,
    completed: frozenset[str] = frozenset(),
) -> PlanInput:
    """Validate the input graph and target and build the units (raises :class:`UsageError` on bad input)."""
    pkg = _target_package(target)
    projects: dict[str, _Project] = {}
    unresolved: list[_Project] = []
    excluded: list[str] = []
    for key in sorted(graph.nodes, key=str):
        p = _read_project(key, graph.nodes[key])
        if p is None:
            continue
        if p.exposure == "unknown":
            unresolved.append(p)
        elif p.exposure == "test-only" and policy.test_only == "exclude":
            excluded.append(p.key)
        else:
            projects[p.key] = p
    production = set(policy.production_environments())
    #: projects whose code calls the vulnerable symbols (reachability) and that run in production:
    #: their steps win ties in the schedule
    urgent = frozenset(
        k for k, p in projects.items() if p.called and any(env in production for _, env in p.deployments)
    )
    _check_versions(projects, target, pkg, compare or _default_compare)
    tools = {k: _tool(p) for k, p in projects.items()}
    repos = {p.repo for p in projects.values()} | {p.repo for p in unresolved}
    sub, pinned_edge = _project_graph(graph, projects)
    comps, cycles = build_units.condense(sub.nodes, sub.edges, _together(projects))
    unit_of = {k: comp[0] for comp in comps for k in comp}
    units = {comp[0]: _unit(comp, projects, tools, sub, pinned_edge, unit_of, policy, target, pkg) for comp in comps}
    order, consumers = _unit_order(units)
    return PlanInput(
        policy=policy,
        target=target,
        pkg=pkg,
        completed=completed,
        projects=projects,
        unresolved=tuple(unresolved),
        excluded=tuple(excluded),
        tools=tools,
        seconds={(k, r): _seconds(policy.duration(k, r)) for k in STEP_KINDS for r in sorted(repos)},
        env_rank={e: i for i, e in enumerate(policy.environments)},
        rules=ScheduleRules.of(policy, urgent),
        sub=sub,
        unit_of=unit_of,
        cycles=tuple(cycles),
        units=units,
        order=order,
        consumers=consumers,
    )


def _check_versions(projects: Mapping[str, _Project], target: Target, pkg: _Pkg, compare: Comparator) -> None:
    """Every fixed version is given and higher than the vulnerable version its project resolves (each pair of
    versions compared once: most projects move the same few versions; None stands for not comparable)."""
    orders: dict[tuple[str, str], int | None] = {}
    for key, p in projects.items():
        fixed = target.fixed_for(key)
        if not fixed:
            raise UsageError(f"the fixed version for project {key} is empty")
        if p.vulnerable is None:
            continue
        pair = (fixed, p.vulnerable)
        if pair not in orders:
            try:
                orders[pair] = compare(fixed, p.vulnerable)
            except ValueError:
                orders[pair] = None
        order = orders[pair]
        if order is None:
            continue
        if order <= 0:
            raise UsageError(
                f"the fixed version {fixed} of {pkg.display} is not higher than the vulnerable version "
                f"{p.vulnerable} that project {key} resolves"
            )


def _project_graph(
    graph: nx.DiGraph, projects: Mapping[str, _Project]
) -> tuple[nx.DiGraph, dict[tuple[str, str], bool]]:
    """The consumer → provider edges among planned projects, and whether each is pinned."""
    sub = nx.DiGraph()
    sub.add_nodes_from(projects)
    pinned_edge: dict[tuple[str, str], bool] = {}
    for c, p, attrs in graph.edges(data=True):
        if c in projects and p in projects and c != p:
            sub.add_edge(c, p)
            pinned = attrs.get("pinned", True)
            pinned_edge[(c, p)] = bool(pinned) if pinned is not None else True
    return sub, pinned_edge


def _unit(
    comp: list[str],
    projects: Mapping[str, _Project],
    tools: Mapping[str, str | None],
    sub: nx.DiGraph,
    pinned_edge: Mapping[tuple[str, str], bool],
    unit_of: Mapping[str, str],
    policy: Policy,
    target: Target,
    pkg: _Pkg,
) -> Unit:
    """One unit from its component of project keys (its first key is the unit key)."""
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
    members = tuple(projects[k] for k in comp)
    carried = _carried(members, sub, projects, tools)
    transitive = frozenset(
        m.key
        for m in members
        if m.key not in carried
        and (m.exposure == "transitive" or (m.exposure == "test-only" and m.key in has_provider and not m.direct))
    )
    builds: dict[str, list[_Project]] = {}
    for m in members:
        builds.setdefault(m.build_unit or f"project:{m.key}", []).append(m)
    return Unit(
        key=ukey,
        members=members,
        providers=tuple(sorted(providers)),
        pinned=pinned,
        candidates=_candidates(members, transitive, policy, tools, target, pkg),
        transitive=transitive,
        builds=tuple(tuple(b) for _, b in sorted(builds.items())),
        carried=carried,
    )


def _unit_order(units: dict[str, Unit]) -> tuple[tuple[str, ...], dict[str, tuple[str, ...]]]:
    """Unit keys in topological order (providers first, ties by key) and each unit's consumers; sets depths."""
    cond = nx.DiGraph()
    cond.add_nodes_from(units)
    for u in units.values():
        for p in u.providers:
            cond.add_edge(p, u.key)
    order = tuple(nx.lexicographical_topological_sort(cond))
    consumers = {k: tuple(sorted(cond.successors(k))) for k in units}
    for k in order:
        u = units[k]
        u.depth = 1 + max((units[p].depth for p in u.providers), default=-1)
    return order, consumers


def _together(projects: Mapping[str, _Project]) -> list[list[str]]:
    """Projects that must be one unit: those built together, and those editing the same line of a repository."""
    groups: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for key, p in projects.items():
        if p.build_unit:
            groups[("build", p.build_unit)].append(key)
        if p.location:
            groups[("line", p.repo, p.location)].append(key)
    return [g for _, g in sorted(groups.items()) if len(g) > 1]


def _carried(
    members: tuple[_Project, ...],
    sub: nx.DiGraph,
    projects: Mapping[str, _Project],
    tools: Mapping[str, str | None],
) -> frozenset[str]:
    """Members exposed only through siblings built with them: the sibling's fix is theirs, with no release
    in between (a reactor module at ``${project.version}`` of the module that declares the package, a
    go.work workspace of the modules it uses)."""
    out = set()
    for m in members:
        if m.build_unit is None or m.exposure not in ("transitive", "test-only") or m.direct:
            continue
        if tools[m.key] not in build_units.CARRIED_TOOLS and not ecosystems.is_workspace_file(m.location):
            continue  # a go.work workspace records no versions: its modules' fixes are its own
        providers = [p for p in sub.successors(m.key) if p != m.key]
        if providers and all(projects[p].build_unit == m.build_unit for p in providers):
            out.add(m.key)
    if len(out) == len(members):  # somebody must carry the fix: nothing to take it from
        return frozenset()
    return frozenset(out)


def _candidates(
    members: tuple[_Project, ...],
    transitive: frozenset[str],
    policy: Policy,
    tools: Mapping[str, str | None],
    target: Target,
    pkg: _Pkg,
) -> tuple[str, ...]:
    """The strategies every transitive member may use, propagate first; ``("direct",)`` when none is transitive."""
    if not transitive:
        return ("direct",)
    allowed = {"propagate", "override"}
    for m in members:
        if m.key not in transitive:
            continue
        ok = set(policy.allowed(m.kind, m.repo, m.owners)) & {"propagate", "override"}
        if "override" in ok and not _can_override(m, policy, tools[m.key], target, pkg):
            ok.discard("override")
        allowed &= ok
    return tuple(s for s in ("propagate", "override") if s in allowed)


def _can_override(m: _Project, policy: Policy, tool: str | None, target: Target, pkg: _Pkg) -> bool:
    """The member's build tool can pin the package, within the major version when the policy (or Cargo) says so."""
    if _override(tool, pkg, "0") is None:
        return False
    if policy.never_override_across_major or _override_within_major(tool):
        a, b = _major(m.vulnerable), _major(target.fixed_for(m.key))
        return a is not None and a == b
    return True
