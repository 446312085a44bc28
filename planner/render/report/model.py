"""What the incident report shows, derived from the JSON documents only (pure, no store, no HTML).

Every figure comes from the ``depwave.exposure/1``, ``depwave.plan/1``, ``depwave.versions/1`` and
``depwave.campaign/1`` documents that the other commands print, so the report and the JSON cannot
disagree.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from planner.render import short

NO_OWNER = "(no owner)"
NOT_DEPLOYED = "(not deployed)"
#: verdicts that need work, worst first (``depwave.exposure/1``)
NEEDS_WORK = ("exposed", "exposed-test-only", "unknown")
#: more repositories than this: the Gantt chart has a row per team (first owner) instead
MAX_REPO_ROWS = 40
#: more parallel bars than this in one row are drawn over each other in the last lane
MAX_LANES = 8
#: chains drawn per dependency-path graph
MAX_CHAINS = 4
#: projects drawn as nodes of one shared dependency-path graph (the others are listed under it)
MAX_HEADS = 5


@dataclass(frozen=True, slots=True)
class Headline:
    """The four figures at the top of the report (see docs/report.md)."""

    exposed_prod_services: tuple[str, ...]  # service keys (environment/name)
    unknown_prod_services: tuple[str, ...]
    production: tuple[str, ...]
    services_fixed: float | None
    baseline_services_fixed: float | None
    makespan: float
    baseline_makespan: float
    steps: int
    fix_steps: int
    cleanup_steps: int
    owners: tuple[str, ...]
    decisions: int


def headline(exposure: Mapping[str, Any], plan: Mapping[str, Any]) -> Headline:
    """Exposed production services, when the plan fixes them vs the frontier baseline, steps, owners."""
    production = tuple(plan["policy"].get("production") or ())

    def services(verdict: str) -> tuple[str, ...]:
        return tuple(
            sorted(
                {
                    str(s.get("service") or s.get("name"))
                    for p in exposure["projects"]
                    if p["verdict"] == verdict
                    for s in p.get("services") or []
                    if s.get("environment") in production
                }
            )
        )

    steps = plan["steps"]
    cleanup = sum(1 for s in steps if s.get("phase") == "cleanup")
    return Headline(
        exposed_prod_services=services("exposed"),
        unknown_prod_services=services("unknown"),
        production=production,
        services_fixed=plan.get("services_fixed"),
        baseline_services_fixed=plan["baseline"].get("services_fixed"),
        makespan=plan["makespan"],
        baseline_makespan=plan["baseline"]["makespan"],
        steps=len(steps),
        fix_steps=len(steps) - cleanup,
        cleanup_steps=cleanup,
        owners=tuple(sorted({o for s in steps for o in s.get("owners") or []})),
        decisions=len(plan.get("decisions") or []),
    )


# ------------------------------------------------------------------------------------ exposure


def environments(project: Mapping[str, Any]) -> tuple[str, ...]:
    """The environments a project runs in (empty when it is not deployed)."""
    return tuple(sorted({str(s.get("environment") or "") for s in project.get("services") or []}))


def verdict_by_environment(exposure: Mapping[str, Any]) -> tuple[list[str], dict[str, dict[str, int]]]:
    """Projects counted per verdict and environment (a project in two environments counts in both;
    one not deployed counts under :data:`NOT_DEPLOYED`). Returns the column order and the counts."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    columns: set[str] = set()
    for p in exposure["projects"]:
        for env in environments(p) or (NOT_DEPLOYED,):
            counts[p["verdict"]][env] += 1
            columns.add(env)
    order = sorted(columns - {NOT_DEPLOYED}) + ([NOT_DEPLOYED] if NOT_DEPLOYED in columns else [])
    return order, {v: dict(c) for v, c in counts.items()}


def by_owner(items: Iterable[Mapping[str, Any]]) -> dict[str, list[Mapping[str, Any]]]:
    """Items (projects or steps) grouped under each of their owners, owners sorted, ``(no owner)`` last."""
    groups: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for item in items:
        for owner in item.get("owners") or [NO_OWNER]:
            groups[owner].append(item)
    return dict(sorted(groups.items(), key=lambda kv: (kv[0] == NO_OWNER, kv[0])))


def project_verdicts(exposure: Mapping[str, Any]) -> dict[str, str]:
    """Project key -> verdict."""
    return {p["project"]: p["verdict"] for p in exposure["projects"]}


def step_verdict(step: Mapping[str, Any], verdicts: Mapping[str, str]) -> str:
    """The worst verdict among the projects a step works on (``unknown`` for untraceable images)."""
    found = [verdicts[m] for m in step.get("members") or [step.get("project")] if m in verdicts]
    for v in (*NEEDS_WORK, "declared-range-allows", "not-exposed"):
        if v in found:
            return v
    return "unknown"


