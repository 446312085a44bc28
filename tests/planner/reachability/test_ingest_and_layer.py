"""Source scanning during ingest, CALLS edges in the graph and the exposure reachability layer,
on examples/ (expected sites written by hand from the source files; examples/README.md)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from planner import exposure
from planner.ingest import ingest
from planner.reachability import layer
from planner.render import reachability_view
from tests.conftest import EXAMPLES

LOG4SHELL = "GHSA-jfh8-c2jp-5v3q"
ORDERS = "orders-service/.#pkg:maven/com.acme.orders/orders-service"
CORE = "acme-logging/logging-core#pkg:maven/com.acme.logging/logging-core"
CONTROLLER = "src/main/java/com/acme/orders/web/OrderController.java"
AUDIT = "logging-core/src/main/java/com/acme/logging/AuditLog.java"
SECURITY = "logging-core/src/main/java/com/acme/logging/SecurityAuditLog.java"


def _calls(store, project: str, prefix: str) -> list[tuple[str, str, int, list[str]]]:
    rows = store.query("find_callers", {"prefix": prefix})
    return [(r["symbol"], r["scope"], r["count"], r["sites"]) for r in rows if r["project"] == project]


def test_ingest_scans_sources_and_writes_calls_edges(store) -> None:
    report = ingest(store, [EXAMPLES])
    assert report.by_loader["source"] == 11 and report.errors == [] and report.warnings == []
    assert report.calls["files"] == 11 and report.calls["assigned"] == 11
    got = _calls(store, ORDERS, "org.apache.logging.log4j.")  # columns: the called name, as the scanners give
    assert [c for c in got if c[1] == "main"] == [
        ("org.apache.logging.log4j.LogManager.getLogger", "main", 1, [f"{CONTROLLER}:22:50"]),
        ("org.apache.logging.log4j.Logger.atWarn", "main", 1, [f"{CONTROLLER}:37:17"]),
        ("org.apache.logging.log4j.Logger.atWarn().log", "main", 1, [f"{CONTROLLER}:37:26"]),
        ("org.apache.logging.log4j.Logger.debug", "main", 1, [f"{CONTROLLER}:40:13"]),
        ("org.apache.logging.log4j.Logger.error", "main", 1, [f"{CONTROLLER}:47:16"]),
        ("org.apache.logging.log4j.Logger.info", "main", 2, [f"{CONTROLLER}:28:13", f"{CONTROLLER}:34:13"]),
    ]
    # the inherited LOG of SecurityAuditLog (declared by AuditLog in another file) resolves at ingest
    core = _calls(store, CORE, "org.apache.logging.log4j.Logger.")
    assert core == [
        ("org.apache.logging.log4j.Logger.info", "main", 1, [f"{AUDIT}:12:13"]),
        ("org.apache.logging.log4j.Logger.warn", "main", 1, [f"{SECURITY}:7:13"]),
    ]
    # the test file's calls are kept apart, with scope test
    test = "src/test/java/com/acme/orders/web/OrderControllerTest.java"
    assert [c for c in got if c[1] == "test"] == [
        ("org.apache.logging.log4j.LogManager.getLogger", "test", 1, [f"{test}:9:50"]),
        ("org.apache.logging.log4j.Logger.info", "test", 1, [f"{test}:13:13"]),
    ]


def test_reingest_skips_unchanged_sources_and_no_scan_leaves_them_out(store, tmp_path: Path) -> None:
    org = tmp_path / "examples"
    shutil.copytree(EXAMPLES, org)
    first = ingest(store, [org])
    again = ingest(store, [org])
    assert (again.loaded, again.unchanged) == (0, first.files)
    controller = org / "orders-service" / CONTROLLER
    controller.write_text(controller.read_text().replace('LOG.debug("found");', ""), encoding="utf-8")
    changed = ingest(store, [org])
    assert (changed.loaded, changed.by_loader["source"]) == (1, 1)
    assert [c[0] for c in _calls(store, ORDERS, "org.apache.logging.log4j.Logger.debug")] == []
    store.reset()
    plain = ingest(store, [org], scan=False)
    assert plain.files == first.files - 11 and "source" not in plain.by_loader
    assert store.query("count_scanned_files") == [{"files": 0}]


def test_bad_sources_are_warnings_and_the_ingest_goes_on(store, tmp_path: Path) -> None:
    repo = tmp_path / "svc"
    (repo / "src").mkdir(parents=True)
    (repo / "requirements.txt").write_text("pyyaml==5.3\n", encoding="utf-8")
    (repo / "src" / "ok.py").write_text("import yaml\nyaml.load(open('x'))\n", encoding="utf-8")
    (repo / "src" / "latin1.py").write_bytes(b"# caf\xe9\nimport yaml\nyaml.load(s)\n")
    (repo / "src" / "blob.py").write_bytes(b"\x00\x01binary")
    (repo / "src" / "big.min.js").write_text("var a=1;" * 10, encoding="utf-8")
    report = ingest(store, [repo])
    assert report.errors == [] and report.by_loader["source"] == 4
    assert sorted(report.warnings) == [
        f"{repo}/src/big.min.js:0: minified JavaScript (by its name); skipped",
        f"{repo}/src/blob.py:0: binary content (NUL bytes), not source text; skipped",
        f"{repo}/src/latin1.py:1: not UTF-8 (byte 0xe9); undecodable bytes replaced and the file read",
    ]
    sites = store.query("find_callers", {"prefix": "yaml.load"})
    assert [(r["package"], r["sites"]) for r in sites] == [("pkg:pypi/pyyaml", ["src/latin1.py:3:6", "src/ok.py:2:6"])]


def _layer(store) -> dict[str, dict]:
    report = exposure.assess(store, exposure.affected_from_store(store, LOG4SHELL))
    layer.add_reachability(store, report, layer.rules_for_report(report))
    return {p.name.split(":")[1]: p.reachability for p in report.projects}


def test_exposure_layer_called_through_the_logging_library(store) -> None:
    ingest(store, [EXAMPLES])
    got = _layer(store)
    assert {k: v["verdict"] for k, v in got.items()} == {
        "logging-core": "called",
        "orders-service": "called",
        "commons-util": "called",
        "auth-client": "called",
        "platform-web": "called",
        "billing-service": "called",
        "integration-tests": "not-scanned",
    }
    billing = got["billing-service"]
    assert billing["through"] == [CORE]
    assert [(s["repo"], s["location"], s["arguments"], s["via"]) for s in billing["sites"]] == [
        ("acme-logging", f"{AUDIT}:12:13", "data", "field"),
        ("acme-logging", f"{SECURITY}:7:13", "data", "inherited"),
    ]
    orders = got["orders-service"]
    own = [(s["location"], s["arguments"]) for s in orders["sites"] if s["through"] is None]
    assert own == [
        (f"{CONTROLLER}:28:13", "constant"),
        (f"{CONTROLLER}:34:13", "data"),
        (f"{CONTROLLER}:37:26", "data"),
        (f"{CONTROLLER}:40:13", "constant"),
        (f"{CONTROLLER}:47:16", "data"),
    ]


def test_no_layer_when_nothing_was_scanned(store) -> None:
    ingest(store, [EXAMPLES], scan=False)
    report = exposure.assess(store, exposure.affected_from_store(store, LOG4SHELL))
    layer.add_reachability(store, report, layer.rules_for_report(report))
    assert all(p.reachability is None for p in report.projects)
    assert "reachability" not in report.as_dict()
    assert reachability_view.headline(report.projects) is None


@pytest.mark.parametrize("rules", [[]])
def test_no_rules_is_said_not_guessed(store, rules) -> None:
    ingest(store, [EXAMPLES])
    report = exposure.assess(store, exposure.affected_from_store(store, LOG4SHELL))
    layer.add_reachability(store, report, rules)
    assert all(p.reachability is None for p in report.projects)
    assert report.problems[-1].startswith("reachability not assessed: no vulnerable symbols are known")


def test_sarif_markdown_and_table_carry_the_call_sites(store) -> None:
    from planner.render import exposure_view

    ingest(store, [EXAMPLES])
    report = exposure.assess(store, exposure.affected_from_store(store, LOG4SHELL))
    layer.add_reachability(store, report, layer.rules_for_report(report))
    results = exposure_view.sarif(report)["runs"][0]["results"]
    at_sites = [r for r in results if r["properties"].get("reachability") == "called" and "symbol" in r["properties"]]
    where = [
        (
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            r["locations"][0]["physicalLocation"]["region"]["startColumn"],
            len(r["properties"]["projects"]),
        )
        for r in at_sites
    ]
    # logging-core's two sites once each (run by logging-core and the five projects above it), orders' five
    assert where == [
        ("acme-logging/" + AUDIT, 12, 13, 6),
        ("acme-logging/" + SECURITY, 7, 13, 6),
        (f"orders-service/{CONTROLLER}", 28, 13, 1),
        (f"orders-service/{CONTROLLER}", 34, 13, 1),
        (f"orders-service/{CONTROLLER}", 37, 26, 1),
        (f"orders-service/{CONTROLLER}", 40, 13, 1),
        (f"orders-service/{CONTROLLER}", 47, 16, 1),
    ]
    text = exposure_view.markdown(report)
    assert "| verdict | called? | project |" in text
    # the headline's split: logging-core and orders-service call it in their own code, the four above
    # logging-core only through it; integration-tests has no sources
    assert "\nreachability: called in 6 (2 in their own code, 4 only through a library), not-scanned 1\n" in text
    assert "| exposed | called through logging-core (2 sites) | com.acme.billing:billing-service |" in text
    assert f"- com.acme.orders:orders-service: `orders-service/{CONTROLLER}:34:13` " in text
    assert "- com.acme.billing:billing-service: called through logging-core" in text


def test_usage_command_lists_the_most_used_functions(store, data_dir: Path) -> None:
    import json

    from click.testing import CliRunner

    from planner.cli import cli

    ingest(store, [EXAMPLES])
    run = CliRunner().invoke
    doc = json.loads(run(cli, ["--data-dir", str(data_dir), "usage", "pkg:maven/org.apache.logging.log4j/log4j-api",
                               "--format", "json"]).output)  # fmt: skip
    got = [
        (s["symbol"].removeprefix("org.apache.logging.log4j."), s["calls"], s["repositories"]) for s in doc["symbols"]
    ]
    assert got == [
        ("Logger.info", 3, ["acme-logging", "orders-service"]),  # AuditLog:12, OrderController:28 and :34
        ("LogManager.getLogger", 2, ["acme-logging", "orders-service"]),
        ("LogBuilder.log", 1, ["orders-service"]),  # LOG.atWarn().log(…), rewritten with the curated returns
        ("Logger.atWarn", 1, ["orders-service"]),
        ("Logger.debug", 1, ["orders-service"]),
        ("Logger.error", 1, ["orders-service"]),
        ("Logger.warn", 1, ["acme-logging"]),  # the inherited LOG of SecurityAuditLog
    ]
    assert doc["calls"] == 10
    # PyYAML: recommendations does not resolve it, so its calls are found by the package's module name
    doc = json.loads(run(cli, ["--data-dir", str(data_dir), "usage", "pkg:pypi/pyyaml", "--format", "json"]).output)
    assert [(s["symbol"], [x["location"] for x in s["sites"]]) for s in doc["symbols"]] == [
        ("yaml.load", ["recommendations/config_loader.py:10:21", "recommendations/config_loader.py:14:17",
                       "recommendations/config_loader.py:18:17"]),
        ("yaml.safe_load", ["recommendations/settings.py:6:12", "recommendations/settings.py:6:33"]),
    ]  # fmt: skip
    tests = json.loads(
        run(
            cli, ["--data-dir", str(data_dir), "usage", "pkg:pypi/pyyaml", "--scope", "test", "--format", "json"]
        ).output
    )
    assert [(s["symbol"], s["calls"]) for s in tests["symbols"]] == [("yaml.load", 1)]
    only = json.loads(
        run(cli, ["--data-dir", str(data_dir), "usage", "pkg:maven/org.apache.logging.log4j/log4j-api",
                  "--repo", "acme-logging", "--format", "json"]).output
    )  # fmt: skip
    assert only["calls"] == 3
    table = run(cli, ["--data-dir", str(data_dir), "usage", "pkg:npm/lodash", "--limit", "2"]).output
    assert table.startswith("lodash: 8 call(s) of 6 function(s) in main code")
    assert "… and 4 more function(s)" in table


def test_plan_json_and_runbook_carry_the_call_sites(store, data_dir: Path) -> None:
    import json

    from click.testing import CliRunner

    from planner.cli import cli

    ingest(store, [EXAMPLES])
    base = ["--data-dir", str(data_dir), "plan", "--advisory", LOG4SHELL, "--offline"]
    doc = json.loads(CliRunner().invoke(cli, [*base, "--format", "json"]).output)
    steps = {s["id"]: s for s in doc["steps"]}
    orders = steps[f"edit:{ORDERS}"]
    assert orders["reachability"] == "called"
    assert orders["call_sites"] == [
        f"orders-service/{CONTROLLER}:28:13",
        f"orders-service/{CONTROLLER}:34:13",
        f"orders-service/{CONTROLLER}:37:26",
        f"orders-service/{CONTROLLER}:40:13",
        f"orders-service/{CONTROLLER}:47:16",
        f"acme-logging/{AUDIT}:12:13",
        f"acme-logging/{SECURITY}:7:13",
    ]
    tests = steps["edit:integration-tests/.#pkg:maven/com.acme.qa/integration-tests"]
    assert (tests["reachability"], tests["call_sites"]) == ("not-scanned", [])
    runbook = CliRunner().invoke(cli, [*base, "--format", "markdown"]).output
    assert "Where the vulnerable code is called (reachability):" in runbook
    assert f"- edit orders-service: called at `orders-service/{CONTROLLER}:28:13`" in runbook
    assert "and 2 more" in runbook


def test_go_service_called_through_symbols_of_a_real_osv_record(store, corpus: Path, tmp_path: Path) -> None:
    """GO-2023-2102 (HTTP/2 rapid reset) names golang.org/x/net/http2 Server.ServeConn in its
    ecosystem_specific imports; the gateway fixture calls it (h2.go:18) and configures the x/net
    server (h2.go:12, the curated entry). Its net/http ListenAndServe (main.go:16) is the stdlib's
    symbol: not counted, the service is exposed through x/net only."""
    from tests.conftest import SOURCE_FIXTURES

    repo = tmp_path / "gateway"
    shutil.copytree(SOURCE_FIXTURES / "gateway", repo)
    (repo / "go.mod").write_text(
        "module example.com/gateway\n\ngo 1.21.1\n\nrequire golang.org/x/net v0.15.0\n", encoding="utf-8"
    )
    ingest(store, [repo])
    osv_file = str(corpus / "golang__vulndb/data/osv/GO-2023-2102.json")
    from planner.advisories import osv

    report = exposure.assess(store, exposure.affected_from_osv(osv.read_file(osv_file).advisory))
    layer.add_reachability(store, report, layer.rules_for_report(report, layer.osv_file_rules([osv_file])))
    (gateway,) = report.projects
    assert gateway.verdict == "exposed" and gateway.reachability["verdict"] == "called"
    assert [(s["location"], s["symbol"], s["arguments"]) for s in gateway.reachability["sites"]] == [
        ("internal/h2/h2.go:12:15", "golang.org/x/net/http2.ConfigureServer", "data"),
        ("internal/h2/h2.go:18:4", "golang.org/x/net/http2.Server.ServeConn", "data"),
    ]


def test_an_ingested_osv_record_keeps_its_symbols(store, corpus: Path, tmp_path: Path) -> None:
    """The same record ingested into the graph (not given as a file): exposure by id still knows
    http2.Server.ServeConn from its ecosystem_specific imports."""
    from tests.conftest import SOURCE_FIXTURES

    repo = tmp_path / "gateway"
    shutil.copytree(SOURCE_FIXTURES / "gateway", repo)
    (repo / "go.mod").write_text("module example.com/gateway\n\ngo 1.21.1\n\nrequire golang.org/x/net v0.15.0\n")
    advisories = tmp_path / "security"
    advisories.mkdir()
    shutil.copy(corpus / "golang__vulndb/data/osv/GO-2023-2102.json", advisories / "GO-2023-2102.json")
    ingest(store, [repo, advisories])
    affected = exposure.affected_from_store(store, "GO-2023-2102")
    report = exposure.assess(store, affected)
    stored = [r for r in layer.rules_for_report(report) if r.origin == "GO-2023-2102"]
    assert [(r.package, r.symbols.patterns[:1]) for r in stored] == [
        ("pkg:golang/golang.org/x/net", ("golang.org/x/net/http2.Server.ServeConn",)),
        ("pkg:golang/stdlib", ("net/http.ListenAndServe",)),
    ]
    layer.add_reachability(store, report, stored)  # the record's own symbols only, no curated entry
    (gateway,) = report.projects
    assert [s["location"] for s in gateway.reachability["sites"]] == ["internal/h2/h2.go:18:4"]


def test_html_report_shows_the_reachability_cell() -> None:
    from planner.render.reachability_view import cell

    site = {"through": None}
    lib = {"through": "acme-logging/logging-core#pkg:maven/com.acme.logging/logging-core"}
    assert cell(None) == ""
    assert cell({"verdict": "called", "sites": [site, site, lib]}) == "called (3 sites)"
    assert cell({"verdict": "called", "sites": [lib, lib]}) == "called through logging-core (2 sites)"
    assert cell({"verdict": "not-scanned", "sites": []}) == "not-scanned"


def test_worker_processes_scan_sources_like_this_process(store, monkeypatch) -> None:
    """Forked workers (forced on this small tree) read and scan code files the same way."""
    import planner.ingest as ingest_mod

    monkeypatch.setenv("DEPWAVE_INGEST_WORKERS", "0")
    ingest(store, [EXAMPLES])
    alone = sorted(
        (r["project"], r["symbol"], r["scope"], tuple(r["sites"])) for r in store.query("find_callers", {"prefix": ""})
    )
    store.reset()
    monkeypatch.setenv("DEPWAVE_INGEST_WORKERS", "2")
    monkeypatch.setattr(ingest_mod.workers, "WORKER_MIN_FILES", 1)
    report = ingest(store, [EXAMPLES])
    assert report.by_loader["source"] == 11 and report.errors == []
    forked = sorted(
        (r["project"], r["symbol"], r["scope"], tuple(r["sites"])) for r in store.query("find_callers", {"prefix": ""})
    )
    assert forked == alone and len(alone) == 35


@pytest.mark.parametrize("page", [3, 11])  # 11 scanned files: pages of 3, 3, 3, 2; one full page, then an empty one
def test_the_derivation_reads_files_a_page_at_a_time_and_writes_the_same_edges(store, monkeypatch, page) -> None:
    """The CALLS derivation keeps nothing per file: files are given to projects a page at a time, scans
    read a few projects at a time. Small pages and batches give the same edges and the same owners."""
    from planner.reachability import stored

    def graph() -> tuple[list, list]:
        calls = sorted(
            (r["project"], r["symbol"], r["scope"], tuple(r["sites"]))
            for r in store.query("find_callers", {"prefix": ""})
        )
        owners = sorted(
            (r["key"], r["project"])
            for r in store.run(
                "MATCH (s:SourceFile) WHERE s.scan IS NOT NULL RETURN s.key AS key, s.project AS project"
            )
        )
        return calls, owners

    ingest(store, [EXAMPLES])
    whole = graph()
    stored.delete_calls(store)
    store.run("MATCH (s:SourceFile) SET s.project = null", write=True)
    monkeypatch.setattr(stored, "PAGE", page)
    monkeypatch.setattr(stored, "CHUNK", 2)
    pages: list[str] = []
    query = store.query

    def spy(name, params=None):
        if name == "list_source_scans":
            pages.append(params["after"])
        return query(name, params)

    monkeypatch.setattr(store, "query", spy)
    keys = sorted(k for k, _ in whole[1])
    expected_after = [keys[i - 1] for i in range(page, len(keys) + 1, page)]  # the last key of each full page
    report = stored.derive_calls(store, "paged")
    assert report.as_dict() == {"files": 11, "assigned": 11, "edges": 35, "symbols": report.symbols}
    assert graph() == whole and len(whole[0]) == 35
    assert pages == ["", *expected_after]
    assert ("orders-service:" + CONTROLLER, ORDERS) in whole[1]
    assert ("acme-logging:" + AUDIT, CORE) in whole[1]
