"""SPDX loaders (JSON and tag-value): fixtures, bad input, corpus ground truth, parity, fuzzing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders.sbom.spdx_json import SpdxJsonLoader
from loaders.sbom.spdx_tagvalue import SpdxTagValueLoader
from planner.errors import ParseError
from planner.model import Project, Publishes, Resolved, Source, VersionDependency
from tests.conftest import FIXTURES, records_of

JSON, TV = SpdxJsonLoader(), SpdxTagValueLoader()
DIR = FIXTURES / "spdx"


def parse(loader, name: str):
    return loader.parse((DIR / name).read_text(), Source("acme", f"svc/{name}", f"fixtures/{name}"))


@pytest.mark.parametrize(
    ("loader", "name", "expected"),
    [
        (JSON, "app.spdx.json", True),
        (JSON, "alpine-spdx.json", True),
        (JSON, "oci-kubectl-linux-amd64-spdx-1.json", True),
        (JSON, "spdx3.0/appbomination.spdx3.json", True),
        (JSON, "OSS-NA-2023/SPDXVersion2.3/01-MinimalSBOM.json", True),
        (JSON, "spdx2.2/package.json", False),
        (JSON, "bom.json", False),
        (JSON, "app.spdx", False),
        (JSON, "spdx/notes.txt", False),
        (TV, "app.spdx", True),
        (TV, "sbom/app.spdx.tv", True),
        (TV, "app.spdx.json", False),
        (TV, "spdx.txt", False),
    ],
)
def test_matches_file_names(loader, name: str, expected: bool) -> None:
    assert loader.matches(name) is expected


def test_empty() -> None:
    result = parse(JSON, "empty.spdx.json")
    (project,) = records_of(result, Project)
    assert (project.key, project.purl, project.kind) == ("acme/svc#pkg:npm/app", "pkg:npm/app@1.0.0", "application")
    assert records_of(result, Publishes) == [Publishes(project.key, "pkg:npm/app")]
    assert records_of(result, Resolved) == [] and result.warnings == []


def test_one_package_document_describes_and_line() -> None:
    result = parse(JSON, "one-package.spdx.json")
    (res,) = records_of(result, Resolved)
    assert (res.version, res.depth, res.path) == ("pkg:npm/lodash@4.17.21", 1, ("pkg:npm/lodash@4.17.21",))
    line = (DIR / "one-package.spdx.json").read_text().splitlines()[res.location.line - 1]
    assert '"SPDXRef-lodash"' in line
    assert result.warnings == []


@pytest.mark.parametrize(("loader", "name"), [(JSON, "two-packages.spdx.json"), (TV, "two-packages.spdx")])
def test_two_packages_relationship_directions_scopes_and_warnings(loader, name: str) -> None:
    result = parse(loader, name)
    (project,) = records_of(result, Project)
    assert project.key == "acme/svc#pkg:npm/app"
    by = {r.version: r for r in records_of(result, Resolved)}
    assert set(by) == {"pkg:npm/a@1.0.0", "pkg:npm/b@2.0.0", "pkg:npm/jest@29.0.0"}  # versionInfo fills pkg:npm/b
    assert by["pkg:npm/a@1.0.0"].depth == 1  # DEPENDENCY_OF points the other way
    assert by["pkg:npm/b@2.0.0"].path == ("pkg:npm/a@1.0.0", "pkg:npm/b@2.0.0")
    jest = by["pkg:npm/jest@29.0.0"]
    assert (jest.scope, jest.raw_scope, jest.depth) == ("dev", "DEV_DEPENDENCY_OF", 1)
    assert [(v.version, v.package, v.resolved) for v in records_of(result, VersionDependency)] == [
        ("pkg:npm/a@1.0.0", "pkg:npm/b", "2.0.0")
    ]
    messages = sorted(w.message for w in result.warnings)
    assert messages == [
        "1 dependency reference(s) name no component, e.g. 'SPDXRef-ghost'",
        "1 package(s) without a purl skipped, e.g. 'mystery'",
    ]


def test_tag_value_empty_document() -> None:
    result = parse(TV, "empty.spdx")
    assert records_of(result, Project)[0].key == "acme/svc#pkg:generic/svc"
    assert ["describes no package" in w.message for w in result.warnings] == [True]


@pytest.mark.parametrize(
    ("loader", "name", "line", "reason"),
    [
        (JSON, "not-spdx.spdx.json", 1, "not an SPDX 2.x document"),
        (JSON, "not-json.spdx.json", 4, "malformed JSON"),
        (JSON, "spdx3.spdx.json", 1, "SPDX 3.0 (JSON-LD) is not supported yet"),
        (TV, "not-spdx.spdx", 1, "no SPDXVersion"),
    ],
)
def test_bad_fixture_is_a_parse_error(loader, name: str, line: int, reason: str) -> None:
    with pytest.raises(ParseError) as info:
        parse(loader, name)
    assert str(info.value).startswith(f"fixtures/{name}:{line}:") and reason in str(info.value)


@pytest.mark.parametrize(
    ("loader", "text", "reason"),
    [
        (JSON, "", "malformed JSON"),
        (JSON, "[]", "top level is not an object"),
        (JSON, '{"spdxVersion": "SPDX-3.0"}', "SPDX 3.0"),
        (JSON, '{"spdxVersion": 2}', "not an SPDX 2.x"),
        (JSON, "[" * 100_000, "malformed JSON|nested too deeply"),
        (JSON, "\x00\x01\x02", "malformed JSON"),
        (TV, "", "no SPDXVersion"),
        (TV, "SPDXVersion: SPDX-3.0\n", "SPDX 3.0 is not supported yet"),
        (TV, "SPDXVersion: 2.3\n", "not an SPDX 2.x"),
        (TV, "SPDXVersion: SPDX-2.3\nPackageComment: <text>never closed\n", "never closed"),
        (TV, "SPDXVersion: SPDX-2.3\n\x00\x01\n", "binary data"),
    ],
)
def test_bad_input_is_a_parse_error_with_path_and_line(loader, text: str, reason: str) -> None:
    with pytest.raises(ParseError) as info:
        loader.parse(text, Source("r", "x.spdx", "repo/x.spdx"))
    assert str(info.value).startswith("repo/x.spdx:")
    assert any(r in str(info.value) for r in reason.split("|"))


def test_duplicate_keys_and_unknown_version_are_warnings() -> None:
    text = '{"spdxVersion": "SPDX-2.9",\n "packages": [], "packages": []}'
    messages = [w.message for w in JSON.parse(text, Source("r", "a.spdx.json", "a.spdx.json")).warnings]
    assert any("duplicate key 'packages'" in m for m in messages)
    assert any("unknown SPDX version 'SPDX-2.9'" in m for m in messages)


def test_other_package_manager_locators_become_purls() -> None:
    doc = {
        "spdxVersion": "SPDX-2.2",
        "packages": [
            {"SPDXID": "SPDXRef-m", "name": "m", "externalRefs": [
                {"referenceCategory": "PACKAGE-MANAGER", "referenceType": "maven-central",
                 "referenceLocator": "org.apache.logging.log4j:log4j-core:2.14.1"}]},
            {"SPDXID": "SPDXRef-n", "name": "n", "versionInfo": "1.0.0", "externalRefs": [
                {"referenceCategory": "PACKAGE-MANAGER", "referenceType": "npm", "referenceLocator": "@s/n@1.0.0"}]},
        ],
    }  # fmt: skip
    result = JSON.parse(json.dumps(doc), Source("r", "a.spdx.json", "a.spdx.json"))
    assert {r.version for r in records_of(result, Resolved)} == {
        "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
        "pkg:npm/%40s/n@1.0.0",
    }


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=6), c, max_size=3),
    max_leaves=15,
)
ids = st.sampled_from(["SPDXRef-DOCUMENT", "SPDXRef-a", "SPDXRef-b", "NONE", "DocumentRef-x:y"]) | json_values
spdx_package = st.fixed_dictionaries(
    {},
    optional={
        "SPDXID": ids,
        "name": json_values,
        "versionInfo": json_values,
        "externalRefs": st.lists(
            st.fixed_dictionaries(
                {
                    "referenceCategory": st.sampled_from(["PACKAGE-MANAGER", "PACKAGE_MANAGER", "SECURITY"])
                    | json_values,
                    "referenceType": st.sampled_from(["purl", "npm", "maven-central"]) | json_values,
                    "referenceLocator": st.sampled_from(["pkg:npm/a@1", "pkg:npm/b", "bad", "g:a:1", "x@1"])
                    | json_values,
                }
            ),
            max_size=2,
        )
        | json_values,
    },
)
relationship = st.fixed_dictionaries(
    {
        "spdxElementId": ids,
        "relationshipType": st.sampled_from(["DEPENDS_ON", "DESCRIBES", "CONTAINS", "DEV_DEPENDENCY_OF"]) | json_values,
        "relatedSpdxElement": ids,
    }
)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    packages=st.lists(spdx_package, max_size=5) | json_values,
    relationships=st.lists(relationship, max_size=6) | json_values,
    describes=st.lists(ids, max_size=2) | json_values,
)
def test_fuzz_json_never_crashes(packages, relationships, describes) -> None:
    doc = {
        "spdxVersion": "SPDX-2.3",
        "packages": packages,
        "relationships": relationships,
        "documentDescribes": describes,
    }
    text = json.dumps(doc)
    result = JSON.parse(text, Source("r", "a.spdx.json", "a.spdx.json"))
    assert len(records_of(result, Project)) == 1
    # the same document in tag-value form must not crash either (and agree on what it resolves)
    if isinstance(packages, list) and isinstance(relationships, list):
        try:
            TV.parse(to_tag_value(doc), Source("r", "a.spdx", "a.spdx"))
        except ParseError as exc:
            assert str(exc).startswith("a.spdx:")


TV_BITS = st.sampled_from(
    ["SPDXVersion: SPDX-2.3", "SPDXID: SPDXRef-DOCUMENT", "PackageName: a", "SPDXID: SPDXRef-a", "PackageVersion: 1",
     "ExternalRef: PACKAGE-MANAGER purl pkg:npm/a@1", "ExternalRef: PACKAGE-MANAGER purl bad",
     "Relationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-a", "Relationship: SPDXRef-a DEPENDS_ON SPDXRef-b",
     "Relationship: x", "FileName: f", "PackageComment: <text>", "</text>", "# c", "junk", ""]
)  # fmt: skip


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TV_BITS | st.text(max_size=8), max_size=20))
def test_fuzz_tag_value_never_crashes(lines: list[str]) -> None:
    try:
        result = TV.parse("\n".join(lines), Source("r", "a.spdx", "a.spdx"))
    except ParseError as exc:
        assert str(exc).startswith("a.spdx:")
        return
    assert len(records_of(result, Project)) == 1


# ------------------------------------------------------------------------------------------- corpus


def to_tag_value(doc: dict) -> str:
    """SPDX JSON -> tag-value for the fields the loaders read (test-only converter)."""
    out = [f"SPDXVersion: {doc.get('spdxVersion')}", "SPDXID: SPDXRef-DOCUMENT"]
    for d in doc.get("documentDescribes") or [] if isinstance(doc.get("documentDescribes"), list) else []:
        out.append(f"DocumentDescribes: {d}")
    for p in doc.get("packages") or []:
        if not isinstance(p, dict):
            continue
        out.append(f"PackageName: {p.get('name')}")
        out.append(f"SPDXID: {p.get('SPDXID')}")
        if p.get("versionInfo") is not None:
            out.append(f"PackageVersion: {p.get('versionInfo')}")
        for r in p.get("externalRefs") or [] if isinstance(p.get("externalRefs"), list) else []:
            if isinstance(r, dict):
                out.append(
                    f"ExternalRef: {r.get('referenceCategory')} {r.get('referenceType')} {r.get('referenceLocator')}"
                )
    for r in doc.get("relationships") or []:
        if isinstance(r, dict):
            out.append(
                f"Relationship: {r.get('spdxElementId')} {r.get('relationshipType')} {r.get('relatedSpdxElement')}"
            )
    return "\n".join(str(x).replace("\n", " ") for x in out) + "\n"


CORPUS_SPDX = sorted(
    [
        "guacsec__guac/internal/testing/testdata/exampledata/oci-kubectl-linux-amd64-spdx-1.json",
        "guacsec__guac/internal/testing/testdata/exampledata/alpine-spdx.json",
        "spdx__spdx-examples/presentations/SBOMS-SPDX-Now-and-Future/ACME-v2.3.spdx.json",
        *[f"spdx__spdx-examples/presentations/OSS-NA-2023/SPDXVersion2.3/{n}" for n in (
            "01-MinimalSBOM.json", "02-SBOMwSource.json", "03-SBOMwDependency.json", "04-SBOMwSecurity.json",
            "05-SBOMwSourceLicense.json")],
        "spdx__spdx-examples/software/example10/spdx2.3/hello-source.spdx.json",
        "spdx__spdx-examples/software/example11/spdx2.3/sbom.spdx.json",
        "spdx__spdx-examples/software/example12/spdx2.2/hello-dist.spdx.json",
        "spdx__spdx-examples/software/example12/spdx2.2/hello-src.spdx.json",
        "spdx__spdx-examples/software/example14/content/examplemaven-0.0.1.spdx.json",
        "spdx__spdx-examples/software/example14/spdx2.3/examplemaven-0.0.1-enriched.spdx.json",
        "spdx__spdx-examples/software/example7/spdx2.2/example7-bin.spdx.json",
        "spdx__spdx-examples/software/example7/spdx2.2/example7-go-module.spdx.json",
        "spdx__spdx-examples/software/example7/spdx2.2/example7-golang.spdx.json",
        "spdx__spdx-examples/software/example7/spdx2.2/example7-third-party-modules.spdx.json",
        "spdx__spdx-examples/software/example8/spdx2.3/examplemaven-0.0.1.spdx.json",
        "spdx__spdx-examples/software/example9/spdx2.2/appbomination.spdx.json",
    ]
)  # fmt: skip
EXPLAINED = ("package(s) without a purl skipped", "describes no package", "the first,")


def _independent(doc: dict) -> tuple[set[str], int]:
    """(name@version of packages with a purl, minus the described root; count of purl-less non-root packages)."""
    from packageurl import PackageURL

    roots = set(doc.get("documentDescribes") or []) | {
        r["relatedSpdxElement"] for r in doc.get("relationships", []) if r["relationshipType"] == "DESCRIBES"
    }
    order = [p["SPDXID"] for p in doc["packages"] if p["SPDXID"] in roots]
    root = order[0] if order else None
    versions, no_purl = set(), 0
    for p in doc["packages"]:
        if p["SPDXID"] == root:
            continue
        refs = [r for r in p.get("externalRefs", []) if r["referenceType"] == "purl"]
        if not refs:
            no_purl += 1
            continue
        purl = PackageURL.from_string(refs[0]["referenceLocator"])
        version = purl.version or p.get("versionInfo")
        if version:
            versions.add(f"{purl.type}/{purl.namespace or ''}/{purl.name}@{version}")
    return versions, no_purl


@pytest.mark.corpus
@pytest.mark.parametrize("rel", CORPUS_SPDX)
def test_corpus_spdx_counts_match_an_independent_count(corpus: Path, rel: str) -> None:
    from packageurl import PackageURL

    text = (corpus / rel).read_text(encoding="utf-8-sig")
    assert JSON.matches(rel)
    result = JSON.parse(text, Source("corpus", rel, rel))
    expected, no_purl = _independent(json.loads(text))
    got = set()
    for r in records_of(result, Resolved):
        p = PackageURL.from_string(r.version)
        got.add(f"{p.type}/{p.namespace or ''}/{p.name}@{p.version}")
    assert got == expected
    for w in result.warnings:
        assert any(e in w.message for e in EXPLAINED), w
    assert any(f"{no_purl} package(s) without a purl" in w.message for w in result.warnings) == (no_purl > 0)
    tv = TV.parse(to_tag_value(json.loads(text)), Source("corpus", rel.replace(".json", ".spdx"), rel))
    assert {(r.version, r.depth, r.scope) for r in records_of(tv, Resolved)} == {
        (r.version, r.depth, r.scope) for r in records_of(result, Resolved)
    }


@pytest.mark.corpus
def test_kubectl_sbom_resolves_vulnerable_x_net(corpus: Path) -> None:
    rel = "guacsec__guac/internal/testing/testdata/exampledata/oci-kubectl-linux-amd64-spdx-1.json"
    text = (corpus / rel).read_text()
    doc = json.loads(text)
    assert (doc["spdxVersion"], len(doc["packages"]), len(doc["relationships"])) == ("SPDX-2.3", 89, 1382)
    result = JSON.parse(text, Source("corpus", rel, rel))
    (project,) = records_of(result, Project)
    assert project.ecosystem == "oci"
    net = next(r for r in records_of(result, Resolved) if r.version == "pkg:golang/golang.org/x/net@v0.13.0")
    assert net.depth == 1 and net.path == ("pkg:golang/golang.org/x/net@v0.13.0",)
    assert len(records_of(result, Resolved)) == 88 and result.warnings == []


@pytest.mark.corpus
def test_alpine_spdx_2_2(corpus: Path) -> None:
    rel = "guacsec__guac/internal/testing/testdata/exampledata/alpine-spdx.json"
    result = JSON.parse((corpus / rel).read_text(), Source("corpus", rel, rel))
    assert len(records_of(result, Resolved)) == 14
    assert all(r.version.startswith("pkg:alpine/") and r.depth is None for r in records_of(result, Resolved))


@pytest.mark.corpus
@pytest.mark.parametrize(
    "rel",
    [
        "spdx__spdx-examples/software/example14/spdx3.0/examplemaven-0.0.1-enriched.spdx3.json",
        "spdx__spdx-examples/software/example9/spdx3.0/appbomination.spdx3.json",
    ],
)
def test_spdx_3_is_a_clear_parse_error(corpus: Path, rel: str) -> None:
    assert JSON.matches(rel)
    with pytest.raises(ParseError, match=r"SPDX 3\.0 \(JSON-LD\) is not supported yet"):
        JSON.parse((corpus / rel).read_text(), Source("corpus", rel, rel))
