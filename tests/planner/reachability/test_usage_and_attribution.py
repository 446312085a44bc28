"""Usage per symbol, and namespace -> package attribution (expectations by hand)."""

from __future__ import annotations

import pytest

from planner.reachability.attribution import (
    declared_namespaces,
    go_package,
    jvm_artifact,
    npm_package,
    python_distribution,
)
from planner.reachability.curated import rules_for
from planner.reachability.usage import usage
from tests.conftest import scan_fixture

ORDERS = "orders-service/src/main/java/com/acme/orders/web/OrderController.java"
AUDIT = "acme-logging/logging-core/src/main/java/com/acme/logging/AuditLog.java"
SECURITY = "acme-logging/logging-core/src/main/java/com/acme/logging/SecurityAuditLog.java"


def test_most_used_functions_of_log4j_api() -> None:
    projects = {
        "orders-service": [scan_fixture(ORDERS)],
        "logging-core": [scan_fixture(AUDIT), scan_fixture(SECURITY)],
    }
    returns = rules_for("CVE-2021-44228")[0].returns
    rows = usage(projects, ["org.apache.logging.log4j"], returns=returns)
    table = [(u.symbol.removeprefix("org.apache.logging.log4j."), u.calls, u.projects) for u in rows]
    assert table == [
        ("Logger.info", 3, ("logging-core", "orders-service")),  # AuditLog:12, OrderController:28 and :34
        ("LogManager.getLogger", 2, ("logging-core", "orders-service")),
        ("LogBuilder.log", 1, ("orders-service",)),
        ("Logger.atWarn", 1, ("orders-service",)),
        ("Logger.debug", 1, ("orders-service",)),
        ("Logger.error", 1, ("orders-service",)),
        ("Logger.warn", 1, ("logging-core",)),  # inherited LOG in SecurityAuditLog
    ]
    info = rows[0]
    assert info.examples == (f"{AUDIT}:12:13", f"{ORDERS}:28:13", f"{ORDERS}:34:13")
    assert [s.location for s in info.sites] == list(info.examples)


def test_npm_usage_keeps_packages_with_dots_apart() -> None:
    emails = scan_fixture("storefront/src/routes/emails.js")
    rows = usage({"storefront": [emails]}, ["lodash"], separators="/")
    assert [(u.symbol, u.calls) for u in rows] == [
        ("lodash.template", 2), ("lodash.template()", 2), ("lodash.escape", 1), ("lodash.merge", 1),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("path", "modules", "package"),
    [
        ("golang.org/x/net/http2", ["golang.org/x/net", "golang.org/x/text"], "pkg:golang/golang.org/x/net"),
        ("github.com/go-chi/chi/v5/middleware", ["github.com/go-chi/chi", "github.com/go-chi/chi/v5"],
         "pkg:golang/github.com/go-chi/chi/v5"),
        ("net/http", ["golang.org/x/net"], "pkg:golang/stdlib"),
    ],
)  # fmt: skip
def test_go_longest_module_path(path: str, modules: list[str], package: str) -> None:
    found = go_package(path, modules)
    assert found is not None and (found.package, found.attribution) == (package, "exact")


def test_go_unknown_module() -> None:
    assert go_package("example.com/other/pkg", ["golang.org/x/net"]) is None


@pytest.mark.parametrize(
    ("specifier", "package"),
    [
        ("lodash", "pkg:npm/lodash"),
        ("lodash/template", "pkg:npm/lodash"),
        ("lodash.template", "pkg:npm/lodash.template"),
        ("@aws-sdk/client-s3", "pkg:npm/%40aws-sdk/client-s3"),
        ("@aws-sdk/client-s3/dist-cjs/index.js", "pkg:npm/%40aws-sdk/client-s3"),
        ("./util", None),
        ("node:fs", None),
        ("fs", None),
    ],
)
def test_npm_specifiers(specifier: str, package: str | None) -> None:
    found = npm_package(specifier)
    assert (found.package if found else None) == package


def test_python_import_names() -> None:
    resolved = ["PyYAML", "beautifulsoup4", "requests", "google-cloud-storage"]
    assert python_distribution("yaml", resolved).package == "pkg:pypi/pyyaml"
    assert python_distribution("yaml.constructor", resolved).attribution == "inferred"
    assert python_distribution("bs4", resolved).package == "pkg:pypi/beautifulsoup4"
    assert python_distribution("requests.adapters", resolved).package == "pkg:pypi/requests"
    assert python_distribution("google.cloud.storage", resolved).package == "pkg:pypi/google-cloud-storage"
    assert python_distribution("PIL", resolved) is None  # Pillow is not resolved
    internal = python_distribution("acme_rec.models", [], {"acme_rec": "acme-recommendations"})
    assert (internal.package, internal.attribution) == ("pkg:pypi/acme-recommendations", "exact")


LOG4J = [
    "pkg:maven/org.apache.logging.log4j/log4j-api",
    "pkg:maven/org.apache.logging.log4j/log4j-core",
    "pkg:maven/org.apache.logging.log4j/log4j-1.2-api",
    "pkg:maven/com.fasterxml.jackson.core/jackson-databind",
    "pkg:maven/com.fasterxml.jackson.core/jackson-core",
    "pkg:maven/com.fasterxml.jackson.core/jackson-annotations",
]


@pytest.mark.parametrize(
    ("namespace", "package"),
    [
        ("org.apache.logging.log4j", "pkg:maven/org.apache.logging.log4j/log4j-api"),
        ("org.apache.logging.log4j.core.lookup", "pkg:maven/org.apache.logging.log4j/log4j-core"),
        ("com.fasterxml.jackson.databind.node", "pkg:maven/com.fasterxml.jackson.core/jackson-databind"),
        ("com.fasterxml.jackson.core", "pkg:maven/com.fasterxml.jackson.core/jackson-core"),
        ("com.fasterxml.jackson.annotation", "pkg:maven/com.fasterxml.jackson.core/jackson-annotations"),
    ],
)
def test_jvm_third_party_inferred(namespace: str, package: str) -> None:
    found = jvm_artifact(namespace, resolved=LOG4J)
    assert found is not None and (found.package, found.attribution) == (package, "inferred")


def test_jvm_internal_exact_and_ambiguous() -> None:
    internal = {"com.acme.logging": "pkg:maven/com.acme.logging/logging-core"}
    assert jvm_artifact("com.acme.logging.audit", internal, LOG4J).attribution == "exact"
    tie = jvm_artifact("org.example", resolved=["pkg:maven/org.example/a", "pkg:maven/org.example/b"])
    assert (tie.package, tie.attribution, tie.candidates) == (
        None, "ambiguous", ("pkg:maven/org.example/a", "pkg:maven/org.example/b"),
    )  # fmt: skip
    assert jvm_artifact("org.unrelated.x", resolved=LOG4J) is None


def test_internal_namespaces_from_package_declarations() -> None:
    core = "pkg:maven/com.acme.logging/logging-core"
    internal = declared_namespaces({core: [scan_fixture(AUDIT), scan_fixture(SECURITY)]})
    assert internal == {"com.acme.logging": core}
    found = jvm_artifact("com.acme.logging", internal, LOG4J)
    assert (found.package, found.attribution) == (core, "exact")
