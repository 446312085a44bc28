"""Minified or bundled JavaScript: machine output, skipped rather than scanned.

A file is minified when its name says so (``*.min.js``, ``*-min.js``) or when its lines are
far longer than people write them: an average above :data:`MAX_MEAN_LINE` bytes, or most of the
file on lines longer than :data:`LONG_LINE` bytes. Small files are never judged by their shape.
"""

from __future__ import annotations

import re

MAX_MEAN_LINE = 250
LONG_LINE = 5_000
_MIN_BYTES = 2_048
_MIN_NAME = re.compile(r"[.-]min\.[cm]?[jt]sx?$")


def minified_reason(path: str, data: bytes) -> str | None:
    """Why ``data`` looks minified (for the skip warning), or None when it looks hand-written."""
    if _MIN_NAME.search(path.rsplit("/", 1)[-1]):
        return "minified JavaScript (by its name)"
    if len(data) < _MIN_BYTES:
        return None
    lines = data.split(b"\n")
    mean = len(data) / len(lines)
    long_bytes = sum(len(line) for line in lines if len(line) > LONG_LINE)
    if mean > MAX_MEAN_LINE or long_bytes * 2 > len(data):
        longest = max(len(line) for line in lines)
        return f"minified or bundled JavaScript ({len(lines):,} lines, longest {longest:,} bytes)"
    return None
