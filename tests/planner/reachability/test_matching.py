"""Verdicts per project on the source fixtures, with the call sites written by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from loaders.source import scan_source
from planner.advisories.osv import parse_advisory
from planner.reachability.curated import rules_for
from planner.reachability.matching import match_files, reachability
from planner.reachability.osv_symbols import rules_from_osv
from planner.reachability.symbols import SymbolMatcher
from tests.conftest import scan_fixture

ORDERS = "orders-service/src/main/java/com/acme/orders/web/OrderController.java"
ORDERS_TEST = "orders-service/src/test/java/com/acme/orders/web/OrderControllerTest.java"
AUDIT = "acme-logging/logging-core/src/main/java/com/acme/logging/AuditLog.java"
SECURITY = "acme-logging/logging-core/src/main/java/com/acme/logging/SecurityAuditLog.java"
INVOICE = "billing-service/src/main/java/com/acme/billing/InvoiceService.java"
API = "pkg:maven/org.apache.logging.log4j/log4j-api"


def sites(result) -> list[tuple[str, int, int, str, str | None]]:
    return [(s.path, s.line, s.column, s.arguments, s.through) for s in result.sites]


@pytest.fixture(scope="module")
def log4shell() -> SymbolMatcher:
    return SymbolMatcher(rules_for("CVE-2021-44228"))


@pytest.fixture(scope="module")
def org() -> dict:
    level_only = scan_source(
        b"package a;\nimport org.apache.logging.log4j.Level;\nclass A { Object l = Level.INFO; }\n",
        "reports/src/main/java/a/A.java",
    )
    return {
        "orders-service": [scan_fixture(ORDERS), scan_fixture(ORDERS_TEST)],
        "logging-core": [scan_fixture(AUDIT), scan_fixture(SECURITY)],
        "billing-service": [scan_fixture(INVOICE)],
        "reports": [level_only],
        "legacy-batch": None,
    }


def test_spring_controller_is_called_with_its_sites(log4shell, org) -> None:
    result = match_files("orders-service", org["orders-service"], log4shell)
    assert result.verdict == "called" and result.files == 1  # the test file does not count
    assert sites(result) == [
        (ORDERS, 28, 13, "constant", None),
        (ORDERS, 34, 13, "data", None),  # the User-Agent header is logged
        (ORDERS, 37, 26, "data", None),  # LOG.atWarn().log(…): LogBuilder.log
        (ORDERS, 40, 13, "constant", None),
        (ORDERS, 47, 16, "data", None),
    ]
    assert {s.package for s in result.sites} == {API}
    assert result.sites[2].symbol == "org.apache.logging.log4j.LogBuilder.log"


def test_a_service_running_a_logging_library_is_called_through_it(log4shell, org) -> None:
    runs = {"billing-service": ["logging-core"], "orders-service": ["logging-core"]}
    results = reachability(org, log4shell, runs=runs)
    billing = results["billing-service"]
    assert billing.verdict == "called" and billing.through == ("logging-core",)
    assert sites(billing) == [(AUDIT, 12, 13, "data", "logging-core"), (SECURITY, 7, 13, "data", "logging-core")]
    assert billing.sites[1].via == "inherited"
    orders = results["orders-service"]
    assert orders.verdict == "called" and len(orders.sites) == 7 and orders.through == ("logging-core",)
    assert results["logging-core"].verdict == "called" and results["logging-core"].through == ()


def test_imported_not_called_and_not_scanned(log4shell, org) -> None:
    results = reachability(org, log4shell)
    assert results["reports"].verdict == "imported"
    assert [(i.path, i.line, i.target) for i in results["reports"].imports] == [
        ("reports/src/main/java/a/A.java", 2, "org.apache.logging.log4j.Level")
    ]
    assert results["billing-service"].verdict == "not-called"  # on its own: it imports no logging API
    assert results["legacy-batch"].verdict == "not-scanned"
    through_unknown = reachability(org, log4shell, runs={"billing-service": ["legacy-batch"]})
    assert through_unknown["billing-service"].verdict == "not-scanned"


def test_slf4j_counts_only_with_the_log4j_binding() -> None:
    scan = scan_fixture("notifications/src/main/kotlin/com/acme/notifications/Mailer.kt")
    matcher = SymbolMatcher(rules_for("CVE-2021-44228"))
    bound = match_files("n", [scan], matcher, resolved={"pkg:maven/org.apache.logging.log4j/log4j-slf4j2-impl"})
    unbound = match_files("n", [scan], matcher, resolved={"pkg:maven/ch.qos.logback/logback-classic"})
    assert [(s.line, s.package) for s in bound.sites] == [
        (18, API), (19, API), (20, "pkg:maven/org.slf4j/slf4j-api"),
    ]  # fmt: skip
    assert [s.line for s in unbound.sites] == [18, 19]


def test_lodash_template_calls_versus_plain_imports() -> None:
    matcher = SymbolMatcher(rules_for("CVE-2021-23337"))
    emails, catalog = scan_fixture("storefront/src/routes/emails.js"), scan_fixture("storefront/src/routes/catalog.ts")
    called = match_files("storefront", [emails, catalog], matcher)
    assert called.verdict == "called"
    assert [(s.line, s.column, s.arguments, s.symbol) for s in called.sites] == [
        (12, 20, "data", "lodash.template"),
        (18, 19, "constant", "lodash.template"),
    ]
    only_catalog = match_files("catalog", [catalog], matcher)
    assert only_catalog.verdict == "imported" and [i.target for i in only_catalog.imports] == ["lodash", "lodash/pick"]
    merge = match_files("storefront", [emails], SymbolMatcher(rules_for("CVE-2018-16487")))
    assert [(s.line, s.symbol) for s in merge.sites] == [(13, "lodash.merge")]


def test_pyyaml_load_versus_safe_load() -> None:
    matcher = SymbolMatcher(rules_for("CVE-2017-18342"))
    loader = scan_fixture("recommendations/recommendations/config_loader.py")
    settings = scan_fixture("recommendations/recommendations/settings.py")
    test = scan_fixture("recommendations/tests/test_config.py")
    called = match_files("recommendations", [loader, settings, test], matcher)
    assert [(s.path.rsplit("/", 1)[1], s.line, s.arguments) for s in called.sites] == [
        ("config_loader.py", 10, "data"), ("config_loader.py", 14, "data"), ("config_loader.py", 18, "constant"),
    ]  # fmt: skip
    assert match_files("settings-only", [settings, test], matcher).verdict == "imported"
    with_tests = match_files("settings-only", [settings, test], matcher, scopes=("main", "test"))
    assert with_tests.verdict == "called" and with_tests.sites[0].scope == "test"


@pytest.mark.corpus
def test_go_program_calling_symbols_of_go_2023_2102(corpus: Path) -> None:
    relative = "golang__vulndb/data/osv/GO-2023-2102.json"
    text = (corpus / relative).read_text(encoding="utf-8")
    advisory, _ = parse_advisory(json.loads(text), relative, text)
    matcher = SymbolMatcher(rules_from_osv(advisory, relative))
    files = [
        scan_fixture(p)
        for p in ("gateway/cmd/gateway/main.go", "gateway/cmd/gateway/main_test.go", "gateway/internal/h2/h2.go")
    ]
    result = match_files("gateway", files, matcher)
    assert result.verdict == "called"
    assert [(s.path, s.line, s.column, s.symbol, s.package) for s in result.sites] == [
        ("gateway/cmd/gateway/main.go", 16, 16, "net/http.Server.ListenAndServe", "pkg:golang/stdlib"),
        ("gateway/internal/h2/h2.go", 18, 4, "golang.org/x/net/http2.Server.ServeConn", "pkg:golang/golang.org/x/net"),
    ]
