"""One table style for every command, sized to the terminal.

A table is given as :class:`Column` specs and rows of cells. At the terminal's width (``COLUMNS``, else
the terminal's own size, else 100 columns when the output is piped) the columns that do not fit are left
out, least important first, and a note names them and the flag that shows them (``--wide``); cells of a
column with a ``shorten`` limit are cut in the middle (``com.acme.lo…log4j-core``). With ``wide`` every
column is shown in full and nothing is cut.
"""

from __future__ import annotations

import os
import shutil
import sys
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO

from rich.cells import cell_len

from planner.render import table_text
from planner.safe_text import escape_terminal, raw_stream

if TYPE_CHECKING:  # rich's console and table are imported when something is drawn
    from rich.console import Console
    from rich.table import Table

#: width used when the output is not a terminal and ``COLUMNS`` is not set
PIPED_WIDTH = 100
#: narrowest width depwave lays out for (a smaller ``COLUMNS`` is treated as this)
MIN_WIDTH = 40
#: width a console gets with ``--wide``: lines are never wrapped
WIDE_WIDTH = 100_000
#: columns between two table columns (one padding space and the divider)
GAP = 2
#: a column whose text can wrap is counted at most this wide when deciding what fits
WRAP_WIDTH = 12
#: a word longer than this may be cut across lines rather than the column being left out
WORD_WIDTH = 18
ELLIPSIS = "…"


@dataclass(frozen=True, slots=True)
class Column:
    """A table column: its header, when it is left out, and how long its cells may be.

    ``drop`` 0 means always shown; otherwise the column with the highest ``drop`` is left out first
    when the table does not fit. ``shorten`` cuts longer cells in the middle (not with ``wide``).
    ``wrap`` False keeps a cell on one line (numbers, verdicts, ``file:line``).
    """

    name: str
    drop: int = 0
    shorten: int | None = None
    wrap: bool = True
    justify: str = "left"
    #: a wrapping column is kept at least this wide (up to its widest cell), else left out
    least: int = 0


def terminal_width(stream: TextIO | None = None) -> int:
    """The width to lay out for: ``COLUMNS``, else the terminal's width, else :data:`PIPED_WIDTH`."""
    return known_width(stream) or PIPED_WIDTH


def known_width(stream: TextIO | None = None) -> int | None:
    """``COLUMNS``, else the terminal's width when ``stream`` (stdout) is a terminal, else None: text that
    is the same whatever the width (error sentences, a file's own lines) is only cut or wrapped for a
    width someone reads at, never in a pipe or a log."""
    raw = os.environ.get("COLUMNS", "").strip()
    if raw.isdigit() and int(raw) > 0:
        return max(MIN_WIDTH, int(raw))
    stream = stream or sys.stdout
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    if tty:
        return max(MIN_WIDTH, shutil.get_terminal_size((PIPED_WIDTH, 24)).columns)
    return None


def console(stderr: bool = False, wide: bool = False) -> Console:
    """A console that wraps at :func:`terminal_width` (never, with ``wide``), without colour codes in pipes.
    It writes to the stream under planner.safe_text's filter and escapes its text itself."""
    from planner.render.safe_console import SafeConsole

    stream = raw_stream(sys.stderr if stderr else sys.stdout)
    width = WIDE_WIDTH if wide else terminal_width(stream)
    # emoji=False: a name such as ``:fire:`` in a file is printed as written (and rich's emoji table,
    # ~3 ms to import, is not loaded)
    return SafeConsole(file=stream, width=width, highlight=False, soft_wrap=wide, emoji=False)


def middle(text: str, limit: int) -> str:
    """``text`` cut in the middle to at most ``limit`` cells (``org.apache.lo…log4j-core``)."""
    if limit < 3 or cell_len(text) <= limit:
        return text
    keep = limit - 1
    head = (keep + 1) // 2
    tail = keep - head
    return text[:head] + ELLIPSIS + (text[-tail:] if tail else "")


@dataclass(frozen=True, slots=True)
class Fitted:
    """What :func:`fit` chose: the columns kept, their cells, and the names of the columns left out."""

    columns: list[Column]
    rows: list[list[str]]
    dropped: list[str]
    #: each kept column's width, its cells wrapped to it; empty with ``wide`` or when nothing fits
    widths: list[int] = field(default_factory=list)


def fit(columns: Sequence[Column], rows: Sequence[Sequence[Any]], width: int, wide: bool = False) -> Fitted:
    """Choose the columns that fit ``width`` and shorten their cells (pure; see the module docstring)."""
    cells = [["" if v is None else escape_terminal(str(v)) for v in r] for r in rows]  # text from files
    if not wide:
        for i, c in enumerate(columns):
            if c.shorten:
                for r in cells:
                    r[i] = middle(r[i], c.shorten)
    keep = list(range(len(columns)))
    needs: list[int] = []
    if not wide:
        needs = [_need(c, [r[i] for r in cells]) for i, c in enumerate(columns)]
        droppable = sorted((i for i, c in enumerate(columns) if c.drop), key=lambda i: (-columns[i].drop, -i))
        while droppable and sum(needs[i] for i in keep) + GAP * (len(keep) - 1) > width:
            keep.remove(droppable.pop(0))
    dropped = [columns[i].name for i in range(len(columns)) if i not in keep]
    kept = [columns[i] for i in keep]
    rows_kept = [[r[i] for i in keep] for r in cells]
    widths = _widths(kept, rows_kept, [needs[i] for i in keep], width) if needs else []
    if widths:
        rows_kept = [
            [_wrap_cell(v, w) if c.wrap else v for v, c, w in zip(r, kept, widths, strict=True)] for r in rows_kept
        ]
    return Fitted(kept, rows_kept, dropped, widths)


