"""Hand-written expected plans for small organisations (written before the planner).

Default durations: edit 0.5 h, build 0.5 h, publish 0.25 h, deploy 0.25 h, decide 1 h. The organisation
is ``tests/fixtures/plan/org.yaml``: a library chain lib0 <- lib1 <- lib2 <- svc, a cycle cyc-a <-> cyc-b
under svc2, a test-only project, a service whose image is not traceable and a project whose version is
unresolved.
"""

from __future__ import annotations

import networkx as nx
import pytest

from planner.errors import UsageError
from planner.policy import Policy, load_policy, parse_policy
from planner.waves import Target, build_plan
from tests.planner.plan_fixtures import FIXTURES, load_org


def times(plan) -> dict[str, tuple[float, float, int]]:
    return {s.id: (s.start, s.finish, s.wave) for s in plan.steps}


# --- default policy: services override, libraries propagate, unlimited CI ------------------------------------
DEFAULT = {
    "edit:lib0": (0.0, 0.5, 1),
    "build:lib0": (0.5, 1.0, 2),
    "publish:lib0": (1.0, 1.25, 3),
    "edit:lib1": (1.25, 1.75, 4),
    "build:lib1": (1.75, 2.25, 5),
    "publish:lib1": (2.25, 2.5, 6),
    "edit:lib2": (2.5, 3.0, 7),
    "build:lib2": (3.0, 3.5, 8),
    "publish:lib2": (3.5, 3.75, 9),
    # svc overrides log4j-core: no wait for lib2
    "edit:svc": (0.0, 0.5, 1),
    "build:svc": (0.5, 1.0, 2),
    "deploy:svc:staging:svc": (1.0, 1.25, 3),
    "deploy:svc:prod:svc": (1.25, 1.5, 4),
    # the cycle is fixed together: one edit/build/publish, durations summed over its two members
    "edit:cyc-a": (1.25, 2.25, 4),
    "build:cyc-a": (2.25, 3.25, 5),
    "publish:cyc-a": (3.25, 3.75, 6),
    "edit:svc2": (0.0, 0.5, 1),
    "build:svc2": (0.5, 1.0, 2),
    "deploy:svc2:prod:svc2": (1.0, 1.25, 3),
    # test-only: propagating costs nothing (it ends long before the makespan), so it propagates; no deploy
    "edit:it-tests": (1.25, 1.75, 4),
    "build:it-tests": (1.75, 2.25, 5),
    # direct use, image not traceable: fixed, built, and a decision for its owners
    "edit:legacy": (0.0, 0.5, 1),
    "build:legacy": (0.5, 1.0, 2),
    "decide:legacy:image": (0.0, 1.0, 1),
    "decide:mystery:unresolved": (0.0, 1.0, 1),
}


#: the policy of the hand-computed schedules below: the defaults, with every library fix in the fix phase
FIX_PHASE = Policy(defer_libraries=False)


