"""OSV JSON loader: file names, standard fixtures, bad input table, corpus, fuzzing."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders.advisories.osv_json import OsvJsonLoader
from loaders.sbom.cyclonedx_json import CycloneDxJsonLoader
from planner import versions
from planner.errors import ParseError
from planner.model import Advisory, Affects, Source
from tests.conftest import FIXTURES, records_of

LOADER = OsvJsonLoader()
DIR = FIXTURES / "osv"


def parse(name: str, as_name: str):
    text = (DIR / name).read_text(encoding="utf-8")
    return LOADER.parse(text, Source("db", f"advisories/{as_name}", f"fixtures/{as_name}"))


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("advisories/github-reviewed/2021/12/GHSA-jfh8-c2jp-5v3q/GHSA-jfh8-c2jp-5v3q.json", True),
        ("GHSA-jfh8-c2jp-5v3q.json", True),
        ("data/osv/GO-2023-2102.json", True),
        ("PYSEC-2021-59.json", True),
        ("crates/http/RUSTSEC-2019-0033.json", True),
        ("MAL-2024-1234.json", True),
        ("osv/CVE-2021-44228.json", True),
        ("advisories/CVE-2021-44228.json", True),
        ("cves/2021/44xxx/CVE-2021-44228.json", False),  # CVE JSON 5 records, not OSV
        ("CVE-2021-44228.json", False),
        ("data/reports/GO-2023-2102.yaml", False),
        ("GHSA-jfh8-c2jp-5v3q.json.orig", False),
        ("ghsa.json", False),
        ("bom.json", False),
        ("GHSA-bom.json", False),
        ("package.json", False),
        ("go.sum", False),
    ],
)
def test_matches_file_names(path: str, expected: bool) -> None:
    assert LOADER.matches(path) is expected


@pytest.mark.parametrize("path", ["bom.json", "app.cdx.json", "sbom.json", "x-cyclonedx.json", "bom.1.4.json"])
def test_no_overlap_with_cyclonedx(path: str) -> None:
    assert CycloneDxJsonLoader().matches(path) and not LOADER.matches(path)


def test_empty() -> None:
    result = parse("empty.json", "OSV-2024-0001.json")
    assert result.records == [
        Advisory(
            "OSV-2024-0001", "An advisory that affects nothing", (), "2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z"
        )
    ]
    assert result.warnings == []


def test_one_package() -> None:
    result = parse("one-package.json", "GHSA-2222-3333-4444.json")
    (adv,) = records_of(result, Advisory)
    assert adv == Advisory(
        key="GHSA-2222-3333-4444",
        summary="Path traversal in example-lib → remote read",
        aliases=("CVE-2024-0001",),
        published="2024-03-01T09:00:00Z",
        modified="2024-03-05T10:00:00Z",
    )
    (aff,) = records_of(result, Affects)
    assert aff.advisory == "GHSA-2222-3333-4444"
    assert aff.package == "pkg:maven/com.example/example-lib"
    assert aff.fixed == ("1.2.0",)
    assert aff.ranges == (
        '{"ecosystem":"Maven","ranges":[{"events":[{"introduced":"1.0"},{"fixed":"1.2.0"}],"type":"ECOSYSTEM"}],'
        '"versions":[]}'
    )
    entry = versions.decode_entry(json.loads(aff.ranges))
    assert versions.is_affected(entry["ecosystem"], "1.1", entry) is True
    assert versions.is_affected(entry["ecosystem"], "1.2.0", entry) is False
    assert result.warnings == []


def test_two_packages_merge_entries_of_the_same_package() -> None:
    result = parse("two-packages.json", "GHSA-5555-6666-7777.json")
    affects = {a.package: a for a in records_of(result, Affects)}
    assert list(affects) == ["pkg:npm/%40acme/pad", "pkg:npm/left-pad"]
    left = affects["pkg:npm/left-pad"]
    assert left.fixed == ("1.3.1", "2.0.4")
    entry = json.loads(left.ranges)
    assert len(entry["ranges"]) == 2
    assert [versions.is_affected("npm", v, entry) for v in ("1.3.0", "1.3.1", "2.0.3", "2.0.4")] == [
        True,
        False,
        True,
        False,
    ]
    scoped = json.loads(affects["pkg:npm/%40acme/pad"].ranges)
    assert scoped["versions"] == ["2.0.0-beta.1", "2.0.0", "2.1.0"]
    assert affects["pkg:npm/%40acme/pad"].fixed == ()
    assert records_of(result, Advisory)[0].aliases == ("CVE-2024-0002",)


def test_withdrawn_records_the_advisory_but_no_affects() -> None:
    result = parse("withdrawn.json", "PYSEC-2024-0003.json")
    assert [type(r).__name__ for r in result.records] == ["Advisory"]
    assert [str(w) for w in result.warnings] == [
        "fixtures/PYSEC-2024-0003.json:1: withdrawn on 2024-05-01T00:00:00Z: no AFFECTS recorded"
    ]


def test_problems_become_warnings_and_usable_entries_are_kept() -> None:
    result = parse("problems.json", "RUSTSEC-2024-0004.json")
    shown = [str(w) for w in result.warnings]
    assert shown == [
        "fixtures/RUSTSEC-2024-0004.json:2: missing required field 'modified'",
        "fixtures/RUSTSEC-2024-0004.json:5: affected[0]: unknown ecosystem 'Cobol' for 'payroll'",
        "fixtures/RUSTSEC-2024-0004.json:11: affected[1] (backwards): impossible range: "
        "fixed '1.0.0' is not above introduced '2.0.0'",
        "fixtures/RUSTSEC-2024-0004.json:13: affected[2] has no package ecosystem and name; skipped",
        "fixtures/RUSTSEC-2024-0004.json:22: affected[4] (badversion): fixed '1.x' is not a SemVer version",
        "fixtures/RUSTSEC-2024-0004.json:5: Cobol package 'payroll' skipped: no purl",
    ]
    assert [a.package for a in records_of(result, Affects)] == [
        "pkg:cargo/backwards",
        "pkg:cargo/badversion",
        "pkg:cargo/gitonly",
    ]


def test_file_name_and_id_disagree() -> None:
    result = parse("one-package.json", "GHSA-7777-8888-9999.json")
    assert any("does not match the file name" in str(w) for w in result.warnings)


@pytest.mark.parametrize(
    ("text", "start", "fragment"),
    [
        ("", "fixtures/GO-2024-0001.json:1:", "malformed JSON"),
        ('{"id": "GO-2024-0001",\n  "affected": [\n', "fixtures/GO-2024-0001.json:3:", "malformed JSON"),
        ("[]", "fixtures/GO-2024-0001.json:1:", "top level is not an object"),
        ('{"summary": "x"}', "fixtures/GO-2024-0001.json:1:", "no 'id'"),
        ('{"id": 7}', "fixtures/GO-2024-0001.json:1:", "no 'id'"),
        ('{"id": "GO-2024-0001"}', "fixtures/GO-2024-0001.json:1:", "none of 'affected', 'modified', 'withdrawn'"),
        ((DIR / "not-osv.json").read_text(), "fixtures/GO-2024-0001.json:1:", "no 'id'"),
    ],
)
def test_bad_input(text: str, start: str, fragment: str) -> None:
    with pytest.raises(ParseError) as err:
        LOADER.parse(text, Source("db", "GO-2024-0001.json", "fixtures/GO-2024-0001.json"))
    assert str(err.value).startswith(start)
    assert fragment in str(err.value)


def test_duplicate_keys_are_warned() -> None:
    text = '{"id": "GO-2024-0001", "modified": "a", "modified": "b"}'
    result = LOADER.parse(text, Source("db", "GO-2024-0001.json", "GO-2024-0001.json"))
    assert "duplicate key 'modified'" in str(result.warnings[0])
    assert records_of(result, Advisory)[0].modified == "b"


# -- corpus -------------------------------------------------------------------------------------


def corpus_files(corpus: Path) -> list[Path]:
    roots = (corpus / "github__advisory-database", corpus / "golang__vulndb")
    return sorted(p for root in roots for p in root.rglob("*.json"))


@pytest.mark.corpus
def test_corpus_counts(corpus: Path) -> None:
    files = corpus_files(corpus)
    assert len(files) == 6
    for path in files:
        rel = str(path.relative_to(corpus))
        assert LOADER.matches(rel)
        text = path.read_text(encoding="utf-8")
        doc = json.loads(text)
        result = LOADER.parse(text, Source("corpus", rel, rel))
        assert result.warnings == []
        (adv,) = records_of(result, Advisory)
        assert (adv.key, adv.summary, list(adv.aliases)) == (doc["id"], doc["summary"], doc["aliases"])
        ranges_per_package: dict[str, int] = {}
        for a in doc["affected"]:
            key = independent_purl(a["package"]["ecosystem"], a["package"]["name"])
            ranges_per_package[key] = ranges_per_package.get(key, 0) + len(a["ranges"])
        affects = records_of(result, Affects)
        assert {a.package: len(json.loads(a.ranges)["ranges"]) for a in affects} == ranges_per_package, rel


def independent_purl(ecosystem: str, name: str) -> str:
    """The corpus's four ecosystems written out by hand (not through the loader's helpers)."""
    if ecosystem == "Maven":
        return "pkg:maven/" + name.replace(":", "/")
    return {"npm": "pkg:npm/", "PyPI": "pkg:pypi/", "Go": "pkg:golang/"}[ecosystem] + name.lower()


@pytest.mark.corpus
def test_corpus_ground_truth(corpus: Path) -> None:
    by_key: dict[tuple[str, str], Affects] = {}
    for path in corpus_files(corpus):
        rel = str(path.relative_to(corpus))
        for rec in records_of(LOADER.parse(path.read_text(encoding="utf-8"), Source("corpus", rel, rel)), Affects):
            by_key[(rec.advisory, rec.package)] = rec

    def affected(advisory: str, package: str, version: str) -> bool | None:
        entry = json.loads(by_key[(advisory, package)].ranges)
        return versions.is_affected(entry["ecosystem"], version, entry)

    log4j = "pkg:maven/org.apache.logging.log4j/log4j-core"
    assert by_key[("GHSA-jfh8-c2jp-5v3q", log4j)].fixed == ("2.3.1", "2.12.2", "2.15.0")
    expected = {"2.14.1": True, "2.12.1": True, "2.12.2": False, "2.15.0": False, "2.3.0": True, "2.3.1": False,
                "2.26.1": False}  # fmt: skip
    assert {v: affected("GHSA-jfh8-c2jp-5v3q", log4j, v) for v in expected} == expected
    for adv in ("GHSA-7rjr-3q55-vv33", "GHSA-p6xc-xr62-6r2g"):
        assert affected(adv, log4j, "2.26.1") is False
    assert affected("GHSA-p6xc-xr62-6r2g", log4j, "2.4") is affected("GHSA-jfh8-c2jp-5v3q", log4j, "2.4.0") is True
    assert affected("GHSA-p6mc-m468-83gw", "pkg:npm/lodash", "2.4.2") is True
    assert affected("GHSA-p6mc-m468-83gw", "pkg:npm/lodash", "4.17.21") is False
    assert affected("GHSA-p6mc-m468-83gw", "pkg:npm/lodash-es", "4.17.19") is True
    assert affected("GHSA-j8r2-6x86-q33q", "pkg:pypi/requests", "2.32.3") is False
    net = "pkg:golang/golang.org/x/net"
    assert affected("GO-2023-2102", net, "v0.13.0") is True
    assert affected("GO-2023-2102", net, "v0.57.0") is False
    assert affected("GO-2023-2102", net, "v0.0.0-20190628185345-da137c7871d7") is True
    assert by_key[("GO-2023-2102", "pkg:golang/stdlib")].fixed == ("1.20.10", "1.21.3")
    assert affected("GO-2023-2102", "pkg:golang/stdlib", "1.21.0") is True
    assert affected("GO-2023-2102", "pkg:golang/stdlib", "1.20.12") is False


# -- fuzzing ------------------------------------------------------------------------------------

_LEAF = st.none() | st.booleans() | st.integers() | st.text(max_size=6) | st.sampled_from(["0", "1.0.0", "npm", "Go"])
_KEYS = st.sampled_from(["id", "modified", "withdrawn", "affected", "package", "ecosystem", "name", "ranges",
                         "type", "events", "introduced", "fixed", "versions", "aliases", "summary"])  # fmt: skip
_DOC = st.recursive(
    _LEAF, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=6), max_leaves=40
)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_DOC)
def test_fuzz_never_crashes(doc: object) -> None:
    text = json.dumps(doc, indent=1)
    try:
        result = LOADER.parse(text, Source("r", "GO-2024-0001.json", "GO-2024-0001.json"))
    except ParseError as exc:
        assert str(exc).startswith("GO-2024-0001.json:")
        return
    assert len(records_of(result, Advisory)) == 1
    for aff in records_of(result, Affects):
        json.loads(aff.ranges)


@settings(max_examples=1000, deadline=None)
@given(st.text(max_size=80))
def test_fuzz_text_never_crashes(text: str) -> None:
    with contextlib.suppress(ParseError):
        LOADER.parse(text, Source("r", "GO-2024-0001.json", "GO-2024-0001.json"))
