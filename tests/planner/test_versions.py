"""Version ordering per ecosystem, OSV range evaluation (the schema's own examples), fixes, corpus."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from univers import versions as uv

from planner import ecosystems
from planner import versions as V
from planner.versions import Event, Range


def entry(*events: tuple[str, str], type_: str = "ECOSYSTEM", versions: tuple[str, ...] = ()) -> dict:
    """One OSV affected entry with one range."""
    return {"ranges": [{"type": type_, "events": [{k: v} for k, v in events]}], "versions": list(versions)}


def ascending(ecosystem: str, order: list[str]) -> None:
    for i, a in enumerate(order):
        for b in order[i + 1 :]:
            assert V.compare(ecosystem, a, b) == -1, (a, b)
            assert V.compare(ecosystem, b, a) == 1, (b, a)


# -- orderings ---------------------------------------------------------------------------------


def test_maven_qualifier_order_of_comparable_version() -> None:
    # Maven's own ComparableVersionTest list: alpha < beta < milestone < rc=cr < snapshot < "" < sp < others
    ascending(
        "Maven",
        [
            "1-alpha2snapshot", "1-alpha2", "1-alpha-123", "1-beta-2", "1-beta123", "1-m2", "1-m11", "1-rc",
            "1-cr2", "1-rc123", "1-SNAPSHOT", "1", "1-sp", "1-sp2", "1-sp123", "1-abc", "1-def", "1-pom-1",
            "1-1-snapshot", "1-1", "1-2", "1-123",
        ],
    )  # fmt: skip


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("2.4", "2.4.0"),
        ("2.4", "2.4.0.0"),
        ("1", "1-0"),
        ("1.0-ga", "1"),
        ("1.0-final", "1.0"),
        ("1cr", "1rc"),
        ("1a1", "1-alpha-1"),
        ("1m3", "1-milestone-3"),
        ("1.0-RC1", "1.0-rc1"),
        ("2.0.0.Final", "2.0.0"),
        # univers lacks Maven 3.9's "release" alias; planner.versions rewrites it (see canary below)
        ("5.2.20.RELEASE", "5.2.20"),
        ("1release", "1"),
    ],
)
def test_maven_equal_spellings(a: str, b: str) -> None:
    assert V.compare("Maven", a, b) == 0


def test_univers_canary_maven_release_alias_and_hash() -> None:
    """What univers gets wrong for Maven: if this starts failing, univers changed; revisit versions.py."""
    assert uv.MavenVersion("1.0.RELEASE") > uv.MavenVersion("1.0")
    assert uv.MavenVersion("2.4") == uv.MavenVersion("2.4.0")
    assert hash(uv.MavenVersion("2.4")) != hash(uv.MavenVersion("2.4.0"))  # so ParsedVersion is unhashable
    with pytest.raises(TypeError):
        hash(V.parse("Maven", "2.4"))


def test_maven_snapshot_sorts_below_its_release_and_above_rc() -> None:
    ascending("Maven", ["2.17.0-rc1", "2.17.0-SNAPSHOT", "2.17.0", "2.17.0-sp1", "2.17.1"])


def test_npm_semver_precedence_from_the_spec() -> None:
    ascending(
        "npm",
        ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11",
         "1.0.0-rc.1", "1.0.0", "2.0.0", "2.1.0", "2.1.1"],
    )  # fmt: skip
    assert V.compare("npm", "1.0.0+build.1", "1.0.0") == 0
    assert V.compare("npm", "v1.2.3", "1.2.3") == 0


@pytest.mark.parametrize("bad", ["1.2", "01.2.3", "1.0.0.0", "1.0.0-", "1.0.0-01", "latest", "", "^1.2.3", "1.2.x"])
def test_semver_is_strict_where_univers_coerces(bad: str) -> None:
    assert V.parse("npm", bad) is None
    assert V.parse("crates.io", bad) is None


def test_univers_canary_semver_coercion() -> None:
    """univers SemverVersion accepts what SemVer 2.0 forbids: the reason for our strict regex."""
    assert str(uv.SemverVersion("1.2").value) == "1.2.0"
    assert str(uv.SemverVersion("1.0.0.0").value) == "1.0.0+0"


def test_go_pseudo_versions_sort_as_prereleases() -> None:
    ascending(
        "Go",
        ["v0.0.0-20190628185345-da137c7871d7", "v0.0.0-20230101000000-aaaaaaaaaaaa", "v0.1.0", "v0.13.0",
         "v0.17.0-pre.1", "v0.17.0", "v0.17.1-0.20231010000000-bbbbbbbbbbbb", "v0.17.1"],
    )  # fmt: skip
    assert V.compare("Go", "v2.0.0+incompatible", "2.0.0") == 0
    assert V.compare("Go", "1.21.0-0", "1.21.0") == -1
    assert V.parse("Go", "go1.21") is None


def test_pypi_is_pep440() -> None:
    ascending("PyPI", ["1.0.dev1", "1.0a1", "1.0b2", "1.0rc1", "1.0", "1.0.post1", "1.1", "2.31.0", "2.32.3", "1!0.1"])
    assert V.compare("PyPI", "1.0", "1.0.0") == 0
    assert V.parse("PyPI", "not a version") is None


def test_crates_rubygems_nuget() -> None:
    ascending("crates.io", ["0.1.19", "0.1.20", "1.0.0-alpha.1", "1.0.0"])
    ascending("RubyGems", ["1.0.0.a", "1.0.0.b", "1.0.0.pre1", "1.0.0", "1.0.1"])
    ascending("NuGet", ["1.0.0-alpha", "1.0.0-beta", "1.0.0", "1.0.0.1", "1.0.1"])
    assert V.compare("NuGet", "1.0.0-Beta", "1.0.0-beta") == 0
    assert V.parse("RubyGems", "") is None


def test_univers_canary_composer_is_semver_so_packagist_is_unsupported() -> None:
    # Composer orders dev < alpha < beta < RC; univers compares the strings as SemVer prereleases
    assert uv.ComposerVersion("1.0.0-RC1") < uv.ComposerVersion("1.0.0-beta1")
    assert uv.ComposerVersion("1.0.0-dev") > uv.ComposerVersion("1.0.0-alpha")
    assert not V.is_supported("Packagist")
    assert V.is_affected("Packagist", "1.0.0", entry(("introduced", "0"), ("fixed", "2.0.0"))) is None


def test_ecosystem_suffix_and_unknowns() -> None:
    assert ecosystems.base_osv_name("Maven:https://maven.google.com") == "Maven"
    assert V.compare("Maven:https://maven.google.com", "1.0", "1.0.0") == 0
    assert V.parse("Cobol", "1.0") is None
    assert V.compare("npm", "1.0.0", "nope") is None


# -- OSV evaluation: the schema's examples -------------------------------------------------------


def test_schema_example_unfixed() -> None:
    e = entry(("introduced", "0"), type_="SEMVER")
    assert all(V.is_affected("npm", v, e) for v in ["0.0.1", "1.0.0-alpha", "99.0.0"])


def test_schema_example_fixed() -> None:
    e = entry(("introduced", "0"), ("fixed", "1.0.2"), type_="SEMVER")
    assert V.is_affected("crates.io", "1.0.1", e) is True
    assert V.is_affected("crates.io", "1.0.2-rc.1", e) is True
    assert V.is_affected("crates.io", "1.0.2", e) is False
    assert V.is_affected("crates.io", "2.0.0", e) is False


@pytest.mark.parametrize(
    ("version", "expected"),
    [("0.9.0", False), ("1.0.0", True), ("1.0.1", True), ("1.0.2", False), ("2.9.9", False),
     ("3.0.0", True), ("3.2.4", True), ("3.2.5", False), ("4.0.0", False)],
)  # fmt: skip
def test_schema_example_multiple_ranges_in_one_range(version: str, expected: bool) -> None:
    e = entry(("introduced", "1.0.0"), ("fixed", "1.0.2"), ("introduced", "3.0.0"), ("fixed", "3.2.5"), type_="SEMVER")
    assert V.is_affected("npm", version, e) is expected


def test_schema_example_events_out_of_order_are_sorted() -> None:
    e = entry(("fixed", "3.2.5"), ("introduced", "3.0.0"), ("fixed", "1.0.2"), ("introduced", "1.0.0"), type_="SEMVER")
    assert [V.is_affected("npm", v, e) for v in ["1.0.1", "2.0.0", "3.1.0"]] == [True, False, True]


def test_schema_example_last_affected_vs_fixed() -> None:
    last = entry(("introduced", "0"), ("last_affected", "2.1.214"))
    fixed = entry(("introduced", "0"), ("fixed", "2.1.214"), type_="SEMVER")
    assert V.is_affected("Maven", "2.1.214", last) is True
    assert V.is_affected("Maven", "2.1.215", last) is False
    assert V.is_affected("npm", "2.1.214", fixed) is False
    assert V.is_affected("npm", "2.1.213", fixed) is True


def test_limit_events() -> None:
    e = entry(("introduced", "1.0.0"), ("limit", "2.0.0"), type_="SEMVER")
    assert V.is_affected("npm", "1.5.0", e) is True
    assert V.is_affected("npm", "2.0.0", e) is False
    star = entry(("introduced", "1.0.0"), ("limit", "*"), type_="SEMVER")
    assert V.is_affected("npm", "9.0.0", star) is True
    two = {"ranges": [{"type": "SEMVER", "events": [{"introduced": "1.0.0"}, {"limit": "1.5.0"}, {"limit": "3.0.0"}]}]}
    assert V.is_affected("npm", "2.0.0", two) is True  # below one of the limits


def test_schema_example_pikepdf_git_and_ecosystem_ranges_with_versions() -> None:
    e = {
        "ranges": [
            {"type": "GIT", "repo": "https://github.com/pikepdf/pikepdf",
             "events": [{"introduced": "0"}, {"fixed": "3f38f73218e5e782fe411ccbb3b44a793c0b343a"}]},
            {"type": "ECOSYSTEM", "events": [{"introduced": "2.8.0"}, {"fixed": "2.10.0"}]},
        ],
        "versions": ["2.8.0", "2.8.0.post1", "2.8.0.post2", "2.9.0", "2.9.1", "2.9.2"],
    }  # fmt: skip
    assert V.is_affected("PyPI", "2.8.0.post1", e) is True
    assert V.is_affected("PyPI", "2.9.5", e) is True  # in the ECOSYSTEM range though not listed
    assert V.is_affected("PyPI", "2.10.0", e) is False
    assert V.is_affected("PyPI", "2.7", e) is False


def test_git_only_is_unknown_unless_versions_are_listed() -> None:
    git = {"ranges": [{"type": "GIT", "repo": "r", "events": [{"introduced": "0"}, {"fixed": "abc"}]}]}
    assert V.is_affected("crates.io", "1.0.0", git) is None
    listed = {**git, "versions": ["v1.0", "v1.1"]}
    assert V.is_affected("crates.io", "v1.1", listed) is True
    assert V.is_affected("crates.io", "1.2.0", listed) is False


def test_versions_list_matches_by_ecosystem_equality() -> None:
    e = entry(versions=("2.4",))
    e["ranges"] = []
    assert V.is_affected("Maven", "2.4.0", e) is True
    assert V.is_affected("Maven", "2.5", e) is False


@pytest.mark.parametrize(
    ("ecosystem", "version", "e"),
    [
        ("Cobol", "1.0", entry(("introduced", "0"), ("fixed", "2"))),
        ("npm", "not-a-version", entry(("introduced", "0"), ("fixed", "1.0.0"))),
        ("npm", "1.0.0", entry(("introduced", "0"), ("fixed", "1.x"))),
        ("npm", "1.0.0", {"ranges": [{"type": "WEIRD", "events": [{"introduced": "0"}]}]}),
        ("npm", "1.0.0", {}),
    ],
)
def test_cannot_tell(ecosystem: str, version: str, e: dict) -> None:
    assert V.is_affected(ecosystem, version, e) is None


def test_semver_range_type_works_for_any_ecosystem() -> None:
    e = entry(("introduced", "0"), ("fixed", "1.0.0"), type_="SEMVER")
    assert V.is_affected("SwiftURL", "0.9.0", e) is True


def test_parsed_objects_are_accepted() -> None:
    rng = Range("ECOSYSTEM", (Event("introduced", "2.4"), Event("fixed", "2.12.2")))

    class Entry:
        ranges = (rng,)
        versions = ()

    assert V.is_affected("Maven", "2.4.0", Entry()) is True
    assert rng.as_json() == {"type": "ECOSYSTEM", "events": [{"introduced": "2.4"}, {"fixed": "2.12.2"}]}


# -- fixes --------------------------------------------------------------------------------------

LOG4J = [  # GHSA-jfh8 (44228), GHSA-7rjr (45046), GHSA-p6xc (45105), GHSA-8489 (44832), as OSV writes them
    entry(("introduced", "2.13.0"), ("fixed", "2.15.0")),
    entry(("introduced", "0"), ("fixed", "2.3.1")),
    entry(("introduced", "2.4"), ("fixed", "2.12.2")),
    entry(("introduced", "2.13.0"), ("fixed", "2.16.0")),
    entry(("introduced", "0"), ("fixed", "2.12.2")),
    entry(("introduced", "2.4.0"), ("fixed", "2.12.3")),
    entry(("introduced", "2.13.0"), ("fixed", "2.17.0")),
    entry(("introduced", "0"), ("fixed", "2.3.1")),
    entry(("introduced", "2.13.0"), ("fixed", "2.17.1")),
    entry(("introduced", "2.4"), ("fixed", "2.12.4")),
    entry(("introduced", "0"), ("fixed", "2.3.2")),
]


def test_fix_for_stays_on_the_branch_when_asked() -> None:
    assert V.fix_for("Maven", "2.12.1", LOG4J, same_branch=True) == "2.12.4"
    assert V.fix_for("Maven", "2.14.1", LOG4J, same_branch=True) is None
    assert V.fix_for("Maven", "2.14.1", LOG4J) == "2.17.1"
    # GHSA-7rjr lists [0, 2.12.2) with no 2.3.x fix, so the 2.3 line has no clearing release ...
    assert V.fix_for("Maven", "2.3", LOG4J, same_branch=True) is None
    assert V.fix_for("Maven", "2.3", LOG4J) == "2.12.4"
    # ... without that advisory it has one
    without_7rjr = LOG4J[:3] + LOG4J[5:]
    assert V.fix_for("Maven", "2.3", without_7rjr, same_branch=True) == "2.3.2"
    assert V.fix_for("Maven", "2.17.1", LOG4J) == "2.17.1"  # already clear
    assert V.fix_for("Maven", "2.26.1", LOG4J, same_branch=True) == "2.26.1"


def test_lowest_fixed_above_clears_every_entry() -> None:
    assert V.lowest_fixed_above("Maven", "2.14.1", LOG4J[:3]) == "2.15.0"
    assert V.lowest_fixed_above("Maven", "2.14.1", LOG4J[:7]) == "2.17.0"
    assert V.lowest_fixed_above("Maven", "2.17.1", LOG4J) is None
    assert V.lowest_fixed_above("npm", "junk", LOG4J) is None


def test_fixed_versions_sorted_by_ecosystem_and_skip_git() -> None:
    e = {
        "package": {"ecosystem": "Go", "name": "stdlib"},
        "ranges": [
            {"type": "SEMVER", "events": [{"introduced": "1.21.0-0"}, {"fixed": "1.21.3"}, {"introduced": "0"},
                                          {"fixed": "1.20.10"}]},
            {"type": "GIT", "repo": "r", "events": [{"introduced": "0"}, {"fixed": "deadbeef"}]},
        ],
    }  # fmt: skip
    assert V.fixed_versions(e) == ("1.20.10", "1.21.3")
    assert V.fixed_versions({"ranges": e["ranges"]}) == ("1.21.3", "1.20.10")  # no ecosystem: file order


def test_branch() -> None:
    assert V.branch("2.12.1") == (2, 12)
    assert V.branch("v0.13.0") == (0, 13)
    assert V.branch("5") == (5, 0)
    assert V.branch("abc") is None


# -- range checks -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("events", "type_", "fragment"),
    [
        ([("introduced", "2.0.0"), ("fixed", "1.0.0")], "SEMVER", "impossible range: fixed '1.0.0'"),
        ([("introduced", "2.0"), ("fixed", "2.0.0")], "ECOSYSTEM", "impossible range"),
        ([("introduced", "2.0.0"), ("last_affected", "1.9.9")], "SEMVER", "impossible range: last_affected"),
        ([("fixed", "1.0.0")], "SEMVER", "no 'introduced'"),
        ([("introduced", "0"), ("fixed", "1.0.0"), ("last_affected", "0.9.0")], "SEMVER", "both 'fixed'"),
        ([("introduced", "0"), ("fixed", "one")], "SEMVER", "'one' is not a SemVer version"),
        ([("introduced", "0")], "SVN", "unknown range type"),
    ],
)
def test_range_problems(events: list[tuple[str, str]], type_: str, fragment: str) -> None:
    rng = Range(type_, tuple(Event(k, v) for k, v in events))
    problems = V.range_problems("Maven", rng)
    assert any(fragment in p for p in problems), problems


def test_good_ranges_have_no_problems() -> None:
    events = [("introduced", "0"), ("fixed", "1.20.10"), ("introduced", "1.21.0-0"), ("fixed", "1.21.3")]
    stdlib = Range("SEMVER", tuple(Event(k, v) for k, v in events))
    assert V.range_problems("Go", stdlib) == []
    assert (
        V.range_problems("Maven", Range("ECOSYSTEM", (Event("introduced", "2.4"), Event("last_affected", "2.4.0"))))
        == []
    )


# -- corpus ground truth (INDEX.md §7 and "Advisory cross-checks") --------------------------------

GHSA = "github__advisory-database/advisories/github-reviewed"


def affected_of(corpus, rel: str) -> list[dict]:
    return json.loads((corpus / rel).read_text(encoding="utf-8"))["affected"]


def any_affected(ecosystem: str, version: str, entries: list[dict]) -> bool:
    return any(V.is_affected(ecosystem, version, e) for e in entries)


@pytest.mark.corpus
def test_corpus_log4shell(corpus) -> None:
    entries = affected_of(corpus, f"{GHSA}/2021/12/GHSA-jfh8-c2jp-5v3q/GHSA-jfh8-c2jp-5v3q.json")
    assert len(entries) == 3
    expected = {"2.14.1": True, "2.12.1": True, "2.12.2": False, "2.15.0": False, "2.3.0": True, "2.3.1": False,
                "2.26.1": False, "2.0-beta9": True, "2.4": True, "2.4.0": True, "2.13.0": True}  # fmt: skip
    assert {v: any_affected("Maven", v, entries) for v in expected} == expected


@pytest.mark.corpus
def test_corpus_introduced_2_4_and_2_4_0_are_the_same_version(corpus) -> None:
    jfh8 = affected_of(corpus, f"{GHSA}/2021/12/GHSA-jfh8-c2jp-5v3q/GHSA-jfh8-c2jp-5v3q.json")
    p6xc = affected_of(corpus, f"{GHSA}/2021/12/GHSA-p6xc-xr62-6r2g/GHSA-p6xc-xr62-6r2g.json")
    assert {"introduced": "2.4"} in jfh8[2]["ranges"][0]["events"]
    assert any({"introduced": "2.4.0"} in e["ranges"][0]["events"] for e in p6xc)
    for v in ("2.4", "2.4.0", "2.4.0.0"):
        assert any_affected("Maven", v, jfh8) and any_affected("Maven", v, p6xc)
    for v in ("2.3.9", "2.4-rc1"):  # below 2.4: only the [0, 2.3.1) ranges could catch them, and do not
        assert not any_affected("Maven", v, [jfh8[2]])
    assert not any_affected("Maven", "2.17.0", p6xc) and any_affected("Maven", "2.16.0", p6xc)


@pytest.mark.corpus
def test_corpus_lodash(corpus) -> None:
    entries = affected_of(corpus, f"{GHSA}/2020/07/GHSA-p6mc-m468-83gw/GHSA-p6mc-m468-83gw.json")
    assert sorted(e["package"]["name"] for e in entries) == ["lodash", "lodash-es"]
    lodash = [e for e in entries if e["package"]["name"] == "lodash"]
    assert any_affected("npm", "2.4.2", lodash)
    assert any_affected("npm", "4.17.19", lodash)
    for v in ("4.17.20", "4.17.21", "4.17.23", "4.17.25", "4.18.1"):
        assert not any_affected("npm", v, lodash), v


@pytest.mark.corpus
def test_corpus_requests(corpus) -> None:
    rel = f"{GHSA}/2023/05/GHSA-j8r2-6x86-q33q/GHSA-j8r2-6x86-q33q.json"
    assert "→" in (corpus / rel).read_text(encoding="utf-8")
    entries = affected_of(corpus, rel)
    assert any_affected("PyPI", "2.3.0", entries) and any_affected("PyPI", "2.30.0", entries)
    assert not any_affected("PyPI", "2.2.1", entries)
    assert not any_affected("PyPI", "2.31.0", entries)
    assert not any_affected("PyPI", "2.32.3", entries)


@pytest.mark.corpus
def test_corpus_go_rapid_reset(corpus) -> None:
    entries = affected_of(corpus, "golang__vulndb/data/osv/GO-2023-2102.json")
    net = [e for e in entries if e["package"]["name"] == "golang.org/x/net"]
    assert V.is_affected("Go", "v0.13.0", net[0]) is True
    assert V.is_affected("Go", "v0.17.0", net[0]) is False
    assert V.is_affected("Go", "v0.57.0", net[0]) is False
    assert V.is_affected("Go", "v0.0.0-20190628185345-da137c7871d7", net[0]) is True
    (stdlib,) = [e for e in entries if e["package"]["name"] == "stdlib"]
    (rng,) = stdlib["ranges"]
    assert [next(iter(ev)) for ev in rng["events"]] == ["introduced", "fixed", "introduced", "fixed"]
    expected = {"1.19.0": True, "1.20.9": True, "1.20.10": False, "1.20.14": False, "1.21.0-0": True,
                "1.21.0-rc.2": True, "1.21.0": True, "1.21.2": True, "1.21.3": False, "1.22.0": False}  # fmt: skip
    assert {v: V.is_affected("Go", v, stdlib) for v in expected} == expected
    assert V.fix_for("Go", "1.20.5", [stdlib], same_branch=True) == "1.20.10"
    assert V.fix_for("Go", "1.21.1", [stdlib], same_branch=True) == "1.21.3"


# -- fuzzing ------------------------------------------------------------------------------------

_ECOS = st.sampled_from(["Maven", "npm", "PyPI", "Go", "crates.io", "RubyGems", "NuGet", "Packagist", "Cobol", ""])
_VERSIONISH = st.one_of(
    st.text(max_size=20),
    st.from_regex(r"v?[0-9]{1,3}(\.[0-9]{1,3}){0,3}(-[a-zA-Z0-9.]{1,8})?(\+[a-z0-9]{1,4})?", fullmatch=True),
)
_EVENT = st.dictionaries(
    st.sampled_from([*V.EVENT_KINDS, "other"]), _VERSIONISH | st.integers(), min_size=0, max_size=2
)
_ENTRY = st.fixed_dictionaries(
    {
        "ranges": st.lists(
            st.fixed_dictionaries(
                {"type": st.sampled_from(["ECOSYSTEM", "SEMVER", "GIT", "X"]), "events": st.lists(_EVENT, max_size=5)}
            )
            | st.none()
            | st.text(max_size=3),
            max_size=3,
        ),
        "versions": st.lists(_VERSIONISH, max_size=3) | st.none(),
    }
)


@settings(max_examples=1000, deadline=None)
@given(_ECOS, _VERSIONISH, _ENTRY)
def test_fuzz_is_affected_never_raises(ecosystem: str, version: str, e: dict) -> None:
    assert V.is_affected(ecosystem, version, e) in (True, False, None)
    assert isinstance(V.fixed_versions(e, ecosystem), tuple)
    V.fix_for(ecosystem, version, [e], same_branch=True)


_SEMVER = st.from_regex(
    r"(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]?)\.(0|[1-9])(-(alpha|beta|rc|0|[1-9][0-9]?)(\.(0|[1-9]|x)){0,2})?",
    fullmatch=True,
)


@settings(max_examples=1000, deadline=None)
@given(st.sampled_from(["npm", "Go", "crates.io"]), _SEMVER, _SEMVER, _SEMVER)
def test_fuzz_semver_order_is_total_and_transitive(ecosystem: str, a: str, b: str, c: str) -> None:
    ab, ba = V.compare(ecosystem, a, b), V.compare(ecosystem, b, a)
    assert ab is not None and ab == -ba
    if ab <= 0 and V.compare(ecosystem, b, c) <= 0:
        assert V.compare(ecosystem, a, c) <= 0