def test_libraries_in_the_fix_phase_plan():
    g, target = load_org()
    plan = build_plan(g, target, FIX_PHASE)
    assert times(plan) == DEFAULT
    assert plan.makespan == 3.75
    assert plan.lower_bound == 3.75
    assert plan.ratio == 1.0
    assert plan.baseline.rounds == 4
    # round 0: lib0, legacy, mystery (1.25); round 1: lib1, the cycle, it-tests (2.5); round 2: lib2, svc2 (1.25);
    # round 3: svc (1.5)
    assert plan.baseline.makespan == 6.5
    assert plan.saved_hours == 2.75
    assert plan.cycles == (("cyc-a", "cyc-b"),)
    assert plan.strategies == {
        "cyc-a": "propagate",
        "cyc-b": "propagate",
        "it-tests": "propagate",
        "legacy": "direct",
        "lib0": "direct",
        "lib1": "propagate",
        "lib2": "propagate",
        "svc": "override",
        "svc2": "override",
    }
    assert [(d.project, d.reason) for d in plan.decisions] == [("legacy", "image"), ("mystery", "unresolved")]
    by_id = {s.id: s for s in plan.steps}
    assert by_id["edit:lib0"].change == "<log4j2.version>2.17.1</log4j2.version>"
    assert by_id["edit:lib0"].location == "pom.xml:14"
    assert by_id["edit:svc"].mechanism == "dependency-management"
    assert "<artifactId>log4j-core</artifactId>" in by_id["edit:svc"].change
    assert "<version>2.17.1</version>" in by_id["edit:svc"].change
    assert by_id["edit:lib1"].mechanism == "propagate"
    assert "com.acme:lib0" in by_id["edit:lib1"].change
    assert by_id["edit:legacy"].change == "log4j-core 2.14.1 → 2.17.1"
    assert set(by_id["edit:lib2"].depends_on) == {"publish:lib1"}
    assert by_id["edit:svc"].depends_on == ()
    assert by_id["deploy:svc:prod:svc"].depends_on == ("deploy:svc:staging:svc",)
    assert by_id["edit:cyc-a"].members == ("cyc-a", "cyc-b")
    assert by_id["decide:mystery:unresolved"].owners == ("@acme/unknown",)
    assert by_id["build:lib0"].verify == "mvn dependency:tree -Dincludes=org.apache.logging.log4j:log4j-core"
    assert not any(s.kind == "deploy" and s.project == "it-tests" for s in plan.steps)
    assert not any(s.project == "bystander" for s in plan.steps)


def test_default_policy_fixes_production_first():
    """defer_libraries is the default: svc and svc2 override and production is fixed at 1.5 h (frontier
    baseline 6.5 h); lib0 -> lib1 -> lib2 and the cycle, which no fix-phase step waits for, are
    republished after the fix phase, one 0.5 + 0.5 + 0.25 h level after the other."""
    g, target = load_org()
    plan = build_plan(g, target, Policy())
    assert plan.services_fixed == 1.5 and plan.baseline.services_fixed == 6.5
    assert plan.makespan == plan.lower_bound == 1.5
    got = times(plan)
    assert got["deploy:svc:prod:svc"] == (1.25, 1.5, 4)
    assert {k: v[:2] for k, v in got.items() if k.startswith("cleanup:") and "lib" in k} == {
        "cleanup:edit:lib0": (1.5, 2.0),
        "cleanup:build:lib0": (2.0, 2.5),
        "cleanup:publish:lib0": (2.5, 2.75),
        "cleanup:edit:lib1": (2.75, 3.25),
        "cleanup:build:lib1": (3.25, 3.75),
        "cleanup:publish:lib1": (3.75, 4.0),
        "cleanup:edit:lib2": (4.0, 4.5),
        "cleanup:build:lib2": (4.5, 5.0),
        "cleanup:publish:lib2": (5.0, 5.25),
    }
    assert plan.cleanup_finish == 5.25


def test_strict_policy_propagates_everywhere():
    g, target = load_org()
    plan = build_plan(g, target, load_policy(FIXTURES / "strict.depwave.yaml"))
    got = times(plan)
    expected = dict(DEFAULT)
    expected.update(
        {
            "edit:svc": (3.75, 4.25, 10),
            "build:svc": (4.25, 4.75, 11),
            "deploy:svc:staging:svc": (4.75, 5.0, 12),
            "deploy:svc:prod:svc": (5.0, 5.25, 13),
            "edit:svc2": (3.75, 4.25, 7),
            "build:svc2": (4.25, 4.75, 8),
            "deploy:svc2:prod:svc2": (4.75, 5.0, 9),
        }
    )
    assert got == expected
    assert plan.makespan == 5.25
    assert plan.lower_bound == 5.25
    assert plan.baseline.makespan == 6.5
    assert plan.saved_hours == 1.25
    assert plan.strategies["svc"] == "propagate"


