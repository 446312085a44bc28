"""The report's figures and layouts on small hand-made documents (expected values worked out by hand)."""

from __future__ import annotations

from datetime import UTC, datetime
from html.parser import HTMLParser

from planner.render.report import ReportDocuments, model, render_html

LOG4J = "pkg:maven/org.apache.logging.log4j/log4j-core"
POLICY = {
    "production": ["prod"],
    "durations": {"edit": 0.5, "relock": 0.25, "build": 0.5, "publish": 0.25, "deploy": 0.25, "decide": 1.0},
    "repos": {"slow": {"durations": {"build": 2.0}}},
    "freeze": [],
    "start": None,
}


def step(sid, kind, start, finish, repo="a", owners=("@t1",), **extra):
    base = {
        "id": sid,
        "kind": kind,
        "phase": "fix",
        "project": f"{repo}/p",
        "members": [f"{repo}/p"],
        "name": f"{repo}-p",
        "repo": repo,
        "repos": [repo],
        "service": None,
        "environment": None,
        "change": None,
        "location": None,
        "owners": list(owners),
        "wave": 1,
        "start": start,
        "finish": finish,
    }
    return base | extra


def plan(steps, **extra):
    doc = {
        "schema": "depwave.plan/1",
        "target": {"package": LOG4J, "fixed_version": "2.17.1", "per_project": {}, "advisories": []},
        "policy": POLICY,
        "makespan": 2,
        "lower_bound": 2,
        "baseline": {"makespan": 3, "rounds": 2, "services_fixed": 3},
        "services_fixed": 1.5,
        "critical_path": [],
        "decisions": [],
        "cycles": [],
        "excluded": [],
        "steps": steps,
    }
    return doc | extra


def project(key, verdict, services=(), owners=("@t1",), repo="a", **extra):
    base = {
        "project": key,
        "name": key,
        "repo": repo,
        "kind": "service",
        "verdict": verdict,
        "reason": "",
        "direct": True,
        "versions": ["2.14.1"],
        "path": [key, LOG4J],
        "paths": [],
        "change_at": "pom.xml:12",
        "recommended": "2.17.1",
        "via": [],
        "services": [{"service": f"{e}/{n}", "name": n, "environment": e} for n, e in services],
        "owners": list(owners),
        "evidence": [],
    }
    return base | extra


def exposure(projects):
    counts = dict.fromkeys(("exposed", "exposed-test-only", "unknown", "declared-range-allows", "not-exposed"), 0)
    for p in projects:
        counts[p["verdict"]] += 1
    return {
        "schema": "depwave.exposure/1",
        "advisories": ["GHSA-jfh8-c2jp-5v3q"],
        "aliases": [],
        "summary": None,
        "packages": [{"package": LOG4J}],
        "counts": counts,
        "projects": projects,
        "problems": [],
    }


def test_headline_counts_exposed_production_services_once() -> None:
    exp = exposure(
        [
            project("billing", "exposed", [("billing", "prod"), ("billing", "staging")]),
            project("orders", "exposed", [("orders", "prod")], owners=("@t2",)),
            project("reports", "unknown", [("reports", "prod")]),
            project("tests", "exposed-test-only", [("tests", "prod")]),
            project("lib", "exposed"),
        ]
    )
    steps = [step("e1", "edit", 0, 0.5), step("e2", "edit", 0, 0.5, owners=("@t2", "@t3")), step("d", "decide", 0, 1)]
    steps[2]["owners"] = []
    steps.append(step("c", "build", 2, 2.5, phase="cleanup"))
    h = model.headline(exp, plan(steps, decisions=[{"name": "x"}]))
    # prod only, verdict exposed only: billing and orders (billing's staging deployment is not production)
    assert h.exposed_prod_services == ("prod/billing", "prod/orders")
    assert h.unknown_prod_services == ("prod/reports",)
    assert (h.services_fixed, h.baseline_services_fixed) == (1.5, 3)
    assert (h.steps, h.fix_steps, h.cleanup_steps, h.decisions) == (4, 3, 1, 1)
    assert h.owners == ("@t1", "@t2", "@t3")


def test_verdict_by_environment_counts_a_project_in_each_environment() -> None:
    exp = exposure(
        [
            project("billing", "exposed", [("billing", "prod"), ("billing", "staging")]),
            project("lib", "exposed"),
            project("tests", "exposed-test-only"),
        ]
    )
    columns, counts = model.verdict_by_environment(exp)
    assert columns == ["prod", "staging", "(not deployed)"]
    assert counts == {
        "exposed": {"prod": 1, "staging": 1, "(not deployed)": 1},
        "exposed-test-only": {"(not deployed)": 1},
    }


