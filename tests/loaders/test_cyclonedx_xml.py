"""CycloneDX XML loader: fixtures, bad input, parity with the JSON loader on the corpus, fuzzing."""

from __future__ import annotations

import json
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders.sbom.cyclonedx_json import CycloneDxJsonLoader
from loaders.sbom.cyclonedx_xml import CycloneDxXmlLoader
from planner.errors import ParseError
from planner.model import Project, Publishes, Resolved, Source, VersionDependency
from tests.conftest import FIXTURES, records_of

LOADER = CycloneDxXmlLoader()
DIR = FIXTURES / "cyclonedx_xml"


def parse(name: str):
    return LOADER.parse((DIR / name).read_text(), Source("acme", f"svc/{name}", f"fixtures/{name}"))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("bom.xml", True),
        ("bom.1.5.xml", True),
        ("app.cdx.xml", True),
        ("target/app-bom.xml", True),
        ("quarkus-cyclonedx.xml", True),
        ("pom.xml", False),
        ("struts2-bom/pom.xml", False),
        ("bom.json", False),
        ("bomb.txt", False),
        ("web.xml", False),
        ("tombola.xml", False),
    ],
)
def test_matches_file_names(name: str, expected: bool) -> None:
    assert LOADER.matches(name) is expected


def test_empty() -> None:
    result = parse("empty.cdx.xml")
    (project,) = records_of(result, Project)
    assert project.key == "acme/svc#pkg:maven/com.example/app"
    assert (project.name, project.version, project.kind) == ("com.example:app", "1.0.0", "application")
    assert records_of(result, Resolved) == [] and result.warnings == []


def test_one_package_is_direct_with_its_line() -> None:
    result = parse("one-package.cdx.xml")
    (res,) = records_of(result, Resolved)
    assert (res.version, res.depth, res.path) == (
        "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
        1,
        ("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",),
    )
    lines = (DIR / "one-package.cdx.xml").read_text().splitlines()
    assert "<component" in lines[res.location.line - 1] and "log4j-core" in lines[res.location.line - 1]
    assert records_of(result, Publishes) == [
        Publishes("acme/svc#pkg:maven/com.example/app", "pkg:maven/com.example/app")
    ]
    assert result.warnings == []


def test_two_packages_prefixed_namespace_nested_scope_dev_and_warnings() -> None:
    result = parse("two-packages.cdx.xml")
    by = {r.version: r for r in records_of(result, Resolved)}
    assert by["pkg:npm/outer@1.0.0"].depth == 1
    inner = by["pkg:npm/inner@2.0.0"]
    assert (inner.depth, inner.scope, inner.path) == (2, "optional", ("pkg:npm/outer@1.0.0", "pkg:npm/inner@2.0.0"))
    assert (by["pkg:npm/devtool@3.0.0"].scope, by["pkg:npm/devtool@3.0.0"].raw_scope) == ("dev", "development")
    (dep,) = [d for d in records_of(result, VersionDependency) if d.version == "pkg:npm/outer@1.0.0"]
    assert (dep.package, dep.resolved) == ("pkg:npm/inner", "2.0.0")
    messages = [w.message for w in result.warnings]
    assert any("1 dependency reference(s) name no component, e.g. 'ghost'" in m for m in messages)
    assert any("1 component(s) without a purl skipped, e.g. 'no-purl'" in m for m in messages)


@pytest.mark.parametrize(
    ("name", "line", "reason"),
    [
        ("not-cyclonedx.cdx.xml", 2, "root element is <project>"),
        ("not-xml.cdx.xml", 4, "malformed XML"),
        ("bomb.cdx.xml", 3, "refused unsafe XML"),
    ],
)
def test_bad_fixture_is_a_parse_error(name: str, line: int, reason: str) -> None:
    with pytest.raises(ParseError) as info:
        parse(name)
    assert str(info.value).startswith(f"fixtures/{name}:{line}:") and reason in str(info.value)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "malformed XML"),
        ("\x00\x01\x02binary", "malformed XML"),
        ("<bom><components>", "malformed XML"),
        ("<bom/>", "no CycloneDX namespace"),
        ('<bom xmlns="http://example.com/x"/>', "no CycloneDX namespace"),
        ('<?xml version="1.0"?>\n<!DOCTYPE x SYSTEM "http://evil/x.dtd">\n<bom/>', "unsafe XML|no CycloneDX"),
        ('<!DOCTYPE b [<!ENTITY e SYSTEM "file:///etc/passwd">]><bom>&e;</bom>', "unsafe XML"),
        ("<a>" * 50_000, "malformed XML"),
    ],
)
def test_bad_input_is_a_parse_error_with_path_and_line(text: str, reason: str) -> None:
    with pytest.raises(ParseError) as info:
        LOADER.parse(text, Source("r", "bom.xml", "repo/bom.xml"))
    assert str(info.value).startswith("repo/bom.xml:")
    assert any(r in str(info.value) for r in reason.split("|"))


def test_unknown_version_is_a_warning() -> None:
    result = LOADER.parse('<bom xmlns="http://cyclonedx.org/schema/bom/9.9"/>', Source("r", "bom.xml", "bom.xml"))
    assert any("unknown CycloneDX version '9.9'" in w.message for w in result.warnings)


# ---------------------------------------------------------------- an independent JSON -> XML converter


