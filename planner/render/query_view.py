"""Rows of an ad hoc Cypher query."""

from __future__ import annotations

import json
from typing import Any

from planner.render import console, emit_json
from planner.render.layout import Column, print_table

#: a query's cells are cut to this many characters unless --wide (the JSON has them whole); shorter ones wrap
CELL = 200


def show(rows: list[dict[str, Any]], fmt: str, wide: bool = False) -> None:
    """Rows as a table (nested values as JSON) or as a JSON document."""
    if fmt == "json":
        emit_json({"schema": "depwave.query/1", "count": len(rows), "rows": rows})
        return
    columns: list[str] = []
    for r in rows:
        columns.extend(c for c in r if c not in columns)
    cells = [[_cell(r.get(c)) for c in columns] for r in rows]
    out = console(wide=wide)
    if columns:
        # a query's columns are all the user's: the later ones are left out first
        specs = [Column(c, drop=i, shorten=CELL) for i, c in enumerate(columns)]
        print_table(out, specs, cells, wide, more="--format json has every value whole")
    else:
        out.print("(no rows)")
    out.print(f"{len(rows)} row{'s' if len(rows) != 1 else ''}")


def _cell(value: Any) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return "" if value is None else str(value)
