"""apache/jspwiki's Logger call sites as checked by hand (../shared/sources/apache__jspwiki, 603 Java files).

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
from pathlib import Path

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


def oracle(root: Path) -> set[tuple[str, int]]:
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
