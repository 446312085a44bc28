"""Splicing helpers shared by the editors: lines, offsets, line endings and indentation.

Editors never re-serialise a file. They find the span of one version token (or the place a new
entry goes) and splice new text in, written with the file's own line ending and indentation.
"""

from __future__ import annotations

import bisect
import math
import re

_LEADING = re.compile(r"^[ \t]*")


class Lines:
    """A text with 1-based line lookups (offsets are character offsets into ``text``)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0]
        pos = text.find("\n")
        while pos != -1:
            self.starts.append(pos + 1)
            pos = text.find("\n", pos + 1)

    def line_of(self, offset: int) -> int:
        """The line holding ``offset``."""
        return bisect.bisect_right(self.starts, offset)

    def start(self, line: int) -> int:
        """Offset of the first character of ``line`` (the end of the text past the last line)."""
        if line < 1:
            return 0
        return self.starts[line - 1] if line <= len(self.starts) else len(self.text)

    def end(self, line: int) -> int:
        """Offset just past the last character of ``line``, before its line ending."""
        end = len(self.text) if line >= len(self.starts) else self.starts[line] - 1
        if end > self.start(line) and self.text[end - 1] == "\r":
            end -= 1
        return end

    def line_text(self, line: int) -> str:
        """The text of ``line`` without its line ending."""
        return self.text[self.start(line) : self.end(line)]

    def indent(self, line: int) -> str:
        """The leading blanks of ``line``."""
        m = _LEADING.match(self.line_text(line))
        return m.group(0) if m else ""

    @property
    def count(self) -> int:
        """Number of lines (a final line ending does not start another line)."""
        n = len(self.starts)
        return n - 1 if self.text.endswith("\n") else n


def newline(text: str) -> str:
    """The file's line ending: ``\\r\\n`` when most lines end so, else ``\\n``."""
    crlf = text.count("\r\n")
    return "\r\n" if crlf and crlf * 2 >= text.count("\n") else "\n"


def indent_unit(text: str, default: str = "    ") -> str:
    """One level of indentation as the file writes it: a tab, or the common step of space indents."""
    tabs = spaces = 0
    widths: set[int] = set()
    for line in text.split("\n"):
        if not line.strip():
            continue
        lead = _LEADING.match(line).group(0)  # type: ignore[union-attr]
        if lead.startswith("\t"):
            tabs += 1
        elif lead:
            spaces += 1
            widths.add(len(lead))
    if tabs > spaces:
        return "\t"
    if not widths:
        return default
    step = math.gcd(*widths)
    return " " * step if 2 <= step <= 8 else default


def splice(text: str, start: int, end: int, new: str) -> str:
    """``text`` with ``[start, end)`` replaced by ``new``."""
    return text[:start] + new + text[end:]


def insert_before_line(text: str, line: int, new_lines: list[str]) -> str:
    """``text`` with ``new_lines`` (no line endings) inserted before ``line``, in the file's line ending.

    Inserting past the last line appends; a file without a final newline gets one between its last
    line and the inserted lines, and keeps having none at the end.
    """
    nl = newline(text)
    lines = Lines(text)
    if line <= lines.count:
        pos = lines.start(line)
        return text[:pos] + "".join(x + nl for x in new_lines) + text[pos:]
    if text and not text.endswith("\n"):
        return text + nl + nl.join(new_lines)
    return text + "".join(x + nl for x in new_lines)
