"""Unified diffs that ``git apply`` and ``patch -p1`` take: ``a/``/``b/`` paths relative to the
repository root, the file's own line endings kept in the hunk lines, and the ``\\ No newline at end
of file`` marker where a file does not end with a newline."""

from __future__ import annotations

import difflib
import re

CONTEXT = 3
_LINE = re.compile(r"[^\n]*\n|[^\n]+\Z")
_NO_NEWLINE = "\\ No newline at end of file\n"


def unified(path: str, old: str | None, new: str) -> str:
    """The diff turning ``old`` into ``new`` for ``path`` (repo-relative, POSIX); ``old`` None creates
    the file. Empty when nothing changed."""
    if old == new:
        return ""
    before = _lines(old or "")
    after = _lines(new)
    header = [f"diff --git a/{path} b/{path}\n"]
    if old is None:
        header.append("new file mode 100644\n")
    body = difflib.unified_diff(
        before,
        after,
        fromfile="/dev/null" if old is None else f"a/{path}",
        tofile=f"b/{path}",
        n=CONTEXT,
        lineterm="\n",
    )
    out = list(header)
    for i, line in enumerate(body):
        if i < 2:  # difflib ends the ---/+++ lines with lineterm already
            out.append(line)
            continue
        if line.endswith("\n"):
            out.append(line)
        else:
            out.append(line + "\n" + _NO_NEWLINE)
    return "".join(out)


def _lines(text: str) -> list[str]:
    """Lines split at ``\\n`` only, endings kept (``str.splitlines`` would also split at a lone
    ``\\r`` or ``\\u2028`` inside a line, which ``patch`` does not)."""
    return _LINE.findall(text)
