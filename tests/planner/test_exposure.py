"""Exposure: verdicts, places to change, fixes — on hand-built graphs, examples/ and the corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner import exposure
from planner.advisories import osv
from planner.cli import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, cli
from planner.errors import UsageError
from planner.ingest import ingest
from planner.model import Declared, ParseResult, Project, Resolved, Source
from planner.store.rows import GraphBatch, LoadedSource
from tests.conftest import EXAMPLES

LOG4J = "pkg:maven/org.apache.logging.log4j/log4j-core"
GHSA_DIR = "github__advisory-database/advisories/github-reviewed"
LOG4SHELL = {
    "GHSA-jfh8-c2jp-5v3q": "2021/12/GHSA-jfh8-c2jp-5v3q/GHSA-jfh8-c2jp-5v3q.json",
    "GHSA-7rjr-3q55-vv33": "2021/12/GHSA-7rjr-3q55-vv33/GHSA-7rjr-3q55-vv33.json",
    "GHSA-p6xc-xr62-6r2g": "2021/12/GHSA-p6xc-xr62-6r2g/GHSA-p6xc-xr62-6r2g.json",
}

# Written by hand from examples/README.md before running the code: every project that reaches
# log4j-core 2.14.1, its verdict, whether it uses it directly, and the file:line to change.
EXAMPLES_LOG4SHELL = [
    ("com.acme.logging:logging-core", "exposed", True, "pom.xml:32"),  # <log4j2.version> in the parent
    ("com.acme.orders:orders-service", "exposed", True, "build.gradle:34"),
    ("com.acme.commons:commons-util", "exposed", False, "pom.xml:34"),  # <artifactId>logging-core</artifactId>
    ("com.acme.auth:auth-client", "exposed", False, "pom.xml:36"),  # <artifactId>commons-util</artifactId>
    ("com.acme.platform:platform-web", "exposed", False, "pom.xml:32"),
    ("com.acme.billing:billing-service", "exposed", False, "pom.xml:37"),
    ("com.acme.qa:integration-tests", "exposed-test-only", True, "pom.xml:43"),
]
RECOMMENDED = {"GHSA-jfh8-c2jp-5v3q": "2.15.0", "GHSA-7rjr-3q55-vv33": "2.16.0", "GHSA-p6xc-xr62-6r2g": "2.17.0"}


def load(store, *records, path="m.json", repo="r") -> None:
    batch = GraphBatch()
    batch.add(LoadedSource(Source(repo, path, path), path, "test", ParseResult(list(records))), "now")
    store.load(batch, "run")


def advisory_file(corpus: Path, ghsa: str):
    item = osv.read_file(corpus / GHSA_DIR / LOG4SHELL[ghsa])
    assert item.advisory is not None
    return exposure.affected_from_osv(item.advisory)


@pytest.mark.parametrize("ghsa", sorted(LOG4SHELL))
def test_log4shell_on_examples(store, corpus: Path, ghsa: str) -> None:
    ingest(store, [EXAMPLES])
    report = exposure.assess(store, advisory_file(corpus, ghsa))
    got = [(p.name, p.verdict, p.direct, p.change_at) for p in report.projects]
    assert got == EXAMPLES_LOG4SHELL
    assert {p.recommended for p in report.projects} == {RECOMMENDED[ghsa]}
    billing = next(p for p in report.projects if p.name.endswith("billing-service"))
    assert billing.via == ["acme-platform/.#pkg:maven/com.acme.platform/platform-web"]
    assert billing.path[-1] == LOG4J + "@2.14.1"
    assert report.any_exposed


def test_examples_advisory_from_the_graph(store) -> None:
    ingest(store, [EXAMPLES])  # examples/security/advisories holds an OSV record for Log4Shell
    affected = exposure.affected_from_store(store, "CVE-2021-44228")
    assert [a.package for a in affected] == [LOG4J]
    report = exposure.assess(store, affected)
    assert [(p.name, p.verdict) for p in report.projects] == [(n, v) for n, v, _, _ in EXAMPLES_LOG4SHELL]
    by = {p.name: p for p in report.projects}
    assert by["com.acme.logging:logging-core"].owners == ["@acme/platform-logging"]  # its CODEOWNERS
    billing = by["com.acme.billing:billing-service"]
    assert sorted((s["name"], s["environment"]) for s in billing.services) == [
        ("billing-service", "prod"),
        ("billing-service", "staging"),
    ]
    assert "group:default/billing" in billing.owners  # its Backstage catalog entry
    assert by["com.acme.qa:integration-tests"].services == []


def test_declared_range_allows_unknown_and_inherited(store) -> None:
    app = Project("r/app#pkg:npm/app", "app", "npm", "r", "app", "app/package.json", "pkg:npm/app@1.0.0")
    lib = Project("r/lib#pkg:npm/lib", "lib", "npm", "r", "lib", "lib/package.json", "pkg:npm/lib@1.0.0")
    web = Project("r/web#pkg:npm/web", "web", "npm", "r", "web", "web/package.json", "pkg:npm/web@1.0.0")
    tests = Project("r/qa#pkg:npm/qa", "qa", "npm", "r", "qa", "qa/package.json", "pkg:npm/qa@1.0.0")
    from planner.model import Publishes

    load(
        store,
        app,
        Declared(app.key, "pkg:npm/lodash", "^4.17.15"),
        Resolved(app.key, "pkg:npm/lodash@4.17.21", depth=1),
        lib,
        Publishes(lib.key, "pkg:npm/lib"),
        Declared(lib.key, "pkg:npm/lodash", None, unresolved="catalog:"),
        web,
        Declared(web.key, "pkg:npm/lib", "1.0.0"),
        tests,
        Declared(tests.key, "pkg:npm/lib", "1.0.0", scope="dev"),
    )
    affected = exposure.affected_from_spec("pkg:npm/lodash@<4.17.20")
    verdicts = {p.name: (p.verdict, p.direct) for p in exposure.assess(store, affected).projects}
    assert verdicts == {
        "app": ("declared-range-allows", True),
        "lib": ("unknown", True),
        "web": ("unknown", False),  # inherits from lib
        "qa": ("unknown", False),
    }
    load(store, lib, Publishes(lib.key, "pkg:npm/lib"), Declared(lib.key, "pkg:npm/lodash", "4.17.15"), path="lib.json")
    verdicts = {p.name: p.verdict for p in exposure.assess(store, affected).projects}
    assert verdicts == {"lib": "exposed", "web": "exposed", "qa": "exposed-test-only", "app": "declared-range-allows"}


def test_a_cycle_of_libraries_without_evidence_of_their_own_shares_what_it_inherits(store) -> None:
    """examples/ after the fix, read from the POMs only (no SBOMs): commons-util <-> auth-client is a
    cycle, and commons-util depends on logging-core, which resolves the fixed version. Both members
    are not exposed (not "unknown" because each waits for the other's verdict)."""
    from planner.model import Publishes

    core = Project("l/core#pkg:maven/acme/core", "acme:core", "maven", "l", "core", "core/pom.xml")
    util = Project("c/.#pkg:maven/acme/util", "acme:util", "maven", "c", ".", "pom.xml")
    auth = Project("a/.#pkg:maven/acme/auth", "acme:auth", "maven", "a", ".", "pom.xml")
    load(
        store,
        core,
        Publishes(core.key, "pkg:maven/acme/core"),
        Declared(core.key, LOG4J, "2.15.0"),
        util,
        Publishes(util.key, "pkg:maven/acme/util"),
        Declared(util.key, "pkg:maven/acme/core", "1.4.1"),
        Declared(util.key, "pkg:maven/acme/auth", "1.2.1"),
        auth,
        Publishes(auth.key, "pkg:maven/acme/auth"),
        Declared(auth.key, "pkg:maven/acme/util", "2.1.1"),
    )
    affected = exposure.affected_from_spec(f"{LOG4J}@<2.15.0")
    verdicts = {p.name: p.verdict for p in exposure.assess(store, affected).projects}
    assert verdicts == {"acme:core": "not-exposed", "acme:util": "not-exposed", "acme:auth": "not-exposed"}
    load(store, core, Publishes(core.key, "pkg:maven/acme/core"), Declared(core.key, LOG4J, "2.14.1"), path="c.json")
    verdicts = {p.name: p.verdict for p in exposure.assess(store, affected).projects}
    assert verdicts == {"acme:core": "exposed", "acme:util": "exposed", "acme:auth": "exposed"}


def test_range_that_excludes_every_affected_version_is_not_exposed(store) -> None:
    app = Project("r/app#pkg:npm/app", "app", "npm", "r", "app", "app/package.json")
    load(store, app, Declared(app.key, "pkg:npm/lodash", "^4.17.21"))
    (p,) = exposure.assess(store, exposure.affected_from_spec("pkg:npm/lodash@<4.17.20")).projects
    assert p.verdict == "not-exposed"


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("pkg:maven/g/a@<2.15.0", [{"introduced": "0"}, {"fixed": "2.15.0"}]),
        ("pkg:maven/g/a@>=2.0,<2.15.0", [{"introduced": "2.0"}, {"fixed": "2.15.0"}]),
        ("pkg:maven/g/a@>=2.0,<=2.14.1", [{"introduced": "2.0"}, {"last_affected": "2.14.1"}]),
    ],
)
def test_purl_at_range(spec: str, expected: list) -> None:
    (a,) = exposure.affected_from_spec(spec)
    assert a.entry["ranges"][0]["events"] == expected
    assert a.affects("2.14.1") is True and a.affects("2.15.0") is False


