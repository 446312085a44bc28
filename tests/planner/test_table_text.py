"""planner.render.table_text draws depwave's table style byte for byte as rich draws it (layout.table)."""

from __future__ import annotations

import io

import pytest

from planner.render import layout
from planner.render.layout import Column, fit
from planner.render.safe_console import SafeConsole


def console(width: int, terminal: bool) -> SafeConsole:
    return SafeConsole(
        file=io.StringIO(),
        width=width,
        highlight=False,
        force_terminal=terminal,
        color_system="standard" if terminal else None,
    )


def by_rich(out: SafeConsole, fitted: layout.Fitted, wide: bool) -> str:
    """The reference drawing: rich's own table (what print_table printed before table_text)."""
    with out.capture() as captured:
        out.print(layout.table(fitted, wide))
    return "".join(line.rstrip() + "\n" for line in captured.get().splitlines())


COLUMNS = [
    Column("project", wrap=False, shorten=36),
    Column("relation", drop=5, wrap=False),
    Column("depth", wrap=False, justify="right"),
    Column("mid", drop=1, wrap=False, justify="center"),
    Column("versions", drop=2, shorten=24),
    Column("via", drop=3),
]
ROWS = [
    ["acme/payments-api", "resolves", 1, "x", "2.14.1", "-"],
    [
        "acme/a-rather-long-service-name-for-widgets",
        "via-library",
        12,
        "",
        "2.14.1, 2.17.1",
        "platform-web → … → logging-core",
    ],
    ["漢字/サービス", "declares", 3, "yy", "", "lib-ä → lib-ö → x" * 4],
    ["x", None, 100, "zzz", "1.0\n2.0", "a-word-much-longer-than-the-column-is-wide/and/more/of/it"],
]


@pytest.mark.parametrize("terminal", [False, True], ids=["pipe", "terminal"])
@pytest.mark.parametrize("width", [40, 60, 80, 100, 160, layout.WIDE_WIDTH])
@pytest.mark.parametrize("rows", [ROWS, ROWS[:1], []], ids=["four", "one", "none"])
def test_same_bytes_as_rich(terminal: bool, width: int, rows: list[list[object]]) -> None:
    wide = width == layout.WIDE_WIDTH
    out = console(width, terminal)
    fitted = fit(COLUMNS, rows, width, wide)
    assert layout._drawn(out, fitted, wide) == by_rich(out, fitted, wide)


def test_a_small_table_by_hand(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(layout, "table", None)  # drawn without rich's table
    out = console(40, terminal=False)
    cols = [Column("name", wrap=False), Column("n", wrap=False, justify="right"), Column("note")]
    fitted = fit(cols, [["ab", 7, "one two"], ["abcdef", 12, ""]], 40)
    assert layout._drawn(out, fitted, False) == (
        "name     n  note\n"  # header; the last column's cells are not padded at the end
        "───────────────────\n"  # 6 + 2 + 2 + 2 + 7 ("one two")
        "ab       7  one two\n"
        "abcdef  12\n"
    )


def test_a_terminal_header_is_bold_cell_by_cell() -> None:
    out = console(40, terminal=True)
    fitted = fit([Column("a", wrap=False), Column("bb", wrap=False)], [["xyz", "1"]], 40)
    assert layout._drawn(out, fitted, False).splitlines()[0] == ("\x1b[1ma  \x1b[0m\x1b[1m \x1b[0m \x1b[1mbb\x1b[0m")
