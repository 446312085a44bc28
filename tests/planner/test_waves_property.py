"""Properties of the wave planner over random organisations (DAGs plus random cycles) and policies."""

from __future__ import annotations

import networkx as nx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.policy import parse_policy
from planner.render import plan_view
from planner.waves import Target, build_plan

REPOS = ["r0", "r1", "r2", "r3"]
ECOSYSTEMS = [
    ("maven", "pom.xml:3"),
    ("maven", "build.gradle:9"),
    ("npm", "package.json:5"),
    ("npm", "yarn.lock:1"),
    ("pypi", "requirements.txt:2"),
    ("golang", "go.mod:4"),
    ("cargo", "Cargo.toml:7"),
    ("nuget", None),
]
SERVICES = ["api", "web", "worker"]
QUARTERS = st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0, 1.5])


@st.composite
def orgs(draw):
    n = draw(st.integers(min_value=0, max_value=10))
    g = nx.DiGraph()
    for i in range(n):
        kind = draw(st.sampled_from(["library", "service", "application", "test", "unknown"]))
        eco, loc = draw(st.sampled_from(ECOSYSTEMS))
        if loc and draw(st.booleans()):
            loc = f"p{i}/{loc}"  # its own manifest; otherwise a line at the root of the repository, maybe shared
        exposure = draw(st.sampled_from(["direct", "transitive", "transitive", "test-only", "unknown", None]))
        deployments = draw(
            st.lists(st.tuples(st.sampled_from(SERVICES), st.sampled_from(["dev", "staging", "prod"])), max_size=4)
        )
        g.add_node(
            f"p{i}",
            name=f"acme:p{i}",
            repo=draw(st.sampled_from(REPOS)),
            kind=kind,
            ecosystem=eco,
            exposure=exposure,
            vulnerable_version=draw(st.sampled_from(["2.14.1", "2.0.0", "1.2.17", None])),
            edit_location=loc,
            edit_kind=draw(st.sampled_from(["property", "direct-dependency", "bom-import", "lockfile-only", None])),
            property="log4j2.version",
            publishes=f"pkg:{eco}/p{i}" if kind == "library" or draw(st.booleans()) else None,
            deployments=deployments,
            owners=draw(st.lists(st.sampled_from(["@a", "@b", "@c"]), max_size=2)),
            image_traceable=draw(st.booleans()),
            path=f"p{i}",
            build_unit=draw(st.sampled_from([None, None, "u1", "u2"])),
            build_root=".",
        )
    for i in range(n):
        for j in draw(st.lists(st.integers(0, max(0, i - 1)), max_size=3)) if i else []:
            g.add_edge(f"p{i}", f"p{j}", pinned=draw(st.booleans()))
    for _ in range(draw(st.integers(0, 3))):  # back edges: cycles
        if n >= 2:
            a, b = draw(st.integers(0, n - 1)), draw(st.integers(0, n - 1))
            g.add_edge(f"p{a}", f"p{b}", pinned=True)
    return g


@st.composite
def policies(draw):
    strat = st.lists(st.sampled_from(["override", "propagate"]), unique=True, max_size=2)
    envs = draw(st.sampled_from([["staging", "prod"], ["dev", "staging", "prod"]]))
    freeze = []
    for _ in range(draw(st.integers(0, 3))):
        s = draw(QUARTERS)
        freeze.append({"environment": draw(st.sampled_from(envs)), "start": s, "end": s + draw(QUARTERS) + 0.25})
    data = {
        "strategies": {
            k: draw(strat)
            for k in draw(
                st.lists(st.sampled_from(["libraries", "services", "applications", "tests", "unknown"]), unique=True)
            )
        },
        "never_override_across_major": draw(st.booleans()),
        "test_only": draw(st.sampled_from(["build", "exclude"])),
        "durations": {
            k: draw(QUARTERS)
            for k in draw(
                st.lists(st.sampled_from(["edit", "build", "publish", "deploy", "relock", "decide"]), unique=True)
            )
        },
        "capacity": {
            "org": draw(st.one_of(st.none(), st.integers(1, 3))),
            "per_repo": draw(st.one_of(st.none(), st.integers(1, 2))),
            "kinds": draw(
                st.sampled_from([["build", "publish"], ["build"], ["build", "publish", "deploy"], ["edit", "build"]])
            ),
        },
        "repos": {
            r: {"capacity": draw(st.integers(1, 2)), "durations": {"build": draw(QUARTERS)}}
            for r in draw(st.lists(st.sampled_from(REPOS), unique=True, max_size=2))
        },
        "environments": envs,
        "staging_before_prod": draw(st.booleans()),
        "freeze": freeze,
        "cleanup": draw(st.booleans()),
        "defer_libraries": draw(st.booleans()),
    }
    return parse_policy(data)


