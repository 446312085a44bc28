"""Vulnerable symbols from OSV records of the corpus, and the curated set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planner.advisories.osv import parse_advisory
from planner.reachability.curated import curated_rules, rules_for
from planner.reachability.osv_symbols import rules_from_osv

GO = "golang__vulndb/data/osv/GO-2023-2102.json"
GHSA = "github__advisory-database/advisories/github-reviewed/2020/07/GHSA-p6mc-m468-83gw/GHSA-p6mc-m468-83gw.json"


def _rules(corpus: Path, relative: str):
    text = (corpus / relative).read_text(encoding="utf-8")
    advisory, _ = parse_advisory(json.loads(text), relative, text)
    assert advisory is not None
    return rules_from_osv(advisory, relative)


@pytest.mark.corpus
def test_go_imports_and_symbols(corpus: Path) -> None:
    stdlib, xnet = _rules(corpus, GO)
    assert stdlib.package == "pkg:golang/stdlib" and stdlib.symbols.modules == ("net/http",)
    assert stdlib.symbols.patterns[:5] == (
        "net/http.ListenAndServe", "net/http.ListenAndServeTLS", "net/http.Serve", "net/http.ServeTLS",
        "net/http.Server.ListenAndServe",
    )  # fmt: skip
    assert len(stdlib.symbols.patterns) == 13
    assert xnet.package == "pkg:golang/golang.org/x/net"
    assert xnet.symbols.patterns[0] == "golang.org/x/net/http2.Server.ServeConn"
    assert xnet.affects("0.13.0") is True and xnet.affects("0.17.0") is False
    assert stdlib.affects("1.21.2") is True and stdlib.affects("1.21.3") is False
    assert set(stdlib.advisories) == {"GO-2023-2102", "CVE-2023-44487", "CVE-2023-39325", "GHSA-4374-p667-p6c8"}


@pytest.mark.corpus
def test_ghsa_affected_functions(corpus: Path) -> None:
    lodash, lodash_es = _rules(corpus, GHSA)
    assert (lodash.package, lodash.symbols.patterns, lodash.symbols.modules) == (
        "pkg:npm/lodash", ("lodash.baseSet",), ("lodash",),
    )  # fmt: skip
    assert lodash_es.package == "pkg:npm/lodash-es"
    assert lodash.affects("4.17.19") is True and lodash.affects("4.17.20") is False


def test_rustsec_affects_functions() -> None:
    data = {
        "id": "RUSTSEC-2021-0003", "modified": "2021-01-08T00:00:00Z",
        "affected": [{
            "package": {"ecosystem": "crates.io", "name": "smallvec"},
            "ranges": [{"type": "SEMVER", "events": [{"introduced": "0.6.3"}, {"fixed": "1.6.1"}]}],
            "ecosystem_specific": {"affects": {"functions": ["smallvec::SmallVec::insert_many"]}},
        }],
    }  # fmt: skip
    advisory, _ = parse_advisory(data, "RUSTSEC-2021-0003.json")
    (rule,) = rules_from_osv(advisory)
    assert (rule.package, rule.symbols.patterns, rule.symbols.modules) == (
        "pkg:cargo/smallvec", ("smallvec::SmallVec::insert_many",), ("smallvec",),
    )  # fmt: skip


def test_entries_without_symbols_give_no_rule() -> None:
    ranges = [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]
    data = {
        "id": "GHSA-x",
        "modified": "2021-01-01T00:00:00Z",
        "affected": [{"package": {"ecosystem": "Maven", "name": "a:b"}, "ranges": ranges}],
    }
    advisory, _ = parse_advisory(data, "GHSA-x.json")
    assert rules_from_osv(advisory) == []


def test_the_curated_set_is_clean_and_cites_its_sources() -> None:
    rules = curated_rules()
    assert len(rules) >= 10
    for rule in rules:
        assert rule.sources and all(s.startswith("https://") for s in rule.sources), rule.id
        assert rule.advisories, rule.id
        assert rule.symbols.patterns and rule.symbols.modules, rule.id


def test_curated_log4shell_reaches_log4j_core_through_the_logging_apis() -> None:
    (rule,) = rules_for("CVE-2021-44228")
    assert rule.package == "pkg:maven/org.apache.logging.log4j/log4j-core"
    assert [g.package for g in rule.through] == [
        "pkg:maven/org.apache.logging.log4j/log4j-api",
        "pkg:maven/org.slf4j/slf4j-api",
        "pkg:maven/org.apache.logging.log4j/log4j-1.2-api",
        "pkg:maven/commons-logging/commons-logging",
    ]
    assert rules_for("ghsa-jfh8-c2jp-5v3q") == [rule]
    assert {r.id for r in rules_for("GO-2023-2102")} == {"http2-rapid-reset-stdlib", "http2-rapid-reset-x-net"}
    assert {r.id for r in rules_for("CVE-2021-23337")} == {
        "lodash-template",
        "lodash-es-template",
        "lodash.template-package",
    }
