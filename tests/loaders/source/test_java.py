"""Java scanner: imports, declared types, scopes, chains, inheritance; expectations by hand."""

from __future__ import annotations

from loaders.source import scan_source
from planner.reachability.inherit import resolve_inherited
from tests.conftest import calls_of, scan_fixture

LOGGER = "org.apache.logging.log4j.Logger"
CONTROLLER = "orders-service/src/main/java/com/acme/orders/web/OrderController.java"


def test_spring_controller_call_sites() -> None:
    scan = scan_fixture(CONTROLLER)
    assert scan.language == "java" and scan.scope == "main" and scan.namespace == "com.acme.orders.web"
    assert scan.warnings == () and scan.skipped is None
    assert calls_of(scan) == [
        ("org.apache.logging.log4j.LogManager.getLogger", 22, 50, "constant", "import"),
        (f"{LOGGER}.info", 28, 13, "constant", "field"),
        (f"{LOGGER}.info", 34, 13, "data", "field"),  # the request header goes into the message
        ("com.acme.orders.OrderRepository.findById", 35, 40, "data", "field"),
        ("java.util.Optional.isEmpty", 36, 19, "none", "local"),
        (f"{LOGGER}.atWarn", 37, 17, "none", "field"),
        (f"{LOGGER}.atWarn().log", 37, 26, "data", "field"),
        ("org.springframework.http.ResponseEntity.notFound", 38, 35, "none", "import"),
        ("org.springframework.http.ResponseEntity.notFound().build", 38, 46, "none", "import"),
        (f"{LOGGER}.debug", 40, 13, "constant", "field"),
        ("org.springframework.http.ResponseEntity.ok", 41, 31, "data", "import"),
        ("java.util.Optional.get", 41, 40, "none", "local"),
        # line 46: LOG is a local String there, so LOG.trim() is not a logging call
        (f"{LOGGER}.error", 47, 16, "data", "parameter"),
    ]


def test_imports_are_recorded_with_their_lines() -> None:
    scan = scan_fixture(CONTROLLER)
    targets = [(i.target, i.local, i.kind, i.line, i.module) for i in scan.imports]
    assert targets[:3] == [
        ("java.util.Optional", "Optional", "type", 6, "java.util"),
        ("org.apache.logging.log4j.LogManager", "LogManager", "type", 8, "org.apache.logging.log4j"),
        (LOGGER, "Logger", "type", 9, "org.apache.logging.log4j"),
    ]
    assert len(targets) == 10


def test_test_sources_have_test_scope() -> None:
    scan = scan_fixture("orders-service/src/test/java/com/acme/orders/web/OrderControllerTest.java")
    assert scan.scope == "test"
    assert (f"{LOGGER}.info", 13, 13, "constant", "field") in calls_of(scan)


def test_field_inherited_from_a_class_in_another_file() -> None:
    base = scan_fixture("acme-logging/logging-core/src/main/java/com/acme/logging/AuditLog.java")
    sub = scan_fixture("acme-logging/logging-core/src/main/java/com/acme/logging/SecurityAuditLog.java")
    assert sub.calls == ()
    assert [(o.owners, o.receiver, o.rest, o.line) for o in sub.open_calls] == [
        (("com.acme.logging.SecurityAuditLog",), "LOG", ".warn", 7)
    ]
    resolved = resolve_inherited([base, sub])[1]
    assert calls_of(resolved) == [(f"{LOGGER}.warn", 7, 13, "data", "inherited")]


def test_static_imports_wildcards_and_qualified_names() -> None:
    src = b"""package a;
import static org.apache.logging.log4j.LogManager.getLogger;
import org.apache.logging.log4j.*;
class A {
  static final Logger L = getLogger();
  void f(String s) {
    L.info(s);
    org.apache.logging.log4j.LogManager.getRootLogger().warn("x" + 1);
    var v = new org.apache.commons.text.StringSubstitutor();
    v.replace(s);
    String.format("%s", s);
  }
}
"""
    scan = scan_source(src, "a/src/main/java/a/A.java")
    assert calls_of(scan) == [
        ("org.apache.logging.log4j.LogManager.getLogger", 5, 27, "none", "static-import"),
        ("org.apache.logging.log4j.Logger.info", 7, 7, "data", "wildcard"),
        ("org.apache.logging.log4j.LogManager.getRootLogger", 8, 41, "none", "qualified"),
        ("org.apache.logging.log4j.LogManager.getRootLogger().warn", 8, 57, "constant", "qualified"),
        ("org.apache.commons.text.StringSubstitutor.<init>", 9, 13, "none", "qualified"),
        ("org.apache.commons.text.StringSubstitutor.replace", 10, 7, "data", "local"),
    ]
    assert [(i.target, i.kind) for i in scan.imports] == [
        ("org.apache.logging.log4j.LogManager.getLogger", "static"),
        ("org.apache.logging.log4j", "wildcard"),
    ]


def test_inner_classes_lambdas_and_shadowing() -> None:
    src = b"""package a;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
class A {
  private final Logger log = LoggerFactory.getLogger(A.class);
  class Inner { void g() { log.info("inner"); } }
  void h(java.util.List<String> xs) {
    xs.forEach(log -> log.length());
    Runnable r = () -> log.warn("lambda");
    for (Logger l : java.util.List.of(log)) { l.error("loop"); }
  }
}
"""
    calls = calls_of(scan_source(src, "a/A.java"))
    assert calls == [
        ("org.slf4j.LoggerFactory.getLogger", 5, 44, "constant", "import"),
        ("org.slf4j.Logger.info", 6, 32, "constant", "field"),
        ("java.util.List.forEach", 8, 8, "data", "parameter"),  # log.length(): the lambda's own log
        ("org.slf4j.Logger.warn", 9, 28, "constant", "field"),
        ("java.util.List.of", 10, 36, "data", "qualified"),
        ("org.slf4j.Logger.error", 10, 49, "constant", "local"),
    ]


def test_a_method_reference_is_a_call_with_values_from_elsewhere() -> None:
    src = b"""package a;
import org.apache.logging.log4j.Logger;
class A {
  Logger log;
  void f(Iterable<String> xs) {
    xs.forEach(log::warn);
  }
}
"""
    assert calls_of(scan_source(src, "a/A.java")) == [(f"{LOGGER}.warn", 6, 21, "data", "field")]
