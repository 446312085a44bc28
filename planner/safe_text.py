"""Text from files made safe to show: control characters escaped, excerpts bounded.

File names, package names, owners and every other string read from a repository may hold ESC
(terminal CSI/OSC sequences), carriage returns, newlines or bidirectional overrides. Shown raw they
run in the operator's terminal or forge a ``path:line:`` line. This module is the one place that
escapes them:

- :func:`escape` on a field (one line: newlines escaped too);
- :func:`message` on a warning or error built from file-derived text (one line, bounded length);
- :class:`TerminalStream` around ``sys.stdout``/``sys.stderr`` while a command runs (newlines and tabs
  kept), so that nothing printed by any command reaches the terminal raw.

Escapes are written ``\\uXXXX``: the same text is a valid escape inside a JSON string, so a JSON
document passing through :class:`TerminalStream` keeps its meaning (raw control characters never occur
outside JSON strings).
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Iterator
from typing import Any, TextIO

#: C0 controls except TAB and LF, DEL, C1 controls, line/paragraph separators, the bidirectional
#: embedding, override and isolate characters ("Trojan Source") and lone surrogates (an undecodable
#: file name; they cannot be encoded for the terminal)
_UNSAFE_KEEP_LINES = "\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_TERMINAL = re.compile(f"[{_UNSAFE_KEEP_LINES}]")
_ONE_LINE = re.compile(f"[{_UNSAFE_KEEP_LINES}\t\n]")

#: a warning or error message is cut after this many characters
MESSAGE_LIMIT = 500
#: an excerpt of file content in a message is cut after this many characters
EXCERPT_LIMIT = 80


def _u(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def escape(text: object) -> str:
    """``text`` on one line: every control character (newline and tab too) as ``\\uXXXX``."""
    return _ONE_LINE.sub(_u, str(text))


def escape_terminal(text: str) -> str:
    """``text`` with control characters escaped, newlines and tabs kept (whole outputs)."""
    return _TERMINAL.sub(_u, text)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def excerpt(text: object, limit: int = EXCERPT_LIMIT) -> str:
    """A short, escaped excerpt of file content for a message (never more than ``limit`` characters)."""
    return _cut(escape(text), limit)


def message(text: object, limit: int = MESSAGE_LIMIT) -> str:
    """A warning or error message made safe: one line, escaped, at most ``limit`` characters."""
    return _cut(escape(text), limit)


class TerminalStream:
    """A text stream that escapes control characters (keeping newlines and tabs) on the way to ``raw``.

    It writes through at once (no buffer of its own), so writes to it and to ``raw`` keep their order;
    rich consoles write to ``raw`` (their own styling is escape sequences) and escape their text
    themselves (``planner.render.console``)."""

    def __init__(self, raw: TextIO) -> None:
        self.raw = raw

    def write(self, text: str) -> int:
        """Escape and write ``text``; returns its length as given (as ``TextIO.write`` does)."""
        self.raw.write(escape_terminal(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        """Write each of ``lines``."""
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:  # flush, isatty, encoding, fileno, buffer ...
        return getattr(self.raw, name)


def raw_stream(stream: Any) -> Any:
    """The stream under a :class:`TerminalStream` (``stream`` itself otherwise)."""
    return stream.raw if isinstance(stream, TerminalStream) else stream


@contextlib.contextmanager
def terminal_streams() -> Iterator[None]:
    """Escape everything written to ``sys.stdout`` and ``sys.stderr`` inside the block."""
    out, err = sys.stdout, sys.stderr
    safe_out = out if isinstance(out, TerminalStream) else TerminalStream(out)
    safe_err = err if isinstance(err, TerminalStream) else TerminalStream(err)
    sys.stdout, sys.stderr = safe_out, safe_err
    try:
        yield
    finally:
        # a stream replaced inside the block (stdout -> devnull after a broken pipe) stays replaced
        if sys.stdout is safe_out:
            sys.stdout = out
        if sys.stderr is safe_err:
            sys.stderr = err