def test_gantt_lanes_keep_bars_of_a_row_apart() -> None:
    steps = [
        step("s1", "edit", 0, 1),
        step("s2", "edit", 0.5, 1.5),
        step("s3", "build", 1, 2),  # starts when s1 ends: back in lane 0
        step("s4", "edit", 0, 0.5, repo="b"),
    ]
    kind, rows = model.gantt_rows(plan(steps, critical_path=["s3"]), None, model.Timeline(0, None, None))
    assert kind == "repository"
    assert [r.label for r in rows] == ["a", "b"]
    lanes = {b.step["id"]: b.lane for b in rows[0].bars}
    assert lanes == {"s1": 0, "s2": 1, "s3": 0}
    assert rows[0].lanes == 2 and rows[1].lanes == 1
    assert [b.critical for b in rows[0].bars if b.step["id"] == "s3"] == [True]


def test_gantt_has_a_row_per_team_beyond_forty_repositories() -> None:
    steps = [step(f"s{i}", "edit", 0, 0.5, repo=f"r{i}", owners=(f"@team{i % 3}",)) for i in range(41)]
    kind, rows = model.gantt_rows(plan(steps), None, model.Timeline(0, None, None))
    assert kind == "team"
    assert sorted(r.label for r in rows) == ["@team0", "@team1", "@team2"]
    # 14 parallel edits in @team0: 8 lanes, 6 bars drawn over others
    team0 = next(r for r in rows if r.label == "@team0")
    assert (team0.lanes, team0.overflow) == (8, 6)


def test_campaign_timeline_shifts_what_remains_to_now_and_places_done_steps_when_marked() -> None:
    created = "2024-01-08T09:00:00+00:00"
    campaign = {
        "campaign": {"key": "log4shell", "created_at": created},
        "steps": [
            {"id": "e1", "state": "done", "updated_at": "2024-01-08T10:00:00+00:00"},
            {"id": "b1", "state": "in-pr", "updated_at": "2024-01-08T10:30:00+00:00"},
        ],
    }
    p = plan([step("e1", "build", 0, 0, repo="slow"), step("b1", "build", 0, 0.5)])
    when = model.timeline(p, campaign, datetime(2024, 1, 8, 11, 30, tzinfo=UTC))
    assert (when.offset, when.now) == (2.5, 2.5)
    _, rows = model.gantt_rows(p, campaign, when)
    bars = {b.step["id"]: b for r in rows for b in r.bars}
    # done at 10:00 = 1 h after creation; a build in "slow" takes 2 h under the policy: drawn from 0 (clamped) to 1
    assert (bars["e1"].start, bars["e1"].finish, bars["e1"].state) == (0.0, 1.0, "done")
    # re-planned from now: 0 -> 0.5 becomes 2.5 -> 3.0
    assert (bars["b1"].start, bars["b1"].finish, bars["b1"].state) == (2.5, 3.0, "in-pr")


def test_path_graph_merges_the_shortest_path_with_the_evidence_chains() -> None:
    chains = dict(
        path=["svc", "pkg:maven/g/lib@1.0", LOG4J],
        evidence=[
            {"chain": ["pkg:maven/g/lib@1.0", f"{LOG4J}@2.14.1"]},
            {"chain": ["pkg:maven/g/other@2.0", "pkg:maven/g/lib@1.0", f"{LOG4J}@2.14.1"]},
        ],
    )
    p = project("svc", "exposed", [("svc", "prod")], **chains)
    [g] = model.path_graphs(exposure([p, project("lib", "exposed")]))  # lib is not deployed: no graph
    # the versionless log4j-core of the shortest path is the 2.14.1 that the evidence names
    assert g.routes == (
        ("pkg:maven/g/lib@1.0", f"{LOG4J}@2.14.1"),
        ("pkg:maven/g/other@2.0", "pkg:maven/g/lib@1.0", f"{LOG4J}@2.14.1"),
    )
    layers = {k: (layer, role) for k, layer, _, role in g.nodes}
    # lib is at depth 1 on one chain and 2 on the other: the deepest wins, so log4j-core is at 3
    assert layers == {
        "svc": (0, "project"),
        "pkg:maven/g/lib@1.0": (2, "package"),
        f"{LOG4J}@2.14.1": (3, "vulnerable"),
        "pkg:maven/g/other@2.0": (1, "package"),
    }
    assert len(g.edges) == 4


