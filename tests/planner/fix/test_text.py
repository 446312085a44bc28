"""The shared pieces: requirement moves, diffs (CRLF, no final newline, new files), indentation."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.fix.diff import unified
from planner.fix.spec import move
from planner.fix.text import indent_unit, insert_before_line, newline
from tests.conftest import check_patch


@pytest.mark.parametrize(
    ("spec", "style", "moved", "rewritten"),
    [
        ("^4.17.15", "npm", "^4.17.21", False),
        ("~4.17.15", "npm", "~4.17.21", False),
        ("4.17.15", "npm", "4.17.21", False),
        (">=4.0.0 <5", "npm", "^4.17.21", True),
        ("4.x", "npm", "^4.17.21", True),
        ("1.2", "cargo", "4.17.21", False),
        ("=1.2.3", "cargo", "=4.17.21", False),
        (">=2.25", "pep440", ">=4.17.21", False),
        ("==2.25.1", "pep440", "==4.17.21", False),
        ("~=2.25", "pep440", "~=4.17.21", False),
        ("2.25.1", "pep440", "==4.17.21", True),
        (">=2.25,<3", "pep440", ">=4.17.21", True),
        ("^2.13.0", "poetry", "^4.17.21", False),
        ("*", "poetry", "^4.17.21", True),
    ],
)
def test_move_keeps_the_operator(spec: str, style: str, moved: str, rewritten: bool) -> None:
    result = move(spec, "4.17.21", style)
    assert (result.text, result.rewritten) == (moved, rewritten)


def test_diff_of_a_file_without_a_final_newline_and_of_a_new_file(tmp_path: Path) -> None:
    old = "a\nb\nc"
    new = "a\nB\nc"
    diff = unified("x.txt", old, new)
    assert diff == (
        "diff --git a/x.txt b/x.txt\n--- a/x.txt\n+++ b/x.txt\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"
        "\\ No newline at end of file\n"
    )
    check_patch(tmp_path, "x.txt", old, diff, new)
    created = unified("dir/new.txt", None, "hello\n")
    assert created == (
        "diff --git a/dir/new.txt b/dir/new.txt\nnew file mode 100644\n--- /dev/null\n+++ b/dir/new.txt\n"
        "@@ -0,0 +1 @@\n+hello\n"
    )
    check_patch(tmp_path, "dir/new.txt", None, created, "hello\n")
    assert unified("x.txt", old, old) == ""


def test_a_line_separator_inside_a_line_is_not_a_line_break(tmp_path: Path) -> None:
    old = 'x = "a\u2028b"\nversion = 1\n'
    new = 'x = "a\u2028b"\nversion = 2\n'
    diff = unified("f.toml", old, new)
    assert diff.count("\n") == 7  # header 3, hunk header 1, three lines
    check_patch(tmp_path, "f.toml", old, diff, new)


def test_line_endings_and_indentation() -> None:
    assert newline("a\r\nb\r\n") == "\r\n" and newline("a\nb\r\n") == "\r\n" and newline("a\nb\nc\r\n") == "\n"
    assert indent_unit("<a>\n\t<b>\n\t\t<c/>\n") == "\t"
    assert indent_unit("<a>\n  <b>\n    <c/>\n") == "  "
    assert indent_unit("x\n") == "    "
    assert insert_before_line("a\r\nb", 9, ["c"]) == "a\r\nb\r\nc"  # appended, still no final newline
    assert insert_before_line("a\nb\n", 2, ["x"]) == "a\nx\nb\n"