def test_override_shortens_the_chain_plan():
    """lib0 <- lib1 <- lib2 <- svc: overriding in svc finishes production 3.75 h earlier than propagating."""
    chain = {"lib0", "lib1", "lib2", "svc"}
    g, target = load_org(only=chain)
    strict = build_plan(g, target, parse_policy({"strategies": {"services": ["propagate"]}}))
    fast = build_plan(g, target, FIX_PHASE)
    prod = "deploy:svc:prod:svc"
    assert times(strict)[prod] == (5.0, 5.25, 13)
    assert times(fast)[prod] == (1.25, 1.5, 4)
    assert strict.makespan == 5.25 and fast.makespan == 3.75
    assert strict.baseline.makespan == fast.baseline.makespan == 5.25
    assert strict.baseline.rounds == 4


def test_chain_with_one_ci_runner():
    """Capacity 1: svc's build fills the gaps of the library chain; the plan still meets its lower bound."""
    g, target = load_org(only={"lib0", "lib1", "lib2", "svc"})
    plan = build_plan(g, target, parse_policy({"capacity": {"org": 1}, "defer_libraries": False}))
    assert times(plan) == {
        "edit:lib0": (0.0, 0.5, 1),
        "edit:svc": (0.0, 0.5, 1),
        "build:lib0": (0.5, 1.0, 2),
        "publish:lib0": (1.0, 1.25, 3),
        "build:svc": (1.25, 1.75, 2),
        "edit:lib1": (1.25, 1.75, 4),
        "build:lib1": (1.75, 2.25, 5),
        "deploy:svc:staging:svc": (1.75, 2.0, 3),
        "deploy:svc:prod:svc": (2.0, 2.25, 4),
        "publish:lib1": (2.25, 2.5, 6),
        "edit:lib2": (2.5, 3.0, 7),
        "build:lib2": (3.0, 3.5, 8),
        "publish:lib2": (3.5, 3.75, 9),
    }
    assert plan.makespan == 3.75 and plan.lower_bound == 3.75
    assert plan.baseline.makespan == 5.25


def test_cleanup_wave_replaces_overrides_after_the_fix():
    g, target = load_org()
    plan = build_plan(g, target, load_policy(FIXTURES / "cleanup.depwave.yaml"))
    got = times(plan)
    assert {k: v for k, v in got.items() if not k.startswith("cleanup:")} == DEFAULT
    assert {k: v for k, v in got.items() if k.startswith("cleanup:")} == {
        "cleanup:edit:svc": (3.75, 4.25, 10),
        "cleanup:build:svc": (4.25, 4.75, 11),
        "cleanup:deploy:svc:staging:svc": (4.75, 5.0, 12),
        "cleanup:deploy:svc:prod:svc": (5.0, 5.25, 13),
        # clean-up waves are numbered after every fix wave (the last fix wave is 9: publish:lib2)
        "cleanup:edit:svc2": (3.75, 4.25, 10),
        "cleanup:build:svc2": (4.25, 4.75, 11),
        "cleanup:deploy:svc2:prod:svc2": (4.75, 5.0, 12),
    }
    assert plan.makespan == 3.75
    assert plan.cleanup_finish == 5.25
    assert set(plan.step("cleanup:edit:svc").depends_on) == {"publish:lib2", "deploy:svc:prod:svc"}


