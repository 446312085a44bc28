"""depwave sbom on examples/: every document validates with its format's own validator, the same graph gives
the same bytes, exporting then re-ingesting gives the same resolved set, VEX states match the verdicts."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cyclonedx.schema import OutputFormat, SchemaVersion
from cyclonedx.validation import make_schemabased_validator
from spdx_tools.spdx.parser.parse_anything import parse_file
from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document

from planner import exposure, sbom
from planner.ingest import ingest
from planner.sbom import collect, vex
from planner.sbom.model import DocumentInfo
from tests.conftest import EXAMPLES
from tests.planner.sbom.document_info import INFO

FILE_NAMES = {
    "cyclonedx-json": "bom.json",
    "cyclonedx-xml": "bom.xml",
    "spdx-json": "sbom.spdx.json",
    "spdx-tagvalue": "sbom.spdx",
}
SPECS = {"1.4": SchemaVersion.V1_4, "1.5": SchemaVersion.V1_5, "1.6": SchemaVersion.V1_6}
LOG4SHELL = "GHSA-jfh8-c2jp-5v3q"  # examples/security/advisories holds its OSV record

# examples/billing-service/bom.json, read by hand: every component's purl (qualifiers dropped) and scope
BILLING = {
    **dict.fromkeys(
        [
            "com.acme.auth/auth-client@1.2.0",
            "com.acme.commons/commons-util@2.1.0",
            "com.acme.logging/logging-api@1.4.0",
            "com.acme.logging/logging-core@1.4.0",
            "com.acme.platform/platform-web@3.0.0",
            "com.fasterxml.jackson.core/jackson-annotations@2.13.0",
            "com.fasterxml.jackson.core/jackson-core@2.13.0",
            "com.fasterxml.jackson.core/jackson-databind@2.13.0",
            "org.apache.commons/commons-lang3@3.12.0",
            "org.apache.logging.log4j/log4j-api@2.14.1",
            "org.apache.logging.log4j/log4j-core@2.14.1",
            "org.checkerframework/checker-qual@3.5.0",
            "org.postgresql/postgresql@42.3.1",
            "org.slf4j/slf4j-api@1.7.32",
            *(f"org.springframework/spring-{m}@5.3.13" for m in ("aop", "beans", "context", "core", "expression")),
            *(f"org.springframework/spring-{m}@5.3.13" for m in ("jcl", "web", "webmvc")),
        ],
        "required",
    ),
    **dict.fromkeys(
        [
            "org.apiguardian/apiguardian-api@1.1.2",
            "org.junit.jupiter/junit-jupiter@5.8.1",
            "org.junit.jupiter/junit-jupiter-api@5.8.1",
            "org.junit.jupiter/junit-jupiter-engine@5.8.1",
            "org.junit.jupiter/junit-jupiter-params@5.8.1",
            "org.junit.platform/junit-platform-commons@1.8.1",
            "org.junit.platform/junit-platform-engine@1.8.1",
            "org.opentest4j/opentest4j@1.2.0",
        ],
        "optional",
    ),
}
# the verdicts of tests/planner/test_exposure.py (written by hand from examples/README.md), as CycloneDX says them
VEX_STATES = {
    "acme-logging/logging-core#pkg:maven/com.acme.logging/logging-core": ("exploitable", None),
    "orders-service/.#pkg:maven/com.acme.orders/orders-service": ("exploitable", None),
    "acme-commons/.#pkg:maven/com.acme.commons/commons-util": ("exploitable", None),
    "acme-auth/.#pkg:maven/com.acme.auth/auth-client": ("exploitable", None),
    "acme-platform/.#pkg:maven/com.acme.platform/platform-web": ("exploitable", None),
    "billing-service/.#pkg:maven/com.acme.billing/billing-service": ("exploitable", None),
    "integration-tests/.#pkg:maven/com.acme.qa/integration-tests": ("not_affected", "code_not_reachable"),
}


@pytest.fixture()
def examples(store):
    ingest(store, [EXAMPLES])
    return store


def graph_of(store, kind: str, text: str, advisories: tuple[str, ...] = ()):
    select = {"project": collect.for_project, "service": collect.for_service, "organisation": collect.for_organisation}
    graph = collect.collect(store, *select[kind](store, text))
    for advisory in advisories:
        graph.vex += vex.statements(graph, exposure.assess(store, exposure.affected_from_store(store, advisory)))
    return graph


def assert_valid(text: str, fmt: str, spec: str | None, tmp_path: Path) -> None:
    if fmt.startswith("cyclonedx"):
        output = OutputFormat.JSON if fmt.endswith("json") else OutputFormat.XML
        error = make_schemabased_validator(output, SPECS[spec or "1.6"]).validate_str(text)
        assert error is None, f"{fmt} {spec}: {error}"
    else:
        path = tmp_path / FILE_NAMES[fmt]
        path.write_text(text, encoding="utf-8")
        assert validate_full_spdx_document(parse_file(str(path))) == []


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("project", "billing-service"),
        ("project", "com.acme.orders:orders-service"),  # gradle.lockfile + a bom.json with a cycle
        ("project", "storefront"),  # package-lock integrity hashes
        ("service", "prod/billing-service"),
        ("organisation", "acme"),
    ],
)
def test_every_format_and_spec_validates(examples, kind: str, text: str, tmp_path: Path) -> None:
    graph = graph_of(examples, kind, text, (LOG4SHELL,))
    for fmt, specs in (
        ("cyclonedx-json", ("1.4", "1.5", "1.6")),
        ("cyclonedx-xml", ("1.4", "1.5", "1.6")),
        ("spdx-json", (None,)),
        ("spdx-tagvalue", (None,)),
    ):
        for spec in specs:
            assert_valid(sbom.render(graph, INFO, fmt, spec), fmt, spec, tmp_path)


def test_billing_service_components_scopes_graph_and_ntia_fields(examples) -> None:
    doc = json.loads(sbom.render(graph_of(examples, "project", "billing-service"), INFO, "cyclonedx-json", "1.6"))
    got = {c["purl"].removeprefix("pkg:maven/"): c["scope"] for c in doc["components"]}
    assert got == BILLING
    meta = doc["metadata"]
    assert meta["component"]["purl"] == "pkg:maven/com.acme.billing/billing-service@5.2.0"
    assert meta["timestamp"].startswith("2026-01-31T12:00:00")
    assert meta["authors"] == [{"name": "Release Engineering"}] and meta["supplier"] == {"name": "Acme Corp"}
    assert meta["tools"]["components"][0]["name"] == "depwave"
    assert doc["serialNumber"] == "urn:uuid:6f0e3b8e-1111-4222-8333-444455556666"
    deps = {d["ref"]: d.get("dependsOn", []) for d in doc["dependencies"]}
    root = "pkg:maven/com.acme.billing/billing-service@5.2.0"
    assert deps[root] == [  # the direct dependencies in billing-service's pom.xml
        "pkg:maven/com.acme.platform/platform-web@3.0.0",
        "pkg:maven/org.junit.jupiter/junit-jupiter@5.8.1",
        "pkg:maven/org.postgresql/postgresql@42.3.1",
    ]
    assert deps["pkg:maven/com.acme.logging/logging-core@1.4.0"] == [
        "pkg:maven/com.acme.logging/logging-api@1.4.0",
        "pkg:maven/org.apache.logging.log4j/log4j-api@2.14.1",
        "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
    ]
    # Maven left auth-client's own commons-util 2.0.0 out (examples/README.md): no edge back to 2.1.0
    assert deps["pkg:maven/com.acme.auth/auth-client@1.2.0"] == [
        "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.13.0"
    ]


def test_same_graph_same_bytes_but_serial_and_timestamp(examples) -> None:
    graph = graph_of(examples, "organisation", "acme", (LOG4SHELL,))
    for fmt in sbom.FORMATS:
        first = sbom.render(graph, INFO, fmt, None)
        again = sbom.render(graph_of(examples, "organisation", "acme", (LOG4SHELL,)), INFO, fmt, None)
        assert first == again, fmt
        other = DocumentInfo(
            datetime(2027, 2, 1, tzinfo=UTC), uuid.UUID(int=7), INFO.tool_version, INFO.author, INFO.supplier
        )
        changed = [
            (a, b) for a, b in zip(first.splitlines(), sbom.render(graph, other, fmt, None).splitlines(), strict=True)
        ]
        differing = [a for a, b in changed if a != b]
        assert 1 <= len(differing) <= 2, (fmt, differing)  # the serial (namespace) and the timestamp lines


def resolved_set(store, key: str) -> dict[str, tuple[str, int | None, tuple[str, ...]]]:
    """version -> (scope, depth, hashes) of a project's resolutions (the strongest scope, the shallowest depth)."""
    from planner.sbom.model import stronger_scope

    out: dict[str, tuple[str, int | None, tuple[str, ...]]] = {}
    for r in store.query("list_sbom_resolutions", {"projects": [key]}):
        scope, depth, hashes = r["scope"], r["depth"], tuple(r["hashes"] or ())
        if r["version"] in out:
            prev = out[r["version"]]
            scope = stronger_scope(prev[0], scope)
            depth = min(d for d in (prev[1], depth, 10**6) if d is not None)
            depth = None if depth == 10**6 else depth
            hashes = tuple(sorted({*prev[2], *hashes}))
        out[r["version"]] = (scope, depth, hashes)
    return out


