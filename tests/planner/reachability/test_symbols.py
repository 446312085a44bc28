"""Symbol patterns, return-type rewriting and matching rules."""

from __future__ import annotations

import re

import pytest

from planner.reachability.records import CallSite, Import
from planner.reachability.symbols import SymbolGroup, SymbolMatcher, SymbolRule, pattern_regex

API = SymbolGroup(
    "pkg:maven/org.apache.logging.log4j/log4j-api",
    ("org.apache.logging.log4j.Logger.{info,warn}", "org.apache.logging.log4j.LogBuilder.log"),
    ("org.apache.logging.log4j",),
)
RULE = SymbolRule(
    "probe",
    "pkg:maven/org.apache.logging.log4j/log4j-core",
    SymbolGroup(
        "pkg:maven/org.apache.logging.log4j/log4j-core",
        ("org.apache.logging.log4j.core.**",),
        ("org.apache.logging.log4j.core",),
    ),
    through=(API,),
    returns=(
        ("org.apache.logging.log4j.LogManager.getLogger", "org.apache.logging.log4j.Logger"),
        ("org.apache.logging.log4j.Logger.at*", "org.apache.logging.log4j.LogBuilder"),
        ("org.apache.logging.log4j.LogBuilder.with*", "org.apache.logging.log4j.LogBuilder"),
    ),
)


def call(symbol: str, module: str = "org.apache.logging.log4j", *alternatives: str) -> CallSite:
    return CallSite(symbol, module, 1, 1, "data", "field", alternatives)


@pytest.mark.parametrize(
    ("pattern", "symbol", "matches"),
    [
        ("a.B.*", "a.B.info", True),
        ("a.B.*", "a.B.info().log", False),  # * stays within one name
        ("a.B.**", "a.B.info().log", True),
        ("a.B.at*().log", "a.B.atInfo().log", True),
        ("a.B.{x,y}", "a.B.y", True),
        ("a.B.{x,y}", "a.B.z", False),
        ("net/http.Server.*", "net/http.Server.ListenAndServe", True),
        ("lodash.template", "lodash.templateSettings", False),
    ],
)
def test_pattern_wildcards(pattern: str, symbol: str, matches: bool) -> None:
    assert bool(re.fullmatch(pattern_regex(pattern), symbol)) is matches


def test_chains_are_rewritten_with_return_types() -> None:
    m = SymbolMatcher([RULE])
    assert m.rewrite("org.apache.logging.log4j.LogManager.getLogger().info") == "org.apache.logging.log4j.Logger.info"
    assert (
        m.rewrite("org.apache.logging.log4j.Logger.atInfo().withThrowable().log")
        == "org.apache.logging.log4j.LogBuilder.log"
    )
    assert m.rewrite("com.x.Factory.make().run") == "com.x.Factory.make().run"  # unknown: kept


def test_match_names_the_group_and_the_pattern() -> None:
    m = SymbolMatcher([RULE])
    found = m.match(call("org.apache.logging.log4j.LogManager.getLogger().warn"))
    assert found is not None
    assert (found.group.package, found.pattern, found.symbol) == (
        API.package,
        "org.apache.logging.log4j.Logger.{info,warn}",
        "org.apache.logging.log4j.Logger.warn",
    )
    assert m.match(call("org.apache.logging.log4j.Logger.isDebugEnabled")) is None
    core = m.match(call("org.apache.logging.log4j.core.LoggerContext.reconfigure", "org.apache.logging.log4j.core"))
    assert core is not None and core.group.package.endswith("/log4j-core")


def test_alternatives_of_a_wildcard_import_are_tried() -> None:
    m = SymbolMatcher([RULE])
    site = call("org.other.Logger.info", "org.other", "org.apache.logging.log4j.Logger.info")
    assert m.match(site) is not None


def test_the_call_must_come_through_the_groups_module() -> None:
    npm = SymbolGroup("pkg:npm/lodash.template", ("lodash.template",), ("lodash.template",))
    m = SymbolMatcher([SymbolRule("t", npm.package, npm)])
    assert m.match(call("lodash.template", "lodash.template")) is not None  # require('lodash.template')(…)
    assert m.match(call("lodash.template", "lodash")) is None  # _.template of the lodash package


def test_requires_limits_a_group_to_projects_with_the_binding() -> None:
    slf4j = SymbolGroup("pkg:maven/org.slf4j/slf4j-api", ("org.slf4j.Logger.info",), ("org.slf4j",), ("pkg:x/binding",))
    m = SymbolMatcher([SymbolRule("s", "pkg:x/core", slf4j)])
    site = call("org.slf4j.Logger.info", "org.slf4j")
    assert m.match(site, resolved={"pkg:x/binding"}) is not None
    assert m.match(site, resolved={"pkg:x/other"}) is None
    assert m.match(site, resolved=None) is not None  # not known: counted


def test_imports_of_a_namespace() -> None:
    m = SymbolMatcher([RULE])
    assert m.imported(Import("org.apache.logging.log4j.Logger", "Logger", "type", 3, "org.apache.logging.log4j"))
    assert m.imported(Import("org.apache.logging", None, "wildcard", 3, "org.apache.logging"))
    assert m.imported(Import("org.apache.commons.Lang", "Lang", "type", 3, "org.apache.commons")) is None