def _widths(columns: list[Column], rows: list[list[str]], needs: list[int], width: int) -> list[int]:
    """Each column's width: its need; then what is left, first so that no column cuts a word, then up to
    each column's widest cell, given in order of importance (never left out first, then by ``drop``, then
    left to right). [] when even the needs do not fit (rich shares the width then)."""
    room = width - sum(needs) - GAP * (len(columns) - 1)
    if room < 0:
        return []
    widths = list(needs)
    order = sorted(range(len(columns)), key=lambda i: (columns[i].drop, i))
    lines = [[line for r in rows for line in r[i].split("\n")] for i in range(len(columns))]
    natural = [max([cell_len(c.name), *(cell_len(line) for line in lines[i])]) for i, c in enumerate(columns)]
    word = [
        max([cell_len(c.name), *(cell_len(w) for line in lines[i] for w in line.split())])
        for i, c in enumerate(columns)
    ]
    for goal in (word, natural):
        for i in order:
            more = min(room, max(0, goal[i] - widths[i]))
            widths[i] += more
            room -= more
    return widths


#: where a word longer than its column is broken, best first (after the character)
BREAKS = ("/", ":", ".", "@", "-", "_")


def _wrap_cell(text: str, width: int) -> str:
    """``text`` wrapped to ``width`` cells: between words, and a word longer than the column after a
    ``/``, ``:`` or ``.`` (``group:default/`` + ``billing``) before it is cut anywhere."""
    out: list[str] = []
    for paragraph in text.split("\n"):
        lines = textwrap.wrap(paragraph, width, break_long_words=False, break_on_hyphens=False) or [""]
        for line in lines:
            while cell_len(line) > width:
                cut = max((line.rfind(b, 0, width) for b in BREAKS), default=-1)
                cut = cut + 1 if cut > 0 else width
                out.append(line[:cut])
                line = line[cut:]
            out.append(line)
    return "\n".join(out)


def _need(column: Column, cells: list[str]) -> int:
    """How wide a column must be to read well: its widest cell when it keeps to one line; when it may
    wrap, its longest word (up to :data:`WORD_WIDTH`, so that words are not cut) or :data:`WRAP_WIDTH`."""
    natural = max([cell_len(column.name), *(cell_len(c) for c in cells)])
    if not column.wrap:
        return natural
    word = max((cell_len(w) for c in cells for w in c.split()), default=0)
    return min(natural, max(WRAP_WIDTH, column.least, cell_len(column.name), min(word, WORD_WIDTH)))


def table(fitted: Fitted, wide: bool = False) -> Table:
    """The rich table in depwave's one style: a header rule, two spaces between columns, no borders.
    :func:`print_table` draws it with :mod:`planner.render.table_text` when the widths are known."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    t = Table(
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        padding=(0, 1, 0, 0),
        header_style="bold",
        expand=False,
    )
    for i, c in enumerate(fitted.columns):
        t.add_column(
            c.name,
            overflow="fold",
            no_wrap=wide or not c.wrap,
            justify=c.justify,  # type: ignore[arg-type]
            width=fitted.widths[i] if fitted.widths else None,  # chosen by fit(), cells wrapped to it
        )
    for r in fitted.rows:
        t.add_row(*(Text(c) for c in r))  # cells are text, never markup
    return t


def dropped_note(fitted: Fitted, width: int, more: str = "") -> str | None:
    """The line under a table that names the columns left out and where to see them."""
    if not fitted.dropped:
        return None
    tail = f"; {more}" if more else ""
    return f"(at {width} columns: {', '.join(fitted.dropped)} not shown; --wide shows every column{tail})"


def print_table(
    out: Console,
    columns: Sequence[Column],
    rows: Sequence[Sequence[Any]],
    wide: bool = False,
    more: str = "",
) -> None:
    """Fit, print and annotate a table on ``out`` (``more`` names another place with the full detail)."""
    width = out.width
    fitted = fit(columns, rows, width, wide)
    out.file.write(_drawn(out, fitted, wide))
    note = dropped_note(fitted, width, more)
    if note:
        with out.capture() as captured:
            out.print(note, markup=False)
        out.file.write("".join(line.rstrip() + "\n" for line in captured.get().splitlines()))


def _drawn(out: Console, fitted: Fitted, wide: bool) -> str:
    """The fitted table as text: drawn directly when every column's width is known (chosen by :func:`fit`,
    or natural with ``wide``) and no cell holds a tab; else by rich, which then shares the width out."""
    names = [c.name for c in fitted.columns]
    widths = fitted.widths or (table_text.natural_widths(names, fitted.rows) if wide else [])
    if widths and not any("\t" in cell for r in fitted.rows for cell in r):
        justify = [c.justify for c in fitted.columns]
        return table_text.draw(names, justify, widths, fitted.rows, bold_header=out.color_system is not None)
    with out.capture() as captured:
        out.print(table(fitted, wide))
    return "".join(line.rstrip() + "\n" for line in captured.get().splitlines())