#: SPDX 2.3 has no scope of its own: a dependency's relationship says it, and DEPENDS_ON is runtime
_SPDX_SCOPE = {"peer": "runtime", "unknown": "runtime"}


@pytest.mark.parametrize("fmt", sorted(FILE_NAMES))
def test_export_then_reingest_gives_the_same_resolved_set(examples, fmt: str, tmp_path: Path) -> None:
    names = ["billing-service", "com.acme.orders:orders-service", "storefront", "recommendations"]
    before = {}
    for name in names:
        graph = graph_of(examples, "project", name)
        before[name] = resolved_set(examples, graph.root.key)
        repo = tmp_path / f"rt-{name.replace(':', '-')}"
        repo.mkdir()
        (repo / FILE_NAMES[fmt]).write_text(sbom.render(graph, INFO, fmt, None), encoding="utf-8")
        report = ingest(examples, [repo])
        assert report.errors == [] and report.warnings == [], report.warnings
        (row,) = examples.query("find_projects", {"q": repo.name})
        after = resolved_set(examples, row["key"])
        assert sorted(after) == sorted(before[name]), name
        direct_before = {v for v, (_, depth, _) in before[name].items() if depth == 1}
        assert {v for v, (_, depth, _) in after.items() if depth == 1} == direct_before, name
        assert {v: h for v, (_, _, h) in after.items()} == {v: h for v, (_, _, h) in before[name].items()}, name
        if fmt.startswith("cyclonedx"):
            assert {v: s for v, (s, _, _) in after.items()} == {v: s for v, (s, _, _) in before[name].items()}
        else:  # reached components keep their scope class
            expect = {v: _SPDX_SCOPE.get(s, s) for v, (s, d, _) in before[name].items() if d is not None}
            assert {v: s for v, (s, _, _) in after.items() if v in expect} == expect, name


