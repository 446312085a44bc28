"""Output for people (rich tables) and machines (stable JSON) from the same result objects."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from planner import purl as purls

if TYPE_CHECKING:  # rich is imported when something is drawn for people, never for JSON
    from rich.console import Console

FORMATS = ("table", "json")


def console(stderr: bool = False, wide: bool = False) -> Console:
    """A console sized to the terminal (100 columns when piped; unlimited with ``wide``)."""
    from planner.render.layout import console as sized

    return sized(stderr, wide)


def emit_json(data: Any) -> None:
    """Print JSON with a stable layout."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def counted(n: int, noun: str) -> str:
    """``1 round``, ``3 rounds``: a count with its noun (plural by ``s``)."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


@lru_cache(maxsize=1 << 14)
def short(key: str) -> str:
    """A human name for a node key: ``group:artifact@version`` or a project's package name (cached: a long
    answer's paths name the same libraries again and again)."""
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


def path_text(keys: Iterable[str], wide: bool) -> str:
    """A dependency path: full names with ``wide``; otherwise artifact names, a project and the version it
    publishes named once (``app → lib → log4j-core``)."""
    from planner.render.labels import artifact

    if wide:
        return " → ".join(short(k) for k in keys)
    names = [artifact(short(k).split("@", 1)[0]) for k in keys]
    return " → ".join(n for i, n in enumerate(names) if i == 0 or n != names[i - 1])