# --- defer_libraries: production first; library fixes nobody in the fix phase waits for come afterwards ------
DEFERRED = {
    # fix phase: every consumer of a library overrides, so no library fix is awaited
    "edit:svc": (0.0, 0.5, 1),
    "build:svc": (0.5, 1.0, 2),
    "deploy:svc:staging:svc": (1.0, 1.25, 3),
    "deploy:svc:prod:svc": (1.25, 1.5, 4),
    "edit:svc2": (0.0, 0.5, 1),
    "build:svc2": (0.5, 1.0, 2),
    "deploy:svc2:prod:svc2": (1.0, 1.25, 3),
    # test-only: with lib0 deferred, waiting for it would lengthen the fix phase, so it overrides
    "edit:it-tests": (0.0, 0.5, 1),
    "build:it-tests": (0.5, 1.0, 2),
    "edit:legacy": (0.0, 0.5, 1),
    "build:legacy": (0.5, 1.0, 2),
    "decide:legacy:image": (0.0, 1.0, 1),
    "decide:mystery:unresolved": (0.0, 1.0, 1),
    # clean-up phase, from the fix makespan 1.5 h, waves after the last fix wave (4)
    "cleanup:edit:lib0": (1.5, 2.0, 5),
    "cleanup:build:lib0": (2.0, 2.5, 6),
    "cleanup:publish:lib0": (2.5, 2.75, 7),
    "cleanup:edit:lib1": (2.75, 3.25, 8),
    "cleanup:build:lib1": (3.25, 3.75, 9),
    "cleanup:publish:lib1": (3.75, 4.0, 10),
    "cleanup:edit:lib2": (4.0, 4.5, 11),
    "cleanup:build:lib2": (4.5, 5.0, 12),
    "cleanup:publish:lib2": (5.0, 5.25, 13),
    "cleanup:edit:cyc-a": (2.75, 3.75, 8),
    "cleanup:build:cyc-a": (3.75, 4.75, 9),
    "cleanup:publish:cyc-a": (4.75, 5.25, 10),
}


def test_defer_libraries_fixes_production_first():
    g, target = load_org()
    plan = build_plan(g, target, parse_policy({"defer_libraries": True}))
    assert times(plan) == DEFERRED
    assert plan.makespan == 1.5 and plan.lower_bound == 1.5 and plan.ratio == 1.0
    assert plan.services_fixed == 1.5
    assert plan.cleanup_finish == 5.25
    assert plan.baseline.makespan == 6.5  # the frontier rounds never defer
    assert plan.saved_hours == 5.0
    by_id = {s.id: s for s in plan.steps}
    assert {s.phase for s in plan.steps if s.id.startswith("cleanup:")} == {"cleanup"}
    assert by_id["cleanup:edit:lib0"].strategy == "direct"
    assert by_id["cleanup:edit:lib0"].change == "<log4j2.version>2.17.1</log4j2.version>"
    assert by_id["cleanup:edit:lib1"].strategy == "propagate"
    assert by_id["cleanup:edit:lib1"].depends_on == ("cleanup:publish:lib0",)
    assert "→ its new release" in by_id["cleanup:edit:lib1"].change  # the step id only in depends_on
    assert "publish:" not in by_id["cleanup:edit:lib1"].change
    assert "override" not in by_id["cleanup:edit:lib1"].change
    assert plan.strategies["svc"] == plan.strategies["svc2"] == plan.strategies["it-tests"] == "override"


def test_defer_libraries_keeps_awaited_libraries_in_the_fix_phase():
    """A service that must propagate waits for its chain: that chain stays in the fix phase; the cycle,
    whose only consumer must override, is deferred."""
    g, target = load_org()
    repos = {"r-svc": {"strategies": {"services": ["propagate"]}}, "r-svc2": {"strategies": {"services": ["override"]}}}
    policy = parse_policy({"defer_libraries": True, "repos": repos})
    plan = build_plan(g, target, policy)
    phase = {s.id: s.phase for s in plan.steps}
    for lib in ("lib0", "lib1", "lib2"):
        assert phase[f"publish:{lib}"] == "fix"
    assert phase["cleanup:publish:cyc-a"] == "cleanup"
    assert "publish:cyc-a" not in phase
    assert plan.step("edit:svc").depends_on == ("publish:lib2",)
    assert plan.makespan == 5.25  # svc's prod deploy after the three-library chain
    assert plan.step("cleanup:edit:cyc-a").start == 5.25
    assert all(plan.step(d).finish <= s.start for s in plan.steps for d in s.depends_on)


def test_defer_libraries_with_cleanup_replaces_overrides_after_the_deferred_releases():
    g, target = load_org()
    plan = build_plan(g, target, parse_policy({"defer_libraries": True, "cleanup": True}))
    assert {k: v for k, v in times(plan).items() if k in DEFERRED} == DEFERRED
    step = plan.step("cleanup:edit:svc")
    assert set(step.depends_on) == {"cleanup:publish:lib2", "deploy:svc:prod:svc"}
    assert step.change.startswith("remove the dependency-management pin")
    assert "→ its new release" in step.change and "publish:" not in step.change
    assert plan.step("cleanup:deploy:svc:prod:svc").finish == plan.cleanup_finish == 6.75