def to_xml(doc: dict, spec: str = "1.5") -> str:
    """CycloneDX JSON -> XML for the parts the loaders read (a test-only, spec-shaped converter)."""

    def component(c: dict, tag: str = "component") -> str:
        ref = f" bom-ref={quoteattr(str(c['bom-ref']))}" if isinstance(c.get("bom-ref"), str) else ""
        typ = quoteattr(str(c.get("type", "library")))
        body = "".join(
            f"<{k}>{escape(str(c[k]))}</{k}>" for k in ("group", "name", "version", "scope", "purl") if c.get(k)
        )
        props = c.get("properties") or []
        if props:
            body += (
                "<properties>"
                + "".join(
                    f"<property name={quoteattr(str(p.get('name')))}>{escape(str(p.get('value')))}</property>"
                    for p in props
                )
                + "</properties>"
            )
        if c.get("components"):
            body += "<components>" + "".join(component(n) for n in c["components"]) + "</components>"
        return f"<{tag} type={typ}{ref}>{body}</{tag}>"

    parts = [f'<?xml version="1.0"?>\n<bom xmlns="http://cyclonedx.org/schema/bom/{spec}" version="1">']
    meta = (doc.get("metadata") or {}).get("component")
    if meta:
        parts.append("<metadata>" + component(meta) + "</metadata>")
    parts.append("<components>" + "\n".join(component(c) for c in doc.get("components") or []) + "</components>")
    if doc.get("dependencies"):
        parts.append("<dependencies>")
        for d in doc["dependencies"]:
            inner = "".join(f"<dependency ref={quoteattr(t)}/>" for t in d.get("dependsOn") or [])
            parts.append(f"<dependency ref={quoteattr(d['ref'])}>{inner}</dependency>")
        parts.append("</dependencies>")
    parts.append("</bom>")
    return "\n".join(parts)


def _without_locations(records: list) -> set:
    out = set()
    for r in records:
        if isinstance(r, Resolved):
            out.add((r.version, r.scope, r.raw_scope, r.depth, r.path))
        elif isinstance(r, (Project, Publishes, VersionDependency)):
            out.add(r)
    return out


CORPUS_SBOMS = [
    "CycloneDX__bom-examples/SBOM/keycloak-10.0.2/bom.json",
    "CycloneDX__bom-examples/SBOM/juice-shop/via_npm/bare/bom.1.4.json",
    "CycloneDX__cyclonedx-node-npm/demo/juice-shop/example-results/bare/bom.1.6.json",
    "guacsec__guac/internal/testing/testdata/exampledata/quarkus-deps-cyclonedx.json",
    "guacsec__guac/internal/testing/testdata/exampledata/cyclonedx-components-nested.json",
    "guacsec__guac/internal/testing/testdata/exampledata/npm-cyclonedx-dependencies-missing-depends-on.json",
]


@pytest.mark.corpus
@pytest.mark.parametrize("rel", CORPUS_SBOMS)
def test_xml_parity_with_the_json_loader_on_corpus_sboms(corpus: Path, rel: str) -> None:
    text = (corpus / rel).read_text(encoding="utf-8-sig")
    doc = json.loads(text)
    source = Source("corpus", "sbom/bom.json", rel)
    from_json = CycloneDxJsonLoader().parse(text, source)
    from_xml = LOADER.parse(to_xml(doc), Source("corpus", "sbom/bom.xml", rel))
    got, want = _without_locations(from_xml.records), _without_locations(from_json.records)
    assert {r for r in got if not isinstance(r, Project)} == {r for r in want if not isinstance(r, Project)}
    assert len(records_of(from_xml, Resolved)) == len(records_of(from_json, Resolved)) > 0
    assert [w.message for w in from_xml.warnings] == [w.message for w in from_json.warnings]


@pytest.mark.corpus
def test_keycloak_as_xml_has_log4j_api_but_no_log4j_core(corpus: Path) -> None:
    doc = json.loads((corpus / CORPUS_SBOMS[0]).read_text())
    result = LOADER.parse(to_xml(doc, "1.2"), Source("c", "bom.xml", "bom.xml"))
    versions = {r.version for r in records_of(result, Resolved)}
    assert "pkg:maven/org.apache.logging.log4j/log4j-api@2.10.0" in versions
    assert not any("log4j-core" in v for v in versions)


XML_BITS = st.sampled_from(
    ['<bom xmlns="http://cyclonedx.org/schema/bom/1.5">', "</bom>", "<components>", "</components>",
     '<component type="library" bom-ref="a">', '<component bom-ref="b">', "</component>", "<purl>pkg:npm/a@1</purl>",
     "<purl>pkg:npm/b</purl>", "<purl>bad</purl>", "<version>2</version>", "<scope>optional</scope>",
     "<metadata>", "</metadata>", "<dependencies>", "</dependencies>", '<dependency ref="a">', '<dependency ref="b"/>',
     "</dependency>", "&amp;", "<!-- c -->", "<![CDATA[x]]>"]
)  # fmt: skip


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(XML_BITS | st.text(max_size=5), max_size=25))
def test_fuzz_never_crashes(bits: list[str]) -> None:
    text = '<bom xmlns="http://cyclonedx.org/schema/bom/1.5">' + "".join(bits) + "</bom>"
    try:
        result = LOADER.parse(text, Source("r", "bom.xml", "bom.xml"))
    except ParseError as exc:
        assert str(exc).startswith("bom.xml:")
        return
    assert len(records_of(result, Project)) == 1