def test_purl_at_version_list() -> None:
    (a,) = exposure.affected_from_spec("pkg:npm/x@1.0.0|1.0.1")
    assert a.affects("1.0.1") and not a.affects("1.0.2")


@pytest.mark.parametrize(
    "bad", ["pkg:maven/g/a", "pkg:maven/g/a@", "pkg:maven/g/a@<banana!", "pkg:foo/x@<1", "log4j@<2"]
)
def test_bad_purl_at_range(bad: str) -> None:
    with pytest.raises(UsageError):
        exposure.affected_from_spec(bad)


def test_cli_formats_and_exit_codes(store, data_dir: Path, tmp_path: Path) -> None:
    runner = CliRunner()

    def run(*args):
        return runner.invoke(cli, ["--data-dir", str(data_dir), *args])

    assert run("ingest", str(EXAMPLES)).exit_code == 0
    res = run("exposure", "GHSA-jfh8-c2jp-5v3q", "--format", "json")
    assert res.exit_code == EXIT_FINDINGS
    doc = json.loads(res.output)
    assert doc["schema"] == "depwave.exposure/1" and doc["counts"]["exposed"] == 6
    sarif = json.loads(run("exposure", "GHSA-jfh8-c2jp-5v3q", "--format", "sarif").output)
    assert sarif["version"] == "2.1.0"
    results = sarif["runs"][0]["results"]
    # 7 projects at their manifest line, and 7 call sites of the examples' sources (test_ingest_and_layer.py)
    assert len(results) == 14 and {r["ruleId"] for r in results} == {"GHSA-jfh8-c2jp-5v3q"}
    first = results[0]["locations"][0]["physicalLocation"]
    assert first["artifactLocation"]["uri"] == "acme-logging/pom.xml" and first["region"]["startLine"] == 32
    md = run("exposure", "GHSA-jfh8-c2jp-5v3q", "--format", "markdown").output
    assert (
        md.startswith("## GHSA-jfh8-c2jp-5v3q")
        and "| exposed | called through logging-core (2 sites) | com.acme.billing:billing-service |" in md
    )
    clean = run("exposure", "pkg:maven/org.apache.logging.log4j/log4j-core@<2.0", "--format", "json")
    assert clean.exit_code == EXIT_OK
    assert json.loads(clean.output)["counts"]["not-exposed"] == 7
    missing = run("exposure", "GHSA-0000-0000-0000", "--offline", "--cache-dir", str(tmp_path))
    assert missing.exit_code == EXIT_USAGE and "OSV" in missing.output


