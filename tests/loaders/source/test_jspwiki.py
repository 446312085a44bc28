"""Precision and recall of Java call sites on a real repository: apache/jspwiki (603 Java files of
../shared/sources; its README counts 762 Logger call sites line by line). Skips when absent.

The hand-checked ground truth is in tests/loaders/source/jspwiki_oracle.py.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from planner.reachability.curated import rules_for
from planner.reachability.inherit import resolve_inherited
from planner.reachability.scan_files import scan_files, source_files
from planner.reachability.symbols import SymbolMatcher
from tests.loaders.source.jspwiki_oracle import INHERITED, INLINE, LOG_METHOD, README_COUNTS, XMLRPC_SITES, oracle

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def jspwiki(sources: Path):
    root = sources / "apache__jspwiki"
    scans = list(scan_files(source_files(root), root))
    by_module: dict[str, list] = {}
    for s in scans:
        by_module.setdefault(s.path.split("/")[0], []).append(s)
    resolved = [s for files in by_module.values() for s in resolve_inherited(files)]
    return root, scans, resolved


def _logger_sites(scans, vias=None) -> set[tuple[str, int]]:
    return {
        (s.path, c.line)
        for s in scans
        for c in s.calls
        if LOG_METHOD.match(c.symbol) and (vias is None or c.via in vias)
    }


def test_every_java_file_is_read(jspwiki) -> None:
    _, scans, _ = jspwiki
    assert len(scans) == 603
    assert [w for s in scans for w in s.warnings] == []


def test_the_oracle_reproduces_the_readme_counts(jspwiki) -> None:
    root, _, _ = jspwiki
    sites = oracle(root)
    per_module = Counter(path.split("/")[0] for path, _ in sites)
    assert {m: per_module[m] for m in README_COUNTS} == README_COUNTS
    assert sum(README_COUNTS.values()) == 762
    assert {s for s in sites if s[0].startswith("jspwiki-xmlrpc/")} == XMLRPC_SITES


def test_declared_loggers_match_the_line_count_exactly(jspwiki) -> None:
    root, scans, _ = jspwiki
    assert _logger_sites(scans, {"field", "local", "parameter"}) == oracle(root)


def test_precision_and_recall_with_inherited_and_inline_loggers(jspwiki) -> None:
    root, _, resolved = jspwiki
    truth = oracle(root) | INHERITED | INLINE
    assert len(truth) == 762 + 12 + 35 + 15
    matcher = SymbolMatcher(rules_for("CVE-2021-44228"))
    found = {
        (s.path, c.line)
        for s in resolved
        for c in s.calls
        if (m := matcher.match(c)) is not None and m.group.package.endswith("/log4j-api")
        and LOG_METHOD.match(m.symbol)
    }  # fmt: skip
    assert _logger_sites(resolved, {"inherited"}) == INHERITED
    precision = len(found & truth) / len(found)
    recall = len(found & truth) / len(truth)
    assert precision >= 0.98 and recall >= 0.98, (
        precision,
        recall,
        sorted(truth - found)[:5],
        sorted(found - truth)[:5],
    )
    assert found == truth