def affected_versions(exposure: Mapping[str, Any]) -> dict[str, bool | None]:
    """Version -> affected, as the exposure's evidence says."""
    out: dict[str, bool | None] = {}
    for p in exposure["projects"]:
        for e in p.get("evidence") or []:
            if e.get("version") and (e["version"] not in out or e.get("affected")):
                out[e["version"]] = e.get("affected")
    return out


# --------------------------------------------------------------------------------------- gantt


@dataclass(frozen=True, slots=True)
class Bar:
    """One step on the Gantt chart; times are hours on the chart's axis."""

    step: Mapping[str, Any]
    start: float
    finish: float
    lane: int
    critical: bool
    state: str | None  # campaign state, None without a campaign


@dataclass(slots=True)
class Row:
    """One row of the Gantt chart: a repository or a team, with its bars in lanes."""

    label: str
    bars: list[Bar] = field(default_factory=list)
    lanes: int = 1
    overflow: int = 0  # bars drawn over others because the row has more than MAX_LANES in parallel


@dataclass(frozen=True, slots=True)
class Timeline:
    """Where the plan sits on the chart's axis (campaign reports start at the campaign's creation)."""

    offset: float  # hours added to every planned time
    now: float | None  # the "now" line, campaign reports only
    origin: datetime | None  # the wall-clock time of hour 0, when known


def timeline(plan: Mapping[str, Any], campaign: Mapping[str, Any] | None, generated_at: datetime) -> Timeline:
    """Hour 0 is the plan start (the policy's ``start`` when given); for a campaign it is the campaign's
    creation, "now" is the report's time, and what remains (re-planned from now) is shifted to it."""
    start = plan["policy"].get("start")
    origin = datetime.fromisoformat(start) if start else None
    if not campaign:
        return Timeline(0.0, None, origin)
    created = _parse_time(campaign["campaign"].get("created_at"))
    if created is None:
        return Timeline(0.0, 0.0, generated_at)
    now = max(0.0, round((generated_at - created).total_seconds() / 3600, 4))
    return Timeline(now, now, created)


def _parse_time(text: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(text)) if text else None
    except ValueError:
        return None


def nominal_duration(plan: Mapping[str, Any], step: Mapping[str, Any]) -> float:
    """How long a step takes under the plan's policy (a done step is re-planned with no duration)."""
    policy = plan["policy"]
    repo = (policy.get("repos") or {}).get(step.get("repo") or "") or {}
    return float((repo.get("durations") or {}).get(step["kind"], policy["durations"].get(step["kind"], 0)))


def gantt_rows(plan: Mapping[str, Any], campaign: Mapping[str, Any] | None, when: Timeline) -> tuple[str, list[Row]]:
    """Rows (per repository, or per team when there are more than :data:`MAX_REPO_ROWS` repositories)
    with each step placed in a lane so that bars in a row do not overlap. Returns the row kind and rows."""
    steps = plan["steps"]
    repos = {s.get("repo") or "" for s in steps}
    kind = "repository" if len(repos) <= MAX_REPO_ROWS else "team"
    critical = set(plan.get("critical_path") or [])
    recorded = {s["id"]: s for s in (campaign or {}).get("steps") or []}
    rows: dict[str, Row] = {}
    placed: list[tuple[str, Mapping[str, Any], float, float]] = []
    for s in steps:
        label = (s.get("repo") or "(no repository)") if kind == "repository" else ((s.get("owners") or [NO_OWNER])[0])
        start, finish = s["start"] + when.offset, s["finish"] + when.offset
        state = recorded.get(s["id"], {}).get("state") if campaign else None
        if state == "done":
            finish = _done_at(recorded[s["id"]], when) or when.offset
            start = max(0.0, finish - nominal_duration(plan, s))
        placed.append((label, s, start, finish))
        rows.setdefault(label, Row(label))
    lanes_end: dict[str, list[float]] = defaultdict(list)
    for label, s, start, finish in sorted(placed, key=lambda x: (x[0], x[2], x[3], x[1]["id"])):
        row, ends = rows[label], lanes_end[label]
        lane = next((i for i, end in enumerate(ends) if end <= start + 1e-9), None)
        if lane is None and len(ends) < MAX_LANES:
            lane = len(ends)
            ends.append(finish)
        elif lane is None:
            lane = min(range(len(ends)), key=lambda i: ends[i])
            row.overflow += 1
        ends[lane] = max(ends[lane], finish)
        state = _status(recorded.get(s["id"], {})) if campaign else None
        row.bars.append(Bar(s, start, finish, lane, s["id"] in critical, state))
        row.lanes = len(ends)
    return kind, sorted(rows.values(), key=lambda r: (min(b.start for b in r.bars), _natural(r.label)))


