"""Output for people (rich tables) and machines (stable JSON) from the same result objects."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.table import Table

from planner import purl as purls

FORMATS = ("table", "json")


def console(stderr: bool = False) -> Console:
    """A console that does not wrap tables at 80 columns when output is piped."""
    stream = sys.stderr if stderr else sys.stdout
    width = None if stream.isatty() else 200
    return Console(file=stream, width=width, highlight=False, soft_wrap=False)


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
    """A plain rich table."""
    t = Table(title=title, show_lines=False, header_style="bold")
    for c in columns:
        t.add_column(c, overflow="fold")
    for r in rows:
        t.add_row(*["" if v is None else str(v) for v in r])
    return t