def test_projects_with_the_same_route_below_them_share_one_graph() -> None:
    route = dict(path=["x", "pkg:maven/g/lib@1.0", f"{LOG4J}@2.14.1"])
    projects = [
        project(f"svc{i}", "exposed", [(f"svc{i}", "prod")], **(route | {"path": [f"svc{i}", *route["path"][1:]]}))
        for i in range(7)
    ]
    projects.append(project("odd", "unknown", [("odd", "prod")], path=["odd", f"{LOG4J}@2.14.1"]))
    graphs = model.path_graphs(exposure(projects))
    assert [len(g.projects) for g in graphs] == [7, 1]  # exposed first, then unknown
    shared = graphs[0]
    assert (shared.more_projects, shared.more_routes) == (2, 0)  # 5 project nodes drawn, 2 listed only
    assert sorted(k for k, layer, _, _ in shared.nodes if layer == 0) == [f"svc{i}" for i in range(5)]
    assert len(shared.edges) == 5 + 1  # each project to lib, lib to log4j-core


HOSTILE = "<script>alert(1)</script>\"><img src=x onerror=alert(2)>'&"
ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "svg", "defs", "pattern", "rect", "marker", "path", "header",
    "h1", "h2", "h3", "p", "b", "nav", "a", "form", "label", "input", "select", "option", "button", "output", "main",
    "section", "div", "span", "table", "caption", "thead", "tbody", "tr", "th", "td", "details", "summary", "code",
    "ul", "ol", "li", "desc", "g", "text", "line", "figure", "figcaption", "footer", "script",
}  # fmt: skip


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.handlers: list[tuple[str, str]] = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.scripts += tag == "script"
        self.handlers += [(tag, k) for k, _ in attrs if k.startswith("on") and not (tag == "form" and k == "onsubmit")]


def test_hostile_names_never_become_markup() -> None:
    """Every string a file can set (names, repos, owners, locations, changes, environments, advisories)
    carries markup; the page must contain no tag or event handler that the report does not write itself."""
    svc = project(
        HOSTILE,
        "exposed",
        [(HOSTILE, "prod"), ("x", HOSTILE)],
        owners=(HOSTILE,),
        repo=HOSTILE,
        change_at=HOSTILE,
        recommended=HOSTILE,
        versions=[HOSTILE],
        path=[HOSTILE, f"pkg:maven/{HOSTILE}/x@1", LOG4J],
        evidence=[{"version": HOSTILE, "affected": True, "chain": [f"pkg:maven/g/{HOSTILE}@1", f"{LOG4J}@1"]}],
    )
    exp = exposure([svc]) | {"advisories": [HOSTILE], "summary": HOSTILE, "problems": [HOSTILE]}
    steps = [
        step(
            HOSTILE,
            "deploy",
            0,
            1,
            repo=HOSTILE,
            owners=(HOSTILE,),
            name=HOSTILE,
            service=HOSTILE,
            environment=HOSTILE,
            change=HOSTILE,
            location=HOSTILE,
        )
    ]
    p = plan(steps, decisions=[{"name": HOSTILE, "reason": HOSTILE, "question": HOSTILE, "owners": [HOSTILE]}])
    p["policy"] = POLICY | {"freeze": [{"environment": HOSTILE, "start": 0, "end": 1}]}
    spread = {"package": LOG4J, "versions": [{"version": HOSTILE, "projects": 1, "repos": 1, "services": 1}]}
    text = render_html(ReportDocuments(exp, p, datetime(2024, 1, 1, tzinfo=UTC), [spread]), HOSTILE)
    parser = _Tags()
    parser.feed(text)
    assert set(parser.tags) <= ALLOWED_TAGS, set(parser.tags) - ALLOWED_TAGS
    assert "img" not in parser.tags
    assert parser.handlers == []
    assert parser.scripts == 1  # the report's own filter script, nothing else
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img" in text


def test_a_step_editing_files_of_two_repositories_names_each() -> None:
    """examples/' cycle: auth-client (acme-auth, pom.xml:34) and commons-util (acme-commons, pom.xml:32) are
    edited in one step filed under acme-auth."""
    from planner.render.report.page import where

    cycle = step("edit:cycle", "edit", 0, 1, repo="acme-auth", location="pom.xml:34, pom.xml:32")
    cycle["edits"] = [{"project": "auth", "location": "pom.xml:34"}, {"project": "commons", "location": "pom.xml:32"}]
    repos = {"auth": "acme-auth", "commons": "acme-commons"}
    assert where(cycle, repos) == "acme-auth: pom.xml:34; acme-commons: pom.xml:32"
    single = step("edit:one", "edit", 0, 1, location="pom.xml:32")
    single["edits"] = [{"project": "auth", "location": "pom.xml:32"}]
    assert where(single, repos) == "pom.xml:32"