def _status(record: Mapping[str, Any]) -> str:
    """A campaign step's status (``awaiting-parents`` / ``awaiting-pr`` for a todo step), else its state."""
    return str(record.get("status") or record.get("state") or "todo")


def _natural(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key putting ``team2`` before ``team10``."""
    return tuple((0, int(t)) if t.isdigit() else (1, t) for t in re.split(r"(\d+)", text) if t)


def _done_at(record: Mapping[str, Any], when: Timeline) -> float | None:
    at = _parse_time(record.get("updated_at"))
    if at is None or when.origin is None:
        return None
    return max(0.0, round((at - when.origin).total_seconds() / 3600, 4))


# --------------------------------------------------------------------------------- path graphs


@dataclass(frozen=True, slots=True)
class PathGraph:
    """The small graph from exposed projects (and the services they run as) down to the package: the
    projects that reach it by the same route below them share one graph."""

    projects: tuple[Mapping[str, Any], ...]
    nodes: tuple[tuple[str, int, int, str], ...]  # key, layer, row, role (project | package | vulnerable)
    edges: tuple[tuple[str, str], ...]
    routes: tuple[tuple[str, ...], ...]  # what lies below the projects, one route per drawn chain
    more_routes: int  # routes not drawn
    more_projects: int  # projects sharing the graph but not drawn as a node


def project_chains(project: Mapping[str, Any]) -> list[tuple[str, ...]]:
    """The shortest path and each evidence chain of a project (the project first in each)."""
    head = project["project"]
    chains: list[tuple[str, ...]] = []
    for chain in [project.get("path") or []] + [[head, *(e.get("chain") or [])] for e in project.get("evidence") or []]:
        t = tuple(chain)
        if len(t) > 1 and t not in chains:
            chains.append(t)
    return _with_versions(chains)


def path_graphs(exposure: Mapping[str, Any]) -> list[PathGraph]:
    """One graph per route shared by exposed deployed projects, worst verdict and most projects first."""
    packages = [p["package"] for p in exposure.get("packages") or []]
    groups: dict[tuple[tuple[str, ...], ...], list[Mapping[str, Any]]] = {}
    for p in exposure["projects"]:
        if p["verdict"] in NEEDS_WORK and p.get("services"):
            routes = tuple(c[1:] for c in project_chains(p))
            groups.setdefault(routes, []).append(p)
    graphs = [path_graph(sorted(ps, key=lambda p: p["name"]), routes, packages) for routes, ps in groups.items()]
    return sorted(graphs, key=lambda g: (min(NEEDS_WORK.index(p["verdict"]) for p in g.projects), -len(g.projects)))


def path_graph(
    projects: list[Mapping[str, Any]], routes: tuple[tuple[str, ...], ...], packages: list[str]
) -> PathGraph:
    """Layered layout: a node sits in the deepest layer any chain puts it (longest-path layering), rows in
    order of first appearance; at most :data:`MAX_CHAINS` routes and :data:`MAX_HEADS` projects drawn."""
    drawn = routes[:MAX_CHAINS]
    heads = [p["project"] for p in projects[:MAX_HEADS]]
    chains = [(h, *r) for h in heads for r in drawn]
    layer: dict[str, int] = {}
    for chain in chains:
        for i, key in enumerate(chain):
            layer[key] = max(layer.get(key, 0), i)
    rows: dict[int, int] = defaultdict(int)
    nodes = []
    vulnerable = {p.split("@", 1)[0] for p in packages}
    for key in layer:
        role = "project" if key in heads or not key.startswith("pkg:") else "package"
        if key.split("@", 1)[0] in vulnerable:
            role = "vulnerable"
        nodes.append((key, layer[key], rows[layer[key]], role))
        rows[layer[key]] += 1
    edges = sorted({(c[i], c[i + 1]) for c in chains for i in range(len(c) - 1)})
    return PathGraph(
        tuple(projects), tuple(nodes), tuple(edges), drawn, len(routes) - len(drawn), len(projects) - len(heads)
    )


def _with_versions(chains: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """The shortest path ends in the versionless package; when the evidence names exactly one version of
    it, that is the node meant (one node, not two). Duplicates that this creates are dropped."""
    versioned: dict[str, set[str]] = defaultdict(set)
    for chain in chains:
        for key in chain:
            if key.startswith("pkg:") and "@" in key[4:]:
                versioned[key.rsplit("@", 1)[0]].add(key)
    out: list[tuple[str, ...]] = []
    for chain in chains:
        t = tuple(next(iter(versioned[k])) if len(versioned.get(k, ())) == 1 else k for k in chain)
        if t not in out:
            out.append(t)
    return out


def path_text(chain: Iterable[str]) -> str:
    """A chain in words: ``billing-service → com.acme.platform:platform-web@3.0.0 → …``."""
    return " → ".join(short(k) for k in chain)
