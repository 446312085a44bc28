"""Control characters from files are escaped in one place (planner.safe_text)."""

from __future__ import annotations

import io
import json

import pytest

from planner.safe_text import TerminalStream, escape, escape_terminal, excerpt, message


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain name", "plain name"),
        ("a\x1b[31mred", "a\\u001b[31mred"),  # CSI
        ("t\x1b]0;title\x07", "t\\u001b]0;title\\u0007"),  # OSC, BEL
        ("x\ny", "x\\u000ay"),  # a newline would forge a second path:line: line
        ("x\r\ty", "x\\u000d\\u0009y"),
        ("del\x7f c1\x9b", "del\\u007f c1\\u009b"),
        ("bidi\u202egnp.exe", "bidi\\u202egnp.exe"),
        ("nul\x00", "nul\\u0000"),
        ("café ✓ 日本", "café ✓ 日本"),  # printable non-ASCII stays
    ],
)
def test_escape_one_line(raw: str, shown: str) -> None:
    assert escape(raw) == shown


def test_terminal_escape_keeps_lines_and_tabs() -> None:
    assert escape_terminal("a\tb\nc\x1bd\r\n") == "a\tb\nc\\u001bd\\u000d\n"


def test_message_and_excerpt_are_bounded() -> None:
    assert excerpt("x" * 200) == "x" * 79 + "…"
    assert len(message("y" * 10_000)) == 500
    assert message("p:1: bad\nline") == "p:1: bad\\u000aline"


def test_terminal_stream_keeps_json_meaning() -> None:
    value = {"name": "a\x7fb\u2028c\u202e", "n": 1}
    raw = io.StringIO()
    TerminalStream(raw).write(json.dumps(value, ensure_ascii=False))
    assert "\x7f" not in raw.getvalue() and "\u202e" not in raw.getvalue()
    assert json.loads(raw.getvalue()) == value