def test_library_nobody_consumes_is_not_deferred():
    g, target = load_org(only={"lib0"})
    plan = build_plan(g, target, parse_policy({"defer_libraries": True}))
    assert [s.id for s in plan.steps] == ["edit:lib0", "build:lib0", "publish:lib0"]
    assert plan.cleanup_finish is None


def test_freeze_window_delays_prod_deploys():
    g, target = load_org()
    plan = build_plan(g, target, load_policy(FIXTURES / "freeze.depwave.yaml"))
    got = times(plan)
    assert got["deploy:svc:prod:svc"] == (3.0, 3.25, 4)
    assert got["deploy:svc2:prod:svc2"] == (3.0, 3.25, 3)
    assert got["deploy:svc:staging:svc"] == (1.0, 1.25, 3)
    assert plan.makespan == 3.75 and plan.lower_bound == 3.75


def test_per_repo_capacity_gives_the_stronger_lower_bound():
    """Four direct services in one repo with one runner: 2 h of builds in a row between 0.5 h of edits
    and 0.5 h of deploys; org-wide work/capacity alone would only give the 1.5 h critical path."""
    g = nx.DiGraph()
    for i in range(4):
        g.add_node(
            f"s{i}",
            name=f"s{i}",
            repo="mono",
            kind="service",
            ecosystem="npm",
            exposure="direct",
            vulnerable_version="4.17.15",
            edit_location=f"s{i}/package.json:7",  # four packages of a monorepo, one package.json each
            edit_kind="direct-dependency",
            deployments=[(f"s{i}", "staging"), (f"s{i}", "prod")],
        )
    policy = parse_policy({"repos": {"mono": {"capacity": 1}}})
    plan = build_plan(g, Target("pkg:npm/lodash", "4.17.21"), policy)
    assert plan.lower_bound == 3.0
    assert plan.makespan == 3.0
    builds = sorted((s.start, s.finish) for s in plan.steps if s.kind == "build")
    assert builds == [(0.5, 1.0), (1.0, 1.5), (1.5, 2.0), (2.0, 2.5)]
    assert plan.step("build:s0").verify == "npm ls lodash"


def test_override_mechanism_per_ecosystem():
    cases = {
        ("maven", "pom.xml:3"): "dependency-management",
        ("maven", "build.gradle.kts:12"): "gradle-constraint",
        ("npm", "package.json:4"): "npm-override",
        ("npm", "yarn.lock:4"): "yarn-resolution",
        ("npm", "pnpm-lock.yaml:9"): "pnpm-override",
        ("pypi", "requirements.txt:2"): "pip-constraint",
        ("cargo", "Cargo.toml:8"): "cargo-update-precise",
        ("golang", "go.mod:5"): "go-require",
    }
    for (eco, loc), mechanism in cases.items():
        g = nx.DiGraph()
        g.add_node(
            "lib",
            name="lib",
            repo="r1",
            kind="library",
            ecosystem=eco,
            exposure="direct",
            vulnerable_version="1.0.0",
            publishes=f"pkg:{eco}/lib",
        )
        g.add_node(
            "app",
            name="app",
            repo="r2",
            kind="service",
            ecosystem=eco,
            exposure="transitive",
            vulnerable_version="1.0.0",
            edit_location=loc,
            deployments=[("app", "prod")],
        )
        g.add_edge("app", "lib", pinned=True)
        plan = build_plan(g, Target(f"pkg:{eco}/dep", "1.0.1"), Policy())
        assert plan.step("edit:app").mechanism == mechanism, (eco, loc)


