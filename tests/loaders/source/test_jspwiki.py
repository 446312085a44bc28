"""Precision and recall of Java call sites on a real repository: apache/jspwiki (603 Java files of
../shared/sources; its README counts 762 Logger call sites line by line). Skips when absent.

Ground truth, checked by hand and written down here:
* the README's per-module counts of calls of trace/debug/info/warn/error/fatal/log/printf/at* on
  names declared as ``org.apache.logging.log4j.Logger`` in the file (762 over the reactor's
  modules), which a line-based reading of the files reproduces exactly (the oracle below);
* jspwiki-xmlrpc, which the root pom does not list as a module (so the README leaves it out):
  12 such calls (MetaWeblogHandler 9, RPCServlet 3);
* 35 calls on ``LOG`` that XMLUserDatabase and JDBCUserDatabase inherit from AbstractUserDatabase
  (``protected static final Logger LOG`` in another file), which a per-file count cannot see;
* 15 calls on ``LogManager.getLogger(X.class)`` written inline, Loggers "obtained in other ways".
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from planner.reachability.curated import rules_for
from planner.reachability.inherit import resolve_inherited
from planner.reachability.scan_files import scan_files, source_files
from planner.reachability.symbols import SymbolMatcher

pytestmark = pytest.mark.corpus

README_COUNTS = {
    "jspwiki-main": 654, "jspwiki-util": 57, "jspwiki-kendra-searchprovider": 16, "jspwiki-210-adapters": 10,
    "jspwiki-event": 8, "jspwiki-markdown": 6, "jspwiki-api": 2, "jspwiki-bootstrap": 2, "jspwiki-cache": 2,
    "jspwiki-tika-searchprovider": 2, "jspwiki-wysiwyg": 2, "jspwiki-http": 1,
}  # fmt: skip
XMLRPC = "jspwiki-xmlrpc/src/main/java/org/apache/wiki/xmlrpc/"
XMLRPC_SITES = {(XMLRPC + "MetaWeblogHandler.java", n) for n in (172, 205, 222, 226, 252, 269, 289, 306, 310)} | {
    (XMLRPC + "RPCServlet.java", n) for n in (102, 112, 142)
}
USERS = "jspwiki-main/src/main/java/org/apache/wiki/auth/user/"
INHERITED = {(USERS + "JDBCUserDatabase.java", n) for n in (409, 501, 508, 511, 519, 522, 541, 595, 760)} | {
    (USERS + "XMLUserDatabase.java", n)
    for n in (172, 187, 196, 202, 216, 222, 240, 244, 246, 248, 250, 252, 260, 323, 327, 330, 332, 334, 342, 368,
              383, 410, 427, 564, 604, 648)
}  # fmt: skip
MAIN = "jspwiki-main/src/main/java/org/apache/wiki/"
API = "jspwiki-api/src/main/java/org/apache/wiki/api/core/Engine.java"
ADAPTERS = "jspwiki-210-adapters/src/main/java/org/apache/wiki/api/"
INLINE = {
    (MAIN + "ui/TemplateManager.java", 358), (MAIN + "attachment/AttachmentManager.java", 153),
    (MAIN + "attachment/AttachmentManager.java", 288), (MAIN + "attachment/AttachmentManager.java", 305),
    (MAIN + "render/RenderingManager.java", 163), (API, 255), (API, 266), (API, 278), (API, 282), (API, 303),
    (API, 305), (ADAPTERS + "plugin/WikiPlugin.java", 41), (ADAPTERS + "plugin/WikiPlugin.java", 42),
    (ADAPTERS + "filters/BasicPageFilter.java", 46), (ADAPTERS + "filters/BasicPageFilter.java", 47),
}  # fmt: skip
LOG_METHOD = re.compile(r"org\.apache\.logging\.log4j\.Logger\.(?:trace|debug|info|warn|error|fatal|log|printf|at\w+)$")


def _oracle(root: Path) -> set[tuple[str, int]]:
    """The README's line-based count: calls on names declared ``Logger`` in files importing it."""
    sites: set[tuple[str, int]] = set()
    for file in sorted(root.rglob("*.java")):
        text = file.read_text(encoding="utf-8")
        names = set(re.findall(r"\bLogger\s+(\w+)\s*[=;,)]", text))
        if "import org.apache.logging.log4j.Logger;" not in text or not names:
            continue
        call = re.compile(
            r"\b(?:" + "|".join(names) + r")\s*\.\s*(?:trace|debug|info|warn|error|fatal|log|printf|at[A-Z]\w*)\s*\("
        )
        for n, line in enumerate(text.split("\n"), 1):
            if not line.strip().startswith(("//", "*", "/*")) and call.search(line):
                sites.add((file.relative_to(root).as_posix(), n))
    return sites


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
    oracle = _oracle(root)
    per_module = Counter(path.split("/")[0] for path, _ in oracle)
    assert {m: per_module[m] for m in README_COUNTS} == README_COUNTS
    assert sum(README_COUNTS.values()) == 762
    assert {s for s in oracle if s[0].startswith("jspwiki-xmlrpc/")} == XMLRPC_SITES


def test_declared_loggers_match_the_line_count_exactly(jspwiki) -> None:
    root, scans, _ = jspwiki
    assert _logger_sites(scans, {"field", "local", "parameter"}) == _oracle(root)


def test_precision_and_recall_with_inherited_and_inline_loggers(jspwiki) -> None:
    root, _, resolved = jspwiki
    truth = _oracle(root) | INHERITED | INLINE
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
