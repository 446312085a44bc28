"""The rich console every table and message for people is printed on (:func:`planner.render.layout.console`)."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console
from rich.segment import Segment

from planner.safe_text import escape_terminal


class SafeConsole(Console):
    """A rich console that escapes control characters in the text it prints (file names, package names:
    see planner.safe_text) and keeps its own styling sequences."""

    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        return super()._render_buffer(
            s if s.control else Segment(escape_terminal(s.text), s.style, s.control) for s in buffer
        )