def test_go_direct_change_says_the_version_as_go_mod_writes_it():
    g = nx.DiGraph()
    g.add_node(
        "frontend",
        name="github.com/acme/shop/src/frontend",
        repo="shop",
        kind="service",
        ecosystem="golang",
        exposure="direct",
        vulnerable_version="v1.83.0",
        edit_location="src/frontend/go.mod:20",
        edit_kind="direct-dependency",
        deployments=[("frontend", "prod")],
    )
    plan = build_plan(g, Target("pkg:golang/google.golang.org/grpc", "1.84.0"), Policy())
    assert plan.step("edit:frontend").change == "grpc v1.83.0 → v1.84.0"


def test_never_override_across_major():
    g, target = load_org(only={"lib0", "lib1", "lib2", "svc"})
    g.nodes["svc"]["vulnerable_version"] = "1.2.17"
    plan = build_plan(g, target, Policy())
    assert plan.strategies["svc"] == "propagate"
    relaxed = build_plan(g, target, parse_policy({"never_override_across_major": False}))
    assert relaxed.strategies["svc"] == "override"


def test_no_allowed_strategy_is_a_decision():
    g, target = load_org(only={"lib0", "lib1"})
    plan = build_plan(g, target, parse_policy({"strategies": {"libraries": ["override"]}}))
    # lib1 overrides (allowed, no wait); now forbid both
    assert plan.strategies["lib1"] == "override"
    plan = build_plan(g, target, parse_policy({"strategies": {"libraries": []}}))
    assert [(d.project, d.reason) for d in plan.decisions] == [("lib1", "no-strategy")]
    assert "lib1" not in plan.strategies


def test_test_only_excluded_by_policy():
    g, target = load_org()
    plan = build_plan(g, target, parse_policy({"test_only": "exclude"}))
    assert not any(s.project == "it-tests" for s in plan.steps)
    assert plan.excluded == ("it-tests",)


def test_test_only_project_declaring_the_package_itself_is_fixed_directly():
    """it-tests also declares log4j-core itself (test scope): it bumps its own declaration, no wait for lib0."""
    g, target = load_org()
    g.nodes["it-tests"]["direct"] = True
    plan = build_plan(g, target, Policy())
    assert plan.strategies["it-tests"] == "direct"
    assert plan.step("edit:it-tests").depends_on == ()
    assert plan.step("edit:it-tests").change == "log4j-core 2.14.1 → 2.17.1"
    assert times(plan)["build:it-tests"] == (0.5, 1.0, 2)
    assert not any(s.kind == "deploy" and s.project == "it-tests" for s in plan.steps)


def test_empty_graph_and_unused_target_give_an_empty_plan():
    plan = build_plan(nx.DiGraph(), Target("pkg:maven/org.apache.logging.log4j/log4j-core", "2.17.1"), Policy())
    assert plan.steps == () and plan.makespan == 0 and plan.lower_bound == 0 and plan.ratio == 1.0
    assert plan.baseline.makespan == 0 and plan.baseline.rounds == 0
    g, target = load_org()
    for n in g.nodes:
        g.nodes[n]["exposure"] = None
    plan = build_plan(g, target, Policy())
    assert plan.steps == () and plan.decisions == ()


def test_fixed_version_lower_than_vulnerable_is_a_usage_error():
    g, _ = load_org()
    with pytest.raises(UsageError, match=r"fixed version 2\.12\.0 .*not higher than .*2\.14\.1"):
        build_plan(g, Target("pkg:maven/org.apache.logging.log4j/log4j-core", "2.12.0"), Policy())


def test_per_project_fixed_version_and_custom_comparator():
    g, _ = load_org(only={"lib0"})
    target = Target("pkg:maven/org.apache.logging.log4j/log4j-core", "2.17.1", per_project={"lib0": "2.12.4"})
    with pytest.raises(UsageError, match="lib0"):
        build_plan(g, target, Policy())
    # a caller's comparator that knows 2.12.4 is the fixed 2.12 branch release
    plan = build_plan(g, target, Policy(), compare=lambda a, b: 1)
    assert plan.step("edit:lib0").change == "<log4j2.version>2.12.4</log4j2.version>"


