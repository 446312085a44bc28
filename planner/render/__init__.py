"""Output for people (rich tables) and machines (stable JSON) from the same result objects."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from planner import purl as purls
from planner.safe_text import escape_terminal, raw_stream

FORMATS = ("table", "json")


class SafeConsole(Console):
    """A rich console that escapes control characters in the text it prints (file names, package names:
    see planner.safe_text) and keeps its own styling sequences."""

    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        return super()._render_buffer(
            s if s.control else Segment(escape_terminal(s.text), s.style, s.control) for s in buffer
        )


def console(stderr: bool = False) -> Console:
    """A console that does not wrap tables at 80 columns when output is piped."""
    stream = raw_stream(sys.stderr if stderr else sys.stdout)
    width = None if stream.isatty() else 200
    return SafeConsole(file=stream, width=width, highlight=False, soft_wrap=False)


def emit_json(data: Any) -> None:
    """Print JSON with a stable layout."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def short(key: str) -> str:
    """A human name for a node key: ``group:artifact@version`` or a project's package name."""
    text = key.split("#", 1)[1] if "#" in key else key
    try:
        p = purls.parse(text)
    except ValueError:
        return key
    return f"{p.display_name}@{p.version}" if p.version else p.display_name


def inventory_gap_sentence(gaps: Iterable[tuple[str, Iterable[str]]]) -> str | None:
    """One line for the third-party images nothing traces (``exposure`` and ``plan`` say it alike)."""
    items = [(image, sorted(services)) for image, services in gaps]
    if not items:
        return None
    listed = "; ".join(f"{image} ({', '.join(services)})" for image, services in items)
    return (
        f"inventory gap: {len(items)} third-party image(s) run that no repository or SBOM describes, so what they "
        f"contain is not known (scan them or add their SBOMs; not a decision per image): {listed}"
    )


def table(title: str | None, columns: list[str], rows: list[list[Any]]) -> Table:
    """A plain rich table; cells are shown as text (control characters escaped, ``[...]`` never markup)."""
    t = Table(title=title, show_lines=False, header_style="bold")
    for c in columns:
        t.add_column(c, overflow="fold")
    for r in rows:
        t.add_row(*["" if v is None else Text(escape_terminal(str(v))) for v in r])  # text, never markup
    return t
