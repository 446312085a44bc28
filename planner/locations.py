"""How a place in a file is written: ``path:line``. Its own module, so that read commands can say where
without importing the records of :mod:`planner.model` (whose ``Location`` prints the same way)."""

from __future__ import annotations


def path_line(path: str, line: int | None) -> str:
    """``path:line``, or ``path`` when the line is unknown (or 0)."""
    return f"{path}:{line}" if line else path


def location_text(path: str | None, line: int | None) -> str | None:
    """``path:line`` (``path`` when the line is unknown) as graph rows carry it; None without a path."""
    return path_line(str(path), line) if path else None


def file_of(location: str | None) -> str | None:
    """The file of a ``path:line`` location (the inverse of :func:`path_line`); a location without a line
    is its file."""
    if not location:
        return location
    path, _, line = location.rpartition(":")
    return path if path and line.isdigit() else location


def file_name_of(location: str | None) -> str:
    """The lower-case name of a location's file, without its directories (``""`` for none)."""
    return (file_of(location) or "").rsplit("/", 1)[-1].lower()
