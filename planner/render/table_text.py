"""depwave's one table style drawn straight to text: the same characters rich draws for it
(:func:`planner.render.layout.table`), in a fraction of the time.

Once :func:`planner.render.layout.fit` has chosen every column's width and wrapped the cells to it (or
with ``--wide``, where each column is as wide as its widest line), drawing is only padding: a header
(bold on a terminal that shows styles), a rule of ``─`` under it, each row's cells side by side and top
aligned, two spaces between columns, trailing spaces cut. rich's general table layout cost about half of
a long ``dependents`` answer's CPU (BENCHMARKS.md). ``tests/planner/test_table_text.py`` holds the two
drawings to the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len

#: what rich writes around a bold header cell on a terminal that shows styles (SGR 1, then reset)
BOLD, RESET = "\x1b[1m", "\x1b[0m"
#: between two columns: the left one's padding and the divider
GAP = "  "
RULE = "─"


def natural_widths(names: Sequence[str], rows: Sequence[Sequence[str]]) -> list[int]:
    """Each column's width when nothing is cut or wrapped (``--wide``): its widest line, or its name."""
    widths = [cell_len(n) for n in names]
    for r in rows:
        for i, cell in enumerate(r):
            for line in cell.split("\n"):
                n = cell_len(line)
                if n > widths[i]:
                    widths[i] = n
    return widths


def _pad(text: str, width: int, justify: str) -> str:
    space = width - cell_len(text)
    if space <= 0:
        return text
    if justify == "right":
        return " " * space + text
    if justify == "center":
        left = space // 2
        return " " * left + text + " " * (space - left)
    return text + " " * space


def _header(names: Sequence[str], widths: Sequence[int], justify: Sequence[str], bold: bool) -> str:
    cells = [_pad(n, w, j) for n, w, j in zip(names, widths, justify, strict=True)]
    if not bold:
        return GAP.join(cells).rstrip() + "\n"
    pad = f"{BOLD} {RESET} "  # rich styles a header cell's padding too, the divider not
    return pad.join(f"{BOLD}{c}{RESET}" for c in cells) + "\n"


def draw(
    names: Sequence[str],
    justify: Sequence[str],
    widths: Sequence[int],
    rows: Sequence[Sequence[str]],
    bold_header: bool = False,
) -> str:
    """The table as text, one ``\\n`` after each line: ``rows`` of cells whose lines already fit
    ``widths`` (a cell may hold several lines)."""
    out = [_header(names, widths, justify, bold_header), RULE * (sum(widths) + len(GAP) * (len(widths) - 1)) + "\n"]
    for r in rows:
        cells = [c.split("\n") for c in r]
        height = max(len(lines) for lines in cells)
        for k in range(height):
            line = GAP.join(
                _pad(lines[k] if k < len(lines) else "", w, j)
                for lines, w, j in zip(cells, widths, justify, strict=True)
            )
            out.append(line.rstrip() + "\n")
    return "".join(out)
