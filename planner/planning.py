"""One plan request, from advisories (or a package and a fixed version) to a :class:`~planner.waves.Plan`.

Shared by ``depwave plan`` and ``depwave campaign``, which stores the request so that ``status``
can re-plan what remains on the graph as it is then.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any

from planner import exposure, followups, plan_input, versions
from planner import purl as purls
from planner.errors import UsageError
from planner.exposure import AffectedPackage, ExposureReport
from planner.policy import Policy
from planner.store.base import Store

if TYPE_CHECKING:
    from planner.reachability.symbols import SymbolRule
from planner.waves import Plan, build_plan

Resolver = Callable[[str], list[AffectedPackage]]


@dataclass(frozen=True, slots=True)
class PlanRequest:
    """What to plan: the vulnerability, the target version and the scope."""

    advisories: tuple[str, ...] = ()
    package: str | None = None
    fixed: str | None = None
    same_branch: bool = False
    environment: str | None = None
    repos: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()

    def to_json(self) -> str:
        """Canonical JSON (stored with a campaign)."""
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> PlanRequest:
        """The request a campaign stored."""
        data = json.loads(text)
        for key in ("advisories", "repos", "owners"):
            data[key] = tuple(data.get(key) or ())
        return cls(**data)


@dataclass(slots=True)
class PlanResult:
    """The plan and the exposure it was made from."""

    plan: Plan
    report: ExposureReport
    problems: list[str] = field(default_factory=list)


def make_plan(
    store: Store,
    request: PlanRequest,
    policy: Policy,
    resolve: Resolver,
    completed: frozenset[str] = frozenset(),
    symbols: Sequence[SymbolRule] = (),
) -> PlanResult:
    """Exposure on the current graph, the target version, the input graph, the waves (``symbols``:
    a responder's vulnerable symbols for the reachability layer, besides the curated and OSV ones)."""
    if not request.advisories and not (request.package and request.fixed):
        raise UsageError("give --advisory ID|FILE (repeatable), or --package PURL with --fixed VERSION")
    affected: list[AffectedPackage] = []
    for advisory in request.advisories:
        affected.extend(resolve(advisory))
    package = purls.parse_user(request.package).package if request.package else None
    if not request.advisories:
        affected = exposure.affected_from_spec(f"{package}@<{request.fixed}")
    if package:
        affected = [a for a in affected if a.package == package]
        if not affected:
            raise UsageError(f"the advisories do not affect {package}")
    report = exposure.assess(store, affected)
    from planner.reachability import layer

    layer.add_reachability_with(store, report, [*layer.osv_file_rules(request.advisories), *symbols])
    target = plan_input.choose_target(report, package, request.fixed, request.same_branch)
    ecosystem = next(a.ecosystem for a in affected if a.package == target.package)
    listed = [a.entry for a in affected if a.package == target.package]
    vulnerable = sorted({v for p in report.projects for e in p.evidence if e.affected and (v := e.version)})
    still, clears = followups.follow_ups(
        ecosystem, target.fixed_version, vulnerable, listed, followups.known_advisories(store, target.package)
    )
    target = replace(target, still_affected_by=tuple(still), clears_all_known=clears)

    def compare(a: str, b: str) -> int:
        result = versions.compare(ecosystem, a, b)
        if result is None:
            raise ValueError(f"cannot compare {a} with {b}")
        return result

    graph = plan_input.plan_graph(store, report, request.environment, request.repos, request.owners)
    plan = build_plan(graph, target, policy, compare, completed)
    reach = {
        p.project: (p.reachability["verdict"], tuple(_site(s) for s in p.reachability["sites"]))
        for p in report.projects
        if p.reachability is not None and p.project in graph
    }
    if reach:
        plan = replace(plan, reachability=reach)
    return PlanResult(plan, report, list(report.problems))


def _site(site: dict[str, Any]) -> str:
    """``repo/path:line:col`` of a reachability call site."""
    return f"{site['repo']}/{site['location']}" if site.get("repo") else site["location"]
