"""The end of the dependents walk (planner.unreached): once few projects are left unreached it asks only
about what can lead to them, and it stops when none is left. Each answer is written by hand from the
fixture (the full walk's answer) and checked with the narrowing on (the default: these organisations
have fewer than 64 projects) and off."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner import unreached
from planner.dependents import find_dependents
from planner.ingest import ingest
from tests.conftest import EXAMPLES, comp, sbom

T = "pkg:npm/t"


def _write(root: Path, projects: dict[str, list[tuple[str, list[str]]]]) -> None:
    """One repository per project ``name`` (``pkg:npm/<name>@1.0.0``), its SBOM stating ``(component,
    what it depends on)`` pairs, the project's own dependencies first."""
    for name, graph in projects.items():
        me = f"pkg:npm/{name}@1.0.0"
        components = sorted({c for ref, deps in graph for c in [ref, *deps] if c != me})
        doc = sbom(comp(me), [comp(c) for c in components], [{"ref": r, "dependsOn": d} for r, d in graph])
        (root / name).mkdir(parents=True)
        (root / name / "bom.json").write_text(json.dumps(doc))


def _key(name: str) -> str:
    return f"{name}/.#pkg:npm/{name}"


def _v(name: str, version: str = "1.0.0") -> str:
    return f"pkg:npm/{name}@{version}"


def _own(name: str, *deps: str) -> tuple[str, list[str]]:
    return (_v(name), list(deps))


#: a, b, b2, g resolve the target themselves; c uses library b, d uses c (two libraries deep); i uses b and
#: b2 (a tie: the same step, the same depth); e and f (which uses e) never reach the target.
ORG = {
    "a": [_own("a", _v("t"))],
    "b": [_own("b", _v("t", "2.0.0"))],
    "b2": [_own("b2", _v("t"))],
    "g": [_own("g", _v("t"), _v("t", "2.0.0"))],
    "c": [_own("c", _v("b"))],
    "d": [_own("d", _v("c"))],
    "i": [_own("i", _v("b"), _v("b2"))],
    "e": [_own("e", _v("x"))],
    "f": [_own("f", _v("e"))],
}

#: (project, relation, depth, versions, path) of each dependent, by hand from ORG
EXPECTED = [
    ("a", "resolves", 1, ["1.0.0"], [_key("a"), _v("t")]),
    ("b", "resolves", 1, ["2.0.0"], [_key("b"), _v("t", "2.0.0")]),
    ("b2", "resolves", 1, ["1.0.0"], [_key("b2"), _v("t")]),
    ("g", "resolves", 1, ["1.0.0", "2.0.0"], [_key("g"), _v("t")]),  # t@1.0.0 < t@2.0.0 at the same depth
    ("c", "via-library", 2, [], [_key("c"), _v("b"), _key("b"), _v("t", "2.0.0")]),
    # b2@1.0.0 sorts before b@1.0.0 ('2' < '@'): the tie goes to library b2
    ("i", "via-library", 2, [], [_key("i"), _v("b2"), _key("b2"), _v("t")]),
    ("d", "via-library", 3, [], [_key("d"), _v("c"), _key("c"), _v("b"), _key("b"), _v("t", "2.0.0")]),
]


def _answer(result) -> list[tuple]:
    return [
        (d.name, d.relation, d.depth, d.versions, [h.key for h in d.path], d.project, d.location)
        for d in result.dependents
    ]


def _expected(rows) -> list[tuple]:
    return [(n, rel, depth, vs, path, _key(n), "bom.json:1") for n, rel, depth, vs, path in rows]


class _Spy:
    """The queries a walk asks, with their parameters (a store wrapper)."""

    def __init__(self, store) -> None:
        self.store, self.asked = store, []

    def query(self, name, params=None):
        self.asked.append((name, params or {}))
        return self.store.query(name, params)

    def keys(self, name: str) -> list[list[str]]:
        return [sorted(p.get("keys") or p.get("projects") or []) for n, p in self.asked if n == name]


@pytest.fixture()
def org(store, tmp_path: Path):
    _write(tmp_path / "org", ORG)
    report = ingest(store, [tmp_path / "org"])
    assert not report.errors
    return store


