"""Rows of an ad hoc Cypher query."""

from __future__ import annotations

import json
from typing import Any

from planner.render import console, emit_json, table


def show(rows: list[dict[str, Any]], fmt: str) -> None:
    """Rows as a table (nested values as JSON) or as a JSON document."""
    if fmt == "json":
        emit_json({"schema": "depwave.query/1", "count": len(rows), "rows": rows})
        return
    columns: list[str] = []
    for r in rows:
        columns.extend(c for c in r if c not in columns)
    cells = [[_cell(r.get(c)) for c in columns] for r in rows]
    out = console()
    out.print(table(None, columns, cells) if columns else "(no rows)")
    out.print(f"{len(rows)} row{'s' if len(rows) != 1 else ''}")


def _cell(value: Any) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return "" if value is None else str(value)