def test_cyclic_graph_of_only_a_cycle():
    g = nx.DiGraph()
    for k in ("a", "b", "c"):
        g.add_node(
            k,
            name=k,
            repo=f"r-{k}",
            kind="library",
            ecosystem="npm",
            exposure="direct",
            vulnerable_version="1.0.0",
            publishes=f"pkg:npm/{k}",
        )
    g.add_edges_from([("a", "b"), ("b", "c"), ("c", "a")])
    plan = build_plan(g, Target("pkg:npm/dep", "1.0.1"), Policy())
    assert plan.cycles == (("a", "b", "c"),)
    assert [s.id for s in plan.steps] == ["edit:a", "build:a", "publish:a"]
    assert plan.step("build:a").repos == ("r-a", "r-b", "r-c")
    assert plan.makespan == 3 * 1.25


@pytest.mark.parametrize(
    ("attrs", "message"),
    [
        ({"kind": "daemon"}, "kind"),
        ({"exposure": "sometimes"}, "exposure"),
        ({"deployments": "prod"}, "deployments"),
        ({"owners": "@me"}, "owners"),
        ({"image_traceable": "no"}, "image_traceable"),
        ({"direct": "yes"}, "direct must be true or false"),
    ],
)
def test_bad_node_attributes(attrs, message):
    g = nx.DiGraph()
    g.add_node("p", **{"name": "p", "repo": "r", "kind": "service", "exposure": "direct", **attrs})
    with pytest.raises(UsageError, match=message):
        build_plan(g, Target("pkg:npm/dep", "1.0.1"), Policy())


def test_bad_target():
    with pytest.raises(UsageError, match="purl"):
        build_plan(nx.DiGraph(), Target("log4j-core", "2.17.1"), Policy())
    with pytest.raises(UsageError, match="fixed version"):
        build_plan(nx.DiGraph(), Target("pkg:npm/x", ""), Policy())


def _two_services(called: set[str]) -> nx.DiGraph:
    g = nx.DiGraph()
    for name in ("alpha", "beta"):
        g.add_node(
            name,
            name=f"com.acme:{name}", repo=f"r-{name}", kind="service", ecosystem="maven", exposure="direct",
            vulnerable_version="2.14.1", edit_location="pom.xml:30", edit_kind="direct-dependency",
            deployments=[(name, "prod"), (name, "staging")], owners=["@acme/x"], called=name in called,
        )  # fmt: skip
    return g


def test_called_production_services_go_first_among_equals():
    """Two identical services and one CI runner: the builds are equally urgent, so by id alpha goes
    first; when only beta's code calls the vulnerable symbols (reachability), beta goes first. The
    makespan is the same (2 h)."""
    target = Target("pkg:maven/org.apache.logging.log4j/log4j-core", "2.17.1")
    policy = parse_policy({"capacity": {"org": 1}})
    plain = times(build_plan(_two_services(set()), target, policy))
    assert (plain["build:alpha"], plain["build:beta"]) == ((0.5, 1.0, 2), (1.0, 1.5, 2))
    assert (plain["deploy:alpha:prod:alpha"][1], plain["deploy:beta:prod:beta"][1]) == (1.5, 2.0)
    called = build_plan(_two_services({"beta"}), target, policy)
    got = times(called)
    assert (got["build:beta"], got["build:alpha"]) == ((0.5, 1.0, 2), (1.0, 1.5, 2))
    assert (got["deploy:beta:prod:beta"][1], got["deploy:alpha:prod:alpha"][1]) == (1.5, 2.0)
    assert called.makespan == 2.0


def test_each_pair_of_versions_is_compared_once():
    """The nine planned projects of org.yaml all move 2.14.1 to 2.17.1: one comparison; an uncomparable pair
    is skipped for every project that has it, as it was for each one alone."""
    g, target = load_org()
    calls: list[tuple[str, str]] = []

    def compare(a: str, b: str) -> int:
        calls.append((a, b))
        raise ValueError("cannot compare")

    plan = build_plan(g, target, Policy(), compare=compare)
    assert plan.steps
    assert calls == [("2.17.1", "2.14.1")]