@pytest.mark.parametrize("narrowed", [True, False])
def test_a_few_unreached_projects_reached_through_libraries(org, narrowed, monkeypatch) -> None:
    if not narrowed:
        monkeypatch.setattr(unreached, "UNREACHED_MAX", -1)
    spy = _Spy(org)
    assert _answer(find_dependents(spy, T)) == _expected(EXPECTED)  # type: ignore[arg-type]
    asked = spy.keys("list_project_dependents")
    first = sorted(_key(p) for p in ("a", "b", "b2", "g"))  # placed in the second step
    if narrowed:  # listed then: c, d, e, f, i are left, and neither a nor g leads to one of them
        leads = next(p["projects"] for n, p in spy.asked if n == "list_walk_successors")
        assert sorted(leads) == sorted(_key(p) for p in ("c", "d", "e", "f", "i"))
        assert spy.keys("list_project_keys") == [[]]  # listed once
        first = [_key("b"), _key("b2")]
    assert asked == [first, [_key("c"), _key("i")], [_key("d")]]


@pytest.mark.parametrize("narrowed", [True, False])
def test_the_walk_stops_when_every_project_is_placed(store, tmp_path: Path, narrowed, monkeypatch) -> None:
    """Without e and f every project reaches t: the last one, d, is placed two libraries deep, and then
    nothing is asked (its own library would lead nowhere new)."""
    _write(tmp_path / "org", {k: v for k, v in ORG.items() if k not in ("e", "f")})
    assert not ingest(store, [tmp_path / "org"]).errors
    if not narrowed:
        monkeypatch.setattr(unreached, "UNREACHED_MAX", -1)
    spy = _Spy(store)
    assert _answer(find_dependents(spy, T)) == _expected(EXPECTED)  # type: ignore[arg-type]
    asked = spy.keys("list_project_dependents")
    first = [_key("b"), _key("b2")] if narrowed else sorted(_key(p) for p in ("a", "b", "b2", "g"))
    assert asked == [first, [_key("c"), _key("i")]] + ([] if narrowed else [[_key("d")]])
    assert ("list_project_keys" in [n for n, _ in spy.asked]) is narrowed


#: s resolves t and y, and its SBOM states that y depends on library zp (which resolves t); m resolves only
#: y: it reaches t through the metadata edge s states, y@1.0.0 -DEPENDS_ON-> zp, and zp's project.
META_ORG = {
    "zp": [_own("zp", _v("t"))],
    "s": [_own("s", _v("t"), _v("y")), (_v("y"), [_v("zp")])],
    "m": [_own("m", _v("y"))],
    "e": [_own("e", _v("x"))],
}


@pytest.mark.parametrize("narrowed", [True, False])
def test_the_last_one_reached_through_a_metadata_edge(store, tmp_path: Path, narrowed, monkeypatch) -> None:
    _write(tmp_path / "org", META_ORG)
    assert not ingest(store, [tmp_path / "org"]).errors
    if not narrowed:
        monkeypatch.setattr(unreached, "UNREACHED_MAX", -1)
    spy = _Spy(store)
    assert _answer(find_dependents(spy, T)) == _expected(  # type: ignore[arg-type]
        [
            ("s", "resolves", 1, ["1.0.0"], [_key("s"), _v("t")]),
            ("zp", "resolves", 1, ["1.0.0"], [_key("zp"), _v("t")]),
            ("m", "via-library", 3, [], [_key("m"), _v("y"), "pkg:npm/zp", _key("zp"), _v("t")]),
        ]
    )
    # narrowed once s and zp are placed: m and e are left, and only zp leads to one of them (m)
    first = [_key("zp")] if narrowed else [_key("s"), _key("zp")]
    assert spy.keys("list_project_dependents") == [first, [_key("m")]]
    resolvers = spy.keys("list_version_resolvers")
    assert resolvers == ([[_v("y")]] if narrowed else [[_v("y"), _v("zp")]])


def test_a_versioned_target_and_a_depth_limit(org) -> None:
    """The target's own version first (only its resolvers are direct), and ``--depth 2``: d is three
    libraries away. Both as the full walk answers."""
    got = _answer(find_dependents(org, _v("t", "2.0.0")))
    assert got == _expected(
        [
            ("b", "resolves", 1, ["2.0.0"], [_key("b"), _v("t", "2.0.0")]),
            ("g", "resolves", 1, ["2.0.0"], [_key("g"), _v("t", "2.0.0")]),
            ("c", "via-library", 2, [], [_key("c"), _v("b"), _key("b"), _v("t", "2.0.0")]),
            ("i", "via-library", 2, [], [_key("i"), _v("b"), _key("b"), _v("t", "2.0.0")]),
            ("d", "via-library", 3, [], [_key("d"), _v("c"), _key("c"), _v("b"), _key("b"), _v("t", "2.0.0")]),
        ]
    )
    assert _answer(find_dependents(org, T, max_projects=2)) == _expected(EXPECTED[:-1])


