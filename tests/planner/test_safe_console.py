"""The console people's output is printed on (planner.render.layout.console)."""

from __future__ import annotations

import io

import pytest

from planner.render.layout import console


def test_text_from_files_is_printed_as_written_not_as_emoji(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    out = console()
    out.file = io.StringIO()
    out.print("pkg:npm/%40acme/:fire: and :smile: depend on x", markup=False)
    assert out.file.getvalue() == "pkg:npm/%40acme/:fire: and :smile: depend on x\n"
