"""The planner's public types: the input contract's attributes, the target, steps, decisions and the plan."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypedDict

from planner.policy import Policy

SCHEMA = "depwave.plan/1"
KINDS = ("library", "application", "service", "test", "unknown")
EXPOSURES = ("direct", "transitive", "test-only", "unknown")


class ProjectAttrs(TypedDict, total=False):
    """Attributes of a project node (see the module docstring)."""

    name: str
    repo: str
    kind: str
    ecosystem: str
    exposure: str | None
    vulnerable_version: str | None
    edit_location: str | None
    edit_kind: str | None
    property: str | None
    build_tool: str | None
    publishes: str | None
    deployments: list[tuple[str, str]]
    owners: list[str]
    image_traceable: bool
    direct: bool
    path: str | None
    build_unit: str | None
    build_root: str | None


class EdgeAttrs(TypedDict, total=False):
    """Attributes of a ``consumer → provider`` edge."""

    package: str
    scope: str
    pinned: bool
    depth: int


Comparator = Callable[[str, str], int]


@dataclass(frozen=True, slots=True)
class Target:
    """The package to fix and the version to move to (``per_project`` overrides it by project key)."""

    package: str
    fixed_version: str
    per_project: Mapping[str, str] = field(default_factory=dict)
    advisories: tuple[str, ...] = ()
    #: other advisories known to the caller that still affect ``fixed_version``, and the lowest version
    #: clearing them all (informative: the plan is made for ``fixed_version``)
    still_affected_by: tuple[str, ...] = ()
    clears_all_known: str | None = None

    def fixed_for(self, project: str) -> str:
        """The fixed version chosen for one project."""
        return self.per_project.get(project, self.fixed_version)


@dataclass(frozen=True, slots=True)
class Step:
    """One scheduled step of the plan. Times are hours after the plan start."""

    id: str
    kind: str  # edit | relock | build | publish | deploy | decide
    phase: str  # fix | cleanup
    project: str  # project key (the first member for a cycle)
    members: tuple[str, ...]
    name: str
    repo: str
    repos: tuple[str, ...]
    ecosystem: str
    strategy: str  # propagate | override | direct | relock | decide
    service: str | None
    environment: str | None
    mechanism: str | None
    change: str | None
    location: str | None
    owners: tuple[str, ...]
    verify: str | None
    reason: str | None
    depends_on: tuple[str, ...]
    duration: float
    ci: bool
    start: float
    finish: float
    wave: int
    #: the change step's edit per member: project, strategy, mechanism, location, from, to, property,
    #: tool, and for propagate the packages of the providers it bumps (what ``depwave fix`` patches)
    edits: tuple[Mapping[str, Any], ...] = ()


@dataclass(frozen=True, slots=True)
class Decision:
    """Something a person must decide; it is a ``decide`` step, never a silent omission."""

    project: str
    name: str
    reason: str  # unresolved | image | no-strategy
    question: str
    owners: tuple[str, ...]
    step: str


@dataclass(frozen=True, slots=True)
class Baseline:
    """The frontier plan: propagate everywhere, round k = chain depth k, barrier between rounds."""

    makespan: float
    rounds: int
    round_finish: tuple[float, ...]
    services_fixed: float | None = None  # when the last service/application is fixed (see Plan)


@dataclass(frozen=True, slots=True)
class Plan:
    """The plan: scheduled steps, waves, makespan and how it compares with the bound and the baseline."""

    target: Target
    policy: Policy
    steps: tuple[Step, ...]
    waves: tuple[tuple[str, ...], ...]
    makespan: float
    lower_bound: float
    ratio: float
    baseline: Baseline
    saved_hours: float
    cycles: tuple[tuple[str, ...], ...]
    decisions: tuple[Decision, ...]
    strategies: Mapping[str, str]
    excluded: tuple[str, ...]
    cleanup_finish: float | None
    critical_path: tuple[str, ...]
    #: when the last exposed service or application is fixed (its production deploy, else its build):
    #: what overrides shorten even when library republishing stays on the makespan's critical path
    services_fixed: float | None = None
    #: third-party images nothing traces (image, services): an inventory gap listed once, not decisions
    inventory_gaps: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: project key -> (reachability verdict, call sites ``repo/path:line:col``), when sources were scanned
    reachability: Mapping[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)

    def step(self, step_id: str) -> Step:
        """The step with this id (``KeyError`` when there is none)."""
        for s in self.steps:
            if s.id == step_id:
                return s
        raise KeyError(step_id)