def _cap_ok(plan, steps, cap, label):
    if cap is None:
        return
    for t in sorted({s.start for s in steps}):
        running = [s.id for s in steps if s.start <= t < s.finish]
        assert len(running) <= cap, (label, t, running)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(orgs(), policies())
def test_plan_invariants(g, policy):
    target = Target("pkg:maven/org.apache.logging.log4j/log4j-core", "2.17.1")
    plan = build_plan(g, target, policy, compare=lambda a, b: 1)
    by_id = {s.id: s for s in plan.steps}
    assert len(by_id) == len(plan.steps)
    # precedence
    for s in plan.steps:
        for d in s.depends_on:
            assert by_id[d].finish <= s.start, (d, s.id)
        assert s.finish == round(s.start + s.duration, 4) or abs(s.finish - s.start - s.duration) < 1e-3
    # capacity, org-wide and per repo
    ci = [s for s in plan.steps if s.ci and s.finish > s.start]
    _cap_ok(plan, ci, policy.capacity, "org")
    for repo in REPOS:
        _cap_ok(plan, [s for s in ci if repo in s.repos], policy.repo_capacity(repo), repo)
    # freeze windows
    for s in plan.steps:
        if s.kind != "deploy":
            continue
        for f in policy.freeze:
            if f.environment == s.environment:
                if s.finish > s.start:
                    assert s.finish <= f.start or s.start >= f.end, (s.id, f)
                else:
                    assert not (f.start <= s.start < f.end), (s.id, f)
    # every exposed production service is deployed to prod, or its owners must decide
    decided = {d.project for d in plan.decisions}
    decided |= {m for s in plan.steps if s.kind == "decide" for m in s.members}
    prod = set(policy.production_environments())
    for key, a in g.nodes(data=True):
        if a["exposure"] == "unknown":
            assert key in decided
        if a["exposure"] not in ("direct", "transitive") or a["kind"] == "test":
            continue
        if not a["image_traceable"] and a["kind"] in ("service", "application"):
            assert key in decided
        for service, env in a["deployments"]:
            if env in prod:
                assert f"deploy:{key}:{env}:{service}" in by_id or key in decided, (key, service, env)
    # fix-phase makespan, bound, clean-up after the fix
    fix = [s for s in plan.steps if s.phase == "fix"]
    assert plan.makespan == max((s.finish for s in fix), default=0)
    assert plan.makespan >= plan.lower_bound
    assert all(s.start >= plan.makespan for s in plan.steps if s.phase == "cleanup")
    # every exposed project is built exactly once per phase it is fixed in, or its owners decide
    built = [m for s in plan.steps if s.kind == "build" and s.phase == "fix" for m in s.members]
    deferred = [m for s in plan.steps if s.kind == "build" and s.id.startswith("cleanup:build:") for m in s.members]
    assert len(built) == len(set(built)) and len(deferred) == len(set(deferred))
    for key, a in g.nodes(data=True):
        if a["exposure"] in ("direct", "transitive") and key not in decided:
            assert key in built or key in deferred, key
    if not policy.defer_libraries:
        assert not (set(deferred) - set(built)), "only defer_libraries moves a fix to the clean-up phase"
    # waves are topological levels, the clean-up phase's after every fix wave
    last_fix = max((s.wave for s in fix), default=0)
    for s in plan.steps:
        floor = last_fix if s.phase == "cleanup" else 0
        same_phase = [by_id[d].wave for d in s.depends_on if by_id[d].phase == s.phase]
        assert s.wave == 1 + max(same_phase, default=floor)
        assert all(by_id[d].wave < s.wave for d in s.depends_on)
        assert s.phase == "fix" or s.wave > last_fix
    # never two steps of a phase editing the same file:line of a repository; one build per build unit
    for phase in ("fix", "cleanup"):
        editing: dict[tuple[str, str], str] = {}
        building: dict[str, str] = {}
        for s in plan.steps:
            if s.phase != phase or (s.id.startswith("cleanup:") and phase == "fix"):
                continue
            for m in s.members:
                a = g.nodes[m]
                if s.kind in ("edit", "relock") and a.get("edit_location"):
                    line = (a["repo"], a["edit_location"])
                    assert editing.setdefault(line, s.id) == s.id, (line, s.id, editing[line])
                if s.kind == "build" and a.get("build_unit"):
                    assert building.setdefault(a["build_unit"], s.id) == s.id, (a["build_unit"], s.id)
    # members built together never wait for each other's release
    for s in plan.steps:
        for d in s.depends_on:
            if by_id[d].kind in ("publish", "build") and s.kind in ("edit", "relock") and by_id[d].phase == s.phase:
                assert by_id[d].project != s.project, (s.id, d)
    # deterministic, byte for byte
    again = build_plan(g, target, policy, compare=lambda a, b: 1)
    for fmt in plan_view.FORMATS:
        assert plan_view.render(plan, fmt) == plan_view.render(again, fmt)