def test_storefront_hashes_from_the_package_lock(examples) -> None:
    doc = json.loads(sbom.render(graph_of(examples, "project", "storefront"), INFO, "cyclonedx-json", "1.6"))
    jest_core = next(c for c in doc["components"] if c["purl"] == "pkg:npm/%40jest/core@27.4.3")
    assert jest_core["hashes"] == [
        {
            "alg": "SHA-512",
            "content": "58c45062d3db4fc09366ab4fb010e3875e99209c30eee0ab4a7d2abeed6c3a63"
            "c8cd98b7f10519a01883d3eaa04f39badd33549a5b12bafa5eaf66c041d62989",
        }
    ]
    assert sum(1 for c in doc["components"] if c.get("hashes")) == len(doc["components"])  # every lock entry has one


def test_vex_states_for_the_whole_organisation(examples, tmp_path: Path) -> None:
    graph = graph_of(examples, "organisation", "acme", (LOG4SHELL,))
    doc = json.loads(sbom.render(graph, INFO, "cyclonedx-json", "1.6"))
    got = {}
    for v in doc["vulnerabilities"]:
        assert v["id"] == LOG4SHELL and v["references"][0]["id"] == "CVE-2021-44228"
        project = v["bom-ref"].split("|", 1)[1]
        got[project] = (v["analysis"]["state"], v["analysis"].get("justification"))
    assert got == VEX_STATES
    spdx = json.loads(sbom.render(graph, INFO, "spdx-json", None))
    notes = [
        r["comment"]
        for p in spdx["packages"]
        for r in p.get("externalRefs", [])
        if r["referenceCategory"] == "SECURITY"
        and r["referenceLocator"] == f"https://osv.dev/vulnerability/{LOG4SHELL}"
    ]
    assert sum(n.startswith("exploitable for ") for n in notes) == 6
    assert sum(n.startswith("not_affected/code_not_reachable for ") for n in notes) == 1
    assert any(n.startswith("affected version (GHSA-jfh8-c2jp-5v3q, CVE-2021-44228); fixed in 2.15.0") for n in notes)


