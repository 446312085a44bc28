"""CycloneDX JSON loader: standard fixtures, bad input table, corpus counts, fuzzing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders.sbom.cyclonedx_json import CycloneDxJsonLoader
from planner.errors import ParseError
from planner.model import Project, Publishes, Resolved, Source, VersionDependency
from tests.conftest import FIXTURES, records_of

LOADER = CycloneDxJsonLoader()
DIR = FIXTURES / "cyclonedx"


def parse(name: str, repo: str = "acme"):
    text = (DIR / name).read_text()
    return LOADER.parse(text, Source(repo, f"svc/{name}", f"fixtures/{name}"))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("bom.json", True),
        ("bom.1.4.json", True),
        ("app.cdx.json", True),
        ("quarkus-deps-cyclonedx.json", True),
        ("sbom.json", True),
        ("SBOM/keycloak-10.0.2/bom.json", True),
        ("bom.xml", False),
        ("package.json", False),
        ("bomb.txt", False),
        ("kubectl-spdx.json", False),
        ("tsconfig.json", False),
    ],
)
def test_matches_file_names(name: str, expected: bool) -> None:
    assert LOADER.matches(name) is expected


def test_empty() -> None:
    result = parse("empty.cdx.json")
    (project,) = records_of(result, Project)
    assert project.key == "acme/svc#pkg:maven/com.example/app"
    assert project.name == "com.example:app"
    assert project.version == "1.0.0"
    assert project.kind == "application"
    assert records_of(result, Resolved) == []
    assert result.warnings == []


def test_one_package_is_direct_with_its_line() -> None:
    result = parse("one-package.cdx.json")
    (res,) = records_of(result, Resolved)
    assert res.version == "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"
    assert res.depth == 1
    assert res.scope == "runtime"
    assert res.path == ("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",)
    text = (DIR / "one-package.cdx.json").read_text().splitlines()
    assert '"bom-ref": "pkg:maven/org.apache.logging.log4j/log4j-core' in text[res.location.line - 1]
    assert records_of(result, Publishes) == [
        Publishes("acme/svc#pkg:maven/com.example/app", "pkg:maven/com.example/app")
    ]


def test_two_packages_transitive_chain_scope_and_metadata() -> None:
    result = parse("two-packages.cdx.json")
    by_version = {r.version: r for r in records_of(result, Resolved)}
    api = by_version["pkg:maven/org.apache.logging.log4j/log4j-api@2.14.1"]
    assert api.depth == 2
    assert api.scope == "optional"
    assert api.path == (
        "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
        "pkg:maven/org.apache.logging.log4j/log4j-api@2.14.1",
    )
    (dep,) = records_of(result, VersionDependency)
    assert dep.version == "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"
    assert dep.package == "pkg:maven/org.apache.logging.log4j/log4j-api"
    assert dep.resolved == "2.14.1"


def test_nested_components_are_read() -> None:
    result = parse("nested-components.cdx.json")
    depths = {r.version: r.depth for r in records_of(result, Resolved)}
    assert depths == {"pkg:npm/outer@1.0.0": 1, "pkg:npm/inner@2.0.0": 2}


def test_missing_dependency_reference_is_a_warning() -> None:
    result = parse("missing-depends-on.cdx.json")
    assert [r.version for r in records_of(result, Resolved)] == ["pkg:npm/a@1.0.0"]
    (warning,) = result.warnings
    assert "1 dependency reference(s) name no component" in warning.message and "'ghost'" in warning.message
    assert str(warning).startswith("fixtures/missing-depends-on.cdx.json:")


def test_no_metadata_names_project_after_directory_and_normalises_purls() -> None:
    result = parse("no-metadata.cdx.json")
    (project,) = records_of(result, Project)
    assert project.key == "acme/svc#pkg:generic/svc"
    assert [r.version for r in records_of(result, Resolved)] == ["pkg:pypi/requests@2.25.1"]
    assert any("no metadata.component" in w.message for w in result.warnings)
    assert records_of(result, Publishes) == []
    assert records_of(result, Resolved)[0].depth is None  # no dependency graph: depth unknown, not guessed


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "malformed JSON"),
        ('{"bomFormat": "CycloneDX",\n  "components": [\n', "malformed JSON"),
        ("[1, 2]", "top level is not an object"),
        ('{"spdxVersion": "SPDX-2.3"}', "bomFormat is None"),
        ('{"bomFormat": "SPDX"}', "bomFormat is 'SPDX'"),
        ("[" * 100_000, "malformed JSON|nested too deeply"),
    ],
)
def test_bad_input_is_a_parse_error_with_path_and_line(text: str, reason: str) -> None:
    with pytest.raises(ParseError) as info:
        LOADER.parse(text, Source("r", "bom.json", "repo/bom.json"))
    message = str(info.value)
    assert message.startswith("repo/bom.json:")
    assert any(part in message for part in reason.split("|"))


def test_truncated_file_reports_its_line() -> None:
    with pytest.raises(ParseError) as info:
        parse("not-json.cdx.json")
    assert info.value.line == 4


def test_duplicate_keys_and_unknown_spec_are_warnings() -> None:
    text = '{"bomFormat": "CycloneDX", "specVersion": "9.9",\n "components": [], "components": []}'
    result = LOADER.parse(text, Source("r", "bom.json", "bom.json"))
    messages = [w.message for w in result.warnings]
    assert any("duplicate key 'components'" in m for m in messages)
    assert any("unknown specVersion '9.9'" in m for m in messages)


def test_bad_purl_is_a_warning_not_a_crash() -> None:
    doc = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "components": [{"bom-ref": "x", "purl": "not a purl", "name": "x"}, {"bom-ref": "y", "purl": "pkg:npm/y@1"}],
    }
    result = LOADER.parse(json.dumps(doc), Source("r", "bom.json", "bom.json"))
    assert [r.version for r in records_of(result, Resolved)] == ["pkg:npm/y@1"]
    assert any("not a package URL" in w.message for w in result.warnings)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=25,
)
component_like = st.fixed_dictionaries(
    {},
    optional={
        "bom-ref": st.text(max_size=6) | json_values,
        "purl": st.sampled_from(["pkg:npm/a@1", "pkg:maven/g/a@2", "pkg:npm/a", "", "x"]) | json_values,
        "scope": st.sampled_from(["required", "optional", "excluded"]) | json_values,
        "version": st.text(max_size=4) | json_values,
        "components": st.lists(json_values, max_size=2),
        "properties": json_values,
    },
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    components=st.lists(component_like, max_size=6) | json_values,
    dependencies=json_values | st.lists(st.fixed_dictionaries({"ref": json_values, "dependsOn": json_values})),
    metadata=json_values | st.fixed_dictionaries({"component": component_like}),
)
def test_fuzz_never_crashes(components, dependencies, metadata) -> None:
    doc = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "components": components,
        "dependencies": dependencies,
        "metadata": metadata,
    }
    try:
        result = LOADER.parse(json.dumps(doc), Source("r", "bom.json", "bom.json"))
    except ParseError:
        return
    assert len(records_of(result, Project)) == 1


# ------------------------------------------------------------------------------------------- corpus


def _expected_versions(doc: dict) -> set[str]:
    """Independent count: distinct name@version of components with a purl, root excluded."""
    from packageurl import PackageURL

    root = ((doc.get("metadata") or {}).get("component") or {}).get("bom-ref")
    out: set[str] = set()
    stack = list(doc.get("components") or [])
    while stack:
        c = stack.pop()
        stack.extend(c.get("components") or [])
        if not c.get("purl") or c.get("bom-ref") == root:
            continue
        p = PackageURL.from_string(c["purl"])
        version = p.version or c.get("version")
        if version:
            out.add(f"{p.type}/{p.namespace}/{p.name}@{version}".lower())
    return out


CORPUS_SBOMS = [
    "CycloneDX__bom-examples/SBOM/keycloak-10.0.2/bom.json",
    "CycloneDX__bom-examples/SBOM/juice-shop/via_npm/bare/bom.1.4.json",
    "CycloneDX__cyclonedx-node-npm/demo/juice-shop/example-results/bare/bom.1.6.json",
    "CycloneDX__bom-examples/SBOM/laravel-7.12.0/bom.1.4.json",
    "guacsec__guac/internal/testing/testdata/exampledata/quarkus-deps-cyclonedx.json",
    "guacsec__guac/internal/testing/testdata/exampledata/big-mongo-cyclonedx.json",
    "guacsec__guac/internal/testing/testdata/exampledata/cyclonedx-components-nested.json",
]


@pytest.mark.corpus
@pytest.mark.parametrize("rel", CORPUS_SBOMS)
def test_corpus_sbom_counts_match_an_independent_count(corpus: Path, rel: str) -> None:
    path = corpus / rel
    text = path.read_text(encoding="utf-8-sig")
    result = LOADER.parse(text, Source("corpus", rel, str(path)))
    got = set()
    for r in records_of(result, Resolved):
        p = r.version.removeprefix("pkg:")
        got.add(p.lower().replace("%40", "@"))
    expected = {e.replace("/none/", "/").replace("%40", "@") for e in _expected_versions(json.loads(text))}
    assert len(got) == len(expected)


@pytest.mark.corpus
def test_keycloak_has_log4j_api_but_no_log4j_core(corpus: Path) -> None:
    path = corpus / "CycloneDX__bom-examples/SBOM/keycloak-10.0.2/bom.json"
    result = LOADER.parse(path.read_text(), Source("corpus", "keycloak/bom.json", str(path)))
    versions = {r.version for r in records_of(result, Resolved)}
    assert "pkg:maven/org.apache.logging.log4j/log4j-api@2.10.0" in versions
    assert "pkg:maven/log4j/log4j@1.2.17" in versions
    assert not any("log4j-core" in v for v in versions)


@pytest.mark.corpus
def test_juice_shop_has_both_lodash_versions(corpus: Path) -> None:
    path = corpus / "CycloneDX__cyclonedx-node-npm/demo/juice-shop/example-results/bare/bom.1.6.json"
    result = LOADER.parse(path.read_text(), Source("corpus", "bom.1.6.json", str(path)))
    versions = {r.version for r in records_of(result, Resolved)}
    assert {"pkg:npm/lodash@2.4.2", "pkg:npm/lodash@4.17.21"} <= versions
