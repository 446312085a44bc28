"""OSV model and readers: files, advisory-database layouts, all.zip dumps, problems, corpus."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.advisories import osv
from tests.conftest import FIXTURES

DIR = FIXTURES / "osv"


def test_one_package_model() -> None:
    item = osv.read_file(DIR / "one-package.json")
    assert item.problems == ()
    a = item.advisory
    assert a.id == "GHSA-2222-3333-4444"
    assert a.aliases == ("CVE-2024-0001",)
    assert a.summary == "Path traversal in example-lib → remote read"
    assert (a.published, a.modified, a.withdrawn) == ("2024-03-01T09:00:00Z", "2024-03-05T10:00:00Z", None)
    (entry,) = a.affected
    assert entry.package == osv.Package("Maven", "com.example:example-lib", "pkg:maven/com.example/example-lib")
    assert entry.database_specific == {"last_known_affected_version_range": "< 1.2.0"}
    lines = (DIR / "one-package.json").read_text(encoding="utf-8").splitlines()
    assert entry.line == 12 and lines[entry.line - 2].strip() == '"affected": ['
    assert entry.fixed == ("1.2.0",)
    assert (entry.is_affected("1.0.0"), entry.is_affected("1.1.9"), entry.is_affected("1.2")) == (True, True, False)
    assert a.database_specific["severity"] == "HIGH"


def test_two_packages_grouped_by_purl_and_aliases_deduplicated() -> None:
    a = osv.read_file(DIR / "two-packages.json").advisory
    assert a.aliases == ("CVE-2024-0002",)
    groups = a.affected_packages()
    assert sorted(groups) == ["pkg:npm/%40acme/pad", "pkg:npm/left-pad"]
    assert len(groups["pkg:npm/left-pad"]) == 2
    assert groups["pkg:npm/left-pad"][1].ecosystem_specific == {"affected_functions": ["leftPad"]}
    (scoped,) = groups["pkg:npm/%40acme/pad"]
    assert scoped.versions == ("2.0.0-beta.1", "2.0.0", "2.1.0")
    assert scoped.is_affected("2.1.0") is True and scoped.is_affected("2.1.1") is False
    assert scoped.matchable() == {
        "ecosystem": "npm",
        "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "2.0.0-beta.1"}, {"last_affected": "2.1.0"}]}],
        "versions": ["2.0.0-beta.1", "2.0.0", "2.1.0"],
    }


def test_empty_and_withdrawn() -> None:
    assert osv.read_file(DIR / "empty.json").advisory.affected == ()
    w = osv.read_file(DIR / "withdrawn.json").advisory
    assert w.withdrawn == "2024-05-01T00:00:00Z"
    assert w.affected[0].package.purl == "pkg:pypi/example-pkg"


def test_problems_are_per_item_with_lines() -> None:
    item = osv.read_file(DIR / "problems.json")
    assert item.advisory is not None
    shown = [str(p) for p in item.problems]
    path = str(DIR / "problems.json")
    assert shown == [
        f"{path}:2: missing required field 'modified'",
        f"{path}:5: affected[0]: unknown ecosystem 'Cobol' for 'payroll'",
        f"{path}:11: affected[1] (backwards): impossible range: fixed '1.0.0' is not above introduced '2.0.0'",
        f"{path}:13: affected[2] has no package ecosystem and name; skipped",
        f"{path}:22: affected[4] (badversion): fixed '1.x' is not a SemVer version",
    ]
    # the entry without a package is dropped, the others are kept (Cobol without a purl)
    assert [a.package.name for a in item.advisory.affected] == ["payroll", "backwards", "gitonly", "badversion"]
    assert item.advisory.affected[0].package.purl is None
    assert item.advisory.affected[2].is_affected("1.0.0") is None  # GIT only


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("{", ":1: malformed JSON"),
        ('{"id": "X-1",\n "affected": [\n', ":3: malformed JSON"),
        ("[1, 2]", ":1: not an OSV record: top level is list"),
        ('{"summary": "no id"}', ":1: not an OSV record: no 'id'"),
        ('{"id": ""}', "no 'id'"),
        ("[" * 100_000, "nested too deeply"),
    ],
)
def test_unusable_files(text: str, fragment: str) -> None:
    item = osv.parse_text(text, "x/GHSA-2222-3333-4444.json")
    assert item.advisory is None
    (problem,) = item.problems
    assert str(problem).startswith("x/GHSA-2222-3333-4444.json:")
    assert fragment in str(problem)


@pytest.mark.parametrize(
    ("doc", "fragment"),
    [
        ({"affected": {"a": 1}}, "'affected' is not a list"),
        ({"affected": ["x"]}, "affected[0] is not an object"),
        (
            {"affected": [{"package": {"ecosystem": "Maven", "name": "no-colon"}, "versions": ["1"]}]},
            "not a valid Maven",
        ),
        ({"affected": [{"package": {"ecosystem": "npm", "name": "a"}, "ranges": "x"}]}, "ranges is not a list"),
        ({"affected": [{"package": {"ecosystem": "npm", "name": "a"}, "ranges": [7]}]}, "ranges[0] is not an object"),
        ({"affected": [{"package": {"ecosystem": "npm", "name": "a"}}]}, "no ranges and no versions"),
        (
            {
                "affected": [
                    {
                        "package": {"ecosystem": "npm", "name": "a"},
                        "ranges": [{"type": "SEMVER", "events": [{"introduced": "0", "fixed": "1.0.0"}]}],
                    }
                ]
            },
            "malformed events",
        ),
        ({"id": "GHSA-7777-8888-9999"}, "does not match the file name"),
    ],
)
def test_problem_table(doc: dict, fragment: str) -> None:
    body = {"id": "GHSA-2222-3333-4444", "modified": "2024-01-01T00:00:00Z", **doc}
    item = osv.parse_text(json.dumps(body, indent=1), "d/GHSA-2222-3333-4444.json")
    assert item.advisory is not None
    assert any(fragment in str(p) for p in item.problems), item.problems


def test_unknown_ecosystem_keeps_a_given_purl() -> None:
    package = {"ecosystem": "SwiftURL", "name": "https://x/y.git", "purl": "pkg:swift/x/y"}
    doc = {"id": "X-1", "modified": "m", "affected": [{"package": package, "versions": ["1"]}]}
    item = osv.parse_text(json.dumps(doc), "X-1.json")
    assert item.advisory.affected[0].package.purl == "pkg:swift/x/y"
    assert "unknown ecosystem 'SwiftURL'" in str(item.problems[0])


@pytest.mark.parametrize(
    ("ecosystem", "name", "purl"),
    [
        ("Maven", "org.apache.logging.log4j:log4j-core", "pkg:maven/org.apache.logging.log4j/log4j-core"),
        ("Maven:https://maven.google.com", "androidx.core:core", "pkg:maven/androidx.core/core"),
        ("npm", "lodash", "pkg:npm/lodash"),
        ("npm", "@babel/traverse", "pkg:npm/%40babel/traverse"),
        ("PyPI", "Requests", "pkg:pypi/requests"),
        ("Go", "golang.org/x/net", "pkg:golang/golang.org/x/net"),
        ("Go", "stdlib", "pkg:golang/stdlib"),
        ("crates.io", "http", "pkg:cargo/http"),
        ("RubyGems", "rails", "pkg:gem/rails"),
        ("Packagist", "symfony/http-kernel", "pkg:composer/symfony/http-kernel"),
        ("Maven", "bad", None),
        ("Cobol", "payroll", None),
        ("npm", " ", None),
    ],
)
def test_package_purl(ecosystem: str, name: str, purl: str | None) -> None:
    assert osv.package_purl(ecosystem, name) == purl


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("GHSA-jfh8-c2jp-5v3q.json", True),
        ("GO-2023-2102.json", True),
        ("PYSEC-2021-59.json", True),
        ("RUSTSEC-2019-0033.json", True),
        ("CVE-2021-44228.json", True),
        ("GHSA-jfh8-c2jp-5v3q.yaml", False),
        ("GHSA-abcd-efgh-ijkl.json", False),  # not GHSA's alphabet
        ("GO-2023-2102.json.bak", False),
        ("bom.json", False),
        ("go.json", False),
    ],
)
def test_osv_file_names(name: str, expected: bool) -> None:
    assert osv.is_osv_file_name(name) is expected


def test_read_dir_github_advisory_database_layout() -> None:
    items = list(osv.read_dir(DIR / "ghsa-db"))
    # notes.json (not an id) and the hidden .cache directory are skipped
    assert [Path(i.path).name for i in items] == ["GHSA-2222-3333-4444.json", "GHSA-5555-6666-7777.json"]
    assert all(i.problems == () for i in items)


def test_read_dir_go_vulndb_layout_reports_the_broken_file_and_goes_on() -> None:
    items = {Path(i.path).name: i for i in osv.read_dir(DIR / "vulndb")}
    assert sorted(items) == ["GO-2024-0005.json", "GO-2024-0006.json"]
    good = items["GO-2024-0005.json"].advisory
    stdlib = good.affected_packages()["pkg:golang/stdlib"][0]
    assert [stdlib.is_affected(v) for v in ("1.21.8", "1.21.9", "1.22.0-0", "1.22.1", "1.22.2")] == [
        True, False, True, True, False,
    ]  # fmt: skip
    bad = items["GO-2024-0006.json"]
    assert bad.advisory is None
    assert str(bad.problems[0]).endswith("GO-2024-0006.json:3: malformed JSON: Expecting value")


def test_read_dir_not_a_directory(tmp_path: Path) -> None:
    (item,) = osv.read_dir(tmp_path / "missing")
    assert "not a directory" in str(item.problems[0])


def test_read_zip_dump(tmp_path: Path) -> None:
    dump = tmp_path / "all.zip"
    with zipfile.ZipFile(dump, "w") as z:
        z.writestr("GHSA-2222-3333-4444.json", (DIR / "one-package.json").read_text(encoding="utf-8"))
        z.writestr("GO-2024-0005.json", (DIR / "vulndb/data/osv/GO-2024-0005.json").read_text())
        z.writestr("BROKEN-1.json", '{"id": ')
        z.writestr("latin1-1.json", b'{"id": "\xe9"}')
        z.writestr("README.txt", "ignored")
    items = list(osv.read_zip(dump))
    assert [i.path.rsplit("/", 1)[1] for i in items] == [
        "BROKEN-1.json", "GHSA-2222-3333-4444.json", "GO-2024-0005.json", "latin1-1.json",
    ]  # fmt: skip
    assert items[0].advisory is None and "malformed JSON" in str(items[0].problems[0])
    assert str(items[0].problems[0]).startswith(f"{dump}!/BROKEN-1.json:1:")
    assert items[1].advisory.id == "GHSA-2222-3333-4444" and items[2].advisory.id == "GO-2024-0005"
    assert "not UTF-8" in str(items[3].problems[0])


def test_read_zip_not_a_zip(tmp_path: Path) -> None:
    bad = tmp_path / "all.zip"
    bad.write_text("nope")
    (item,) = osv.read_zip(bad)
    assert item.advisory is None and "not a readable zip file" in str(item.problems[0])


def test_read_file_unreadable(tmp_path: Path) -> None:
    item = osv.read_file(tmp_path / "GHSA-2222-3333-4444.json")
    assert item.advisory is None and "cannot read" in str(item.problems[0])


# -- corpus ---------------------------------------------------------------------------------------


@pytest.mark.corpus
def test_corpus_databases_read_without_problems(corpus: Path) -> None:
    items = list(osv.read_dir(corpus / "github__advisory-database")) + list(osv.read_dir(corpus / "golang__vulndb"))
    on_disk = sorted(
        p.name for root in ("github__advisory-database", "golang__vulndb") for p in (corpus / root).rglob("*.json")
    )
    assert sorted(Path(i.path).name for i in items) == on_disk
    assert len(on_disk) == 6
    assert [str(p) for i in items for p in i.problems] == []
    by_id = {i.advisory.id: i.advisory for i in items}
    jfh8 = by_id["GHSA-jfh8-c2jp-5v3q"]
    assert len(jfh8.affected) == 3
    assert list(jfh8.affected_packages()) == ["pkg:maven/org.apache.logging.log4j/log4j-core"]
    assert sorted(by_id["GHSA-p6mc-m468-83gw"].affected_packages()) == ["pkg:npm/lodash", "pkg:npm/lodash-es"]
    assert by_id["GHSA-p6mc-m468-83gw"].affected[0].ecosystem_specific == {"affected_functions": ["lodash.baseSet"]}
    assert "→" in by_id["GHSA-j8r2-6x86-q33q"].details
    go = by_id["GO-2023-2102"]
    assert go.aliases == ("CVE-2023-44487", "CVE-2023-39325", "GHSA-4374-p667-p6c8")
    assert sorted(go.affected_packages()) == ["pkg:golang/golang.org/x/net", "pkg:golang/stdlib"]


# -- fuzzing ------------------------------------------------------------------------------------

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
_KEYS = st.sampled_from(["id", "modified", "affected", "package", "ranges", "events", "versions", "ecosystem", "name",
                         "type", "introduced", "fixed", "aliases", "withdrawn"])  # fmt: skip
_OSVISH = st.recursive(
    st.none() | st.text(max_size=8) | st.sampled_from(["Maven", "npm", "Go", "SEMVER", "ECOSYSTEM", "0", "1.0.0"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=5),
    max_leaves=30,
)


@settings(max_examples=1000, deadline=None)
@given(st.one_of(_JSON, _OSVISH))
def test_fuzz_parse_never_crashes(doc: object) -> None:
    item = osv.parse_text(json.dumps(doc), "f/GHSA-2222-3333-4444.json")
    assert item.advisory is not None or item.problems
    for a in item.advisory.affected if item.advisory else ():
        assert a.is_affected("1.0.0") in (True, False, None)


@settings(max_examples=1000, deadline=None)
@given(st.text(max_size=60))
def test_fuzz_text_never_crashes(text: str) -> None:
    item = osv.parse_text(text, "f.json")
    assert item.advisory is not None or item.problems