# ------------------------------------------------------------------------------------------- corpus


@pytest.fixture(scope="module")
def corpus_store(corpus, data_dir: Path):
    """The whole corpus ingested once for this module."""
    from planner.store.embedded import EmbeddedStore

    s = EmbeddedStore(data_dir)
    s.reset()
    report = ingest(s, [corpus])
    assert report.loaded > 800
    yield s
    s.close()


@pytest.mark.corpus
def test_corpus_log4shell_affects_nothing(corpus_store, corpus: Path) -> None:
    for ghsa in LOG4SHELL:
        report = exposure.assess(corpus_store, advisory_file(corpus, ghsa))
        assert not report.any_exposed
        verdicts = {p.verdict for p in report.projects}
        assert verdicts <= {"not-exposed", "unknown"}
        names = {p.name for p in report.projects}
        assert "org.keycloak:keycloak-parent" not in names  # log4j-api is not log4j-core
        shiro = [p for p in report.projects if p.repo == "apache__shiro"]
        assert shiro and all(p.verdict == "not-exposed" for p in shiro if p.versions)


@pytest.mark.corpus
def test_corpus_lodash_affects_exactly_the_juice_shop_sboms(corpus_store, corpus: Path) -> None:
    item = osv.read_file(corpus / GHSA_DIR / "2020/07/GHSA-p6mc-m468-83gw/GHSA-p6mc-m468-83gw.json")
    report = exposure.assess(corpus_store, exposure.affected_from_osv(item.advisory))
    exposed = sorted((p.repo, p.name) for p in report.projects if p.verdict == "exposed")
    assert exposed == [("CycloneDX__bom-examples", "juice-shop"), ("CycloneDX__cyclonedx-node-npm", "juice-shop")]
    assert all("2.4.2" in p.versions for p in report.projects if p.verdict == "exposed")