def test_single_project_vex_points_at_the_affected_component(examples) -> None:
    graph = graph_of(examples, "project", "billing-service", (LOG4SHELL,))
    doc = json.loads(sbom.render(graph, INFO, "cyclonedx-json", "1.4"))
    (v,) = doc["vulnerabilities"]
    assert [a["ref"] for a in v["affects"]] == [
        "pkg:maven/com.acme.billing/billing-service@5.2.0",
        "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
    ]
    assert v["analysis"]["state"] == "exploitable" and v["analysis"]["response"] == ["update"]
    assert v["recommendation"] == "upgrade to 2.15.0"


def test_a_project_that_does_not_reach_the_package_gets_no_statement(examples) -> None:
    graph = graph_of(examples, "project", "storefront", (LOG4SHELL,))
    assert graph.vex == []


@pytest.mark.corpus
@pytest.mark.parametrize(
    ("files", "name", "hashed"),
    [
        (("BurntSushi__ripgrep/Cargo.toml", "BurntSushi__ripgrep/Cargo.lock"), "ripgrep", True),  # crate checksums
        (("pallets__flask/pyproject.toml", "pallets__flask/uv.lock"), "flask", True),  # sdist + wheel hashes
        (("GoogleCloudPlatform__microservices-demo/src/paymentservice/package-lock.json",), "paymentservice", True),
    ],
)
def test_corpus_lockfiles_validate_and_round_trip(store, corpus: Path, files, name, hashed, tmp_path: Path) -> None:
    repo = tmp_path / "project"
    repo.mkdir()
    for f in files:
        (repo / Path(f).name).write_bytes((corpus / f).read_bytes())
    ingest(store, [repo])
    graph = graph_of(store, "project", name)
    assert len(graph.components) > 40
    assert all(c.hashes for c in graph.components) is hashed
    for fmt in FILE_NAMES:
        text = sbom.render(graph, INFO, fmt, None)
        assert_valid(text, fmt, None, tmp_path)
        again = tmp_path / f"again-{fmt}"
        again.mkdir()
        (again / FILE_NAMES[fmt]).write_text(text, encoding="utf-8")
        ingest(store, [again])
        (row,) = store.query("find_projects", {"q": again.name})
        got = {r["version"] for r in store.query("list_sbom_resolutions", {"projects": [row["key"]]})}
        assert got == {c.ref for c in graph.components}, fmt
