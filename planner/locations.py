"""How a place in a file is written: ``path:line``. Its own module, so that read commands can say where
without importing the records of :mod:`planner.model` (whose ``Location`` prints the same way)."""

from __future__ import annotations


def path_line(path: str, line: int | None) -> str:
    """``path:line``, or ``path`` when the line is unknown (or 0)."""
    return f"{path}:{line}" if line else path


def location_text(path: str | None, line: int | None) -> str | None:
    """``path:line`` (``path`` when the line is unknown) as graph rows carry it; None without a path."""
    return path_line(str(path), line) if path else None