@pytest.mark.corpus
def test_corpus_go_x_net_affects_kubectl_and_the_proton_bridge_pseudo_version(corpus_store, corpus: Path) -> None:
    """INDEX.md names the kubectl SPDX SBOM (x/net v0.13.0). By INDEX.md's own rule that Go
    pseudo-versions sort below v0.17.0, the proton-bridge CycloneDX SBOM's x/net
    v0.0.0-20210405180319-a5a99cb37ef4 (April 2021) is affected too; INDEX.md does not list it."""
    item = osv.read_file(corpus / "golang__vulndb/data/osv/GO-2023-2102.json")
    report = exposure.assess(corpus_store, exposure.affected_from_osv(item.advisory))
    exposed = sorted((p.repo, p.versions) for p in report.projects if p.verdict == "exposed")
    assert exposed == [
        ("CycloneDX__bom-examples", ["v0.0.0-20210405180319-a5a99cb37ef4"]),
        ("guacsec__guac", ["v0.13.0"]),
    ]
    demo = [p for p in report.projects if p.repo == "GoogleCloudPlatform__microservices-demo"]
    assert demo and all(p.verdict == "not-exposed" for p in demo)


def test_markdown_how_never_ends_in_an_empty_via() -> None:
    """A project reached only through dependency metadata has no internal library to name: "transitive",
    not "transitive via " with nothing after it (before)."""
    from planner.exposure import ExposureReport, ProjectExposure
    from planner.render.exposure_view import markdown

    def project(name: str, direct: bool, via: list[str]) -> ProjectExposure:
        return ProjectExposure(
            f"r/.#pkg:maven/com.acme/{name}", f"com.acme:{name}", "r", "library", "maven", "unknown",
            "reached only through dependency metadata", direct, 3, "runtime", [], [], [], None, [], None, via,
        )  # fmt: skip

    report = ExposureReport(
        ["GHSA-x"],
        [],
        [project("meta", False, []), project("lib", False, ["r/.#pkg:maven/com.acme/core"]), project("core", True, [])],
        [],
    )
    rows = [line for line in markdown(report).splitlines() if line.startswith("| unknown")]
    assert [row.split(" | ")[3] for row in rows] == ["transitive", "transitive via com.acme:core", "direct"]


@pytest.mark.corpus
def test_corpus_a_service_deployed_by_several_files_runs_each_image_once(corpus_store) -> None:
    """microservices-demo deploys checkoutservice from kubernetes-manifests/ (bare ``checkoutservice``) and
    from kustomize/base and release/ (both the same ``…/checkoutservice:v0.10.6``): two images, each listed
    once, in one environment (the manifests' ``default`` namespace) — not once per file that says so."""
    from planner.render.exposure_view import _runs

    report = exposure.assess(corpus_store, exposure.affected_from_spec("pkg:golang/google.golang.org/grpc@<1.84.0"))
    checkout = next(p for p in report.projects if p.name.endswith("microservices-demo/src/checkoutservice"))
    assert sorted(s["image"] for s in checkout.services) == [
        "docker.io/library/checkoutservice:latest",
        "us-central1-docker.pkg.dev/online-boutique-ci/microservices-demo/checkoutservice:v0.10.6",
    ]
    assert _runs(checkout) == "checkoutservice (default)"


def test_runs_names_services_of_the_same_environments_under_one_parenthesis() -> None:
    """pypi/warehouse's Compose file runs one image as base, web and worker: ``base, web, worker (compose)``."""
    from planner.exposure import ProjectExposure
    from planner.render.exposure_view import _runs

    def svc(name: str, env: str) -> dict:
        return {"service": f"{env}/{name}", "name": name, "environment": env, "image": "i", "origin": "manifest"}

    p = ProjectExposure(
        "r/.#pkg:pypi/warehouse", "warehouse", "r", "application", "pypi", "exposed", "", True, 1, "runtime",
        [], [], [], None, [], None, [],
    )  # fmt: skip
    p.services = [svc("worker", "compose"), svc("web", "compose"), svc("base", "compose"), svc("web", "prod")]
    assert _runs(p) == "base, worker (compose), web (compose, prod)"