def test_a_wide_reach_gives_the_narrowing_up(org, monkeypatch) -> None:
    """What the unreached projects reach is over REACH_MAX: the walk goes on as a full one."""
    monkeypatch.setattr(unreached, "REACH_MAX", 3)
    spy = _Spy(org)
    assert _answer(find_dependents(spy, T)) == _expected(EXPECTED)  # type: ignore[arg-type]
    assert spy.keys("list_project_dependents")[0] == sorted(_key(p) for p in ("a", "b", "b2", "g"))


def test_unreached_lists_only_when_few_are_left(org, monkeypatch) -> None:
    monkeypatch.setattr(unreached, "UNREACHED_MAX", 2)
    state = unreached.Unreached()
    unreached.narrow(org, state, ({_key("a")},), 1)  # 9 projects, 8 left: more than 2
    assert state.total == 9 and state.projects is None
    placed = {_key(p) for p in ("a", "b", "b2", "g", "c", "d", "i")}
    unreached.narrow(org, state, (placed,), len(placed))
    assert state.projects == {_key("e"), _key("f")}
    assert state.leads == {_key("e"), _key("f"), _v("x"), _v("e"), "pkg:npm/x", "pkg:npm/e"}
    assert unreached.keep(state, [_key("e"), _key("d"), "pkg:npm/e", T]) == [_key("e"), "pkg:npm/e"]
    assert not unreached.all_placed(state, placed) and unreached.all_placed(state, placed | state.projects)


def _both(store, monkeypatch, *args, **kwargs) -> tuple:
    """The answer narrowed (the default) and with the narrowing off."""
    narrowed = find_dependents(store, *args, **kwargs)
    with monkeypatch.context() as m:
        m.setattr(unreached, "UNREACHED_MAX", -1)
        return narrowed, find_dependents(store, *args, **kwargs)


def test_every_package_of_the_examples_as_the_full_walk(store, monkeypatch) -> None:
    """examples/ (11 projects: declarations, Maven scopes, workspace links, SBOMs) is narrowed from its
    first step on; every package, with and without the publishers' links and a depth limit, answers as
    the full walk."""
    ingest(store, [EXAMPLES])
    packages = sorted(r["k"] for r in store.run("MATCH (p:Package) RETURN p.key AS k"))
    assert len(packages) > 50
    for package in packages:
        for kwargs in ({"through_publishers": True}, {}, {"max_projects": 1}, {"max_projects": 2}):
            narrowed, full = _both(store, monkeypatch, package, **kwargs)
            assert narrowed == full, (package, kwargs)


THIRD_PARTY = [f"pkg:npm/tp{i}@1.0.{v}" for i in range(3) for v in range(2)]


@st.composite
def _orgs(draw):
    """Projects p0..pn publishing pkg:npm/p<i>; each uses some of the others' packages and third-party
    versions, some as test dependencies (CycloneDX ``excluded``: not passed on), with metadata edges."""
    n = draw(st.integers(min_value=1, max_value=8))
    org = {}
    for i in range(n):
        libs = draw(st.lists(st.integers(0, n - 1).filter(lambda j, i=i: j != i), max_size=3, unique=True))
        uses = [_v(f"p{j}") for j in libs] + draw(st.lists(st.sampled_from(THIRD_PARTY), max_size=3, unique=True))
        tests = draw(st.sets(st.sampled_from(uses))) if uses else set()
        meta = draw(st.lists(st.tuples(st.sampled_from(uses), st.sampled_from(uses)), max_size=3)) if uses else []
        org[f"p{i}"] = (uses, tests, [(a, b) for a, b in meta if a != b])
    target = draw(st.sampled_from(["pkg:npm/tp0", "pkg:npm/tp1", "pkg:npm/p0", "pkg:npm/tp2@1.0.1"]))
    return org, target


def _write_scoped(root: Path, org) -> None:
    for name, (uses, tests, meta) in org.items():
        me = _v(name)
        deps = [{"ref": me, "dependsOn": uses}] + [{"ref": a, "dependsOn": [b]} for a, b in meta]
        components = [comp(u, "excluded" if u in tests else None) for u in uses]
        (root / name).mkdir(parents=True)
        (root / name / "bom.json").write_text(json.dumps(sbom(comp(me), components, deps)))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=_orgs(), depth=st.sampled_from([None, 1, 2]))
def test_random_organisations_answer_as_the_full_walk(store, monkeypatch, case, depth) -> None:
    org, target = case
    store.reset()
    with tempfile.TemporaryDirectory() as tmp:
        _write_scoped(Path(tmp), org)
        assert not ingest(store, [Path(tmp)]).errors
    for publishers in (False, True):
        narrowed, full = _both(store, monkeypatch, target, max_projects=depth, through_publishers=publishers)
        assert narrowed == full
