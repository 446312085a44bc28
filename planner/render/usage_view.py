"""``depwave usage`` output: the most used functions of a package, as a table or JSON."""

from __future__ import annotations

from typing import Any

from planner.reachability.layer import repo_of
from planner.reachability.usage import SymbolUsage
from planner.render import console, emit_json, short, table

SCHEMA = "depwave.usage/1"


def as_dict(package: str, scopes: list[str], rows: list[SymbolUsage]) -> dict[str, Any]:
    """The JSON form: every symbol with every call site (no truncation)."""
    return {
        "schema": SCHEMA,
        "package": package,
        "scopes": scopes,
        "calls": sum(u.calls for u in rows),
        "symbols": [
            {
                "symbol": u.symbol,
                "calls": u.calls,
                "projects": list(u.projects),
                "repositories": list(u.repositories),
                "sites": [
                    {
                        "project": s.project,
                        "repo": repo_of(s.project),
                        "path": s.path,
                        "line": s.line,
                        "column": s.column,
                        "location": s.location,
                        "arguments": s.arguments,
                    }
                    for s in u.sites
                ],
            }
            for u in rows
        ],
    }


def show(package: str, scopes: list[str], rows: list[SymbolUsage], fmt: str, limit: int | None) -> None:
    """A table of the most used symbols (``limit`` rows), or JSON with every site."""
    if fmt == "json":
        emit_json(as_dict(package, scopes, rows))
        return
    out = console()
    total = sum(u.calls for u in rows)
    if not rows:
        out.print(
            f"no call of {short(package)} found in scanned {'/'.join(scopes)} code "
            "(ingest the sources; `depwave ingest` scans them unless --no-scan)",
            markup=False,
        )
        return
    shown = rows[:limit] if limit else rows
    out.print(f"{short(package)}: {total} call(s) of {len(rows)} function(s) in {'/'.join(scopes)} code", markup=False)
    body = [
        [
            u.symbol,
            u.calls,
            len(u.projects),
            len(u.repositories),
            ", ".join(f"{repo_of(s.project)}/{s.location}" for s in u.sites[:2]),
        ]
        for u in shown
    ]
    out.print(table(None, ["function", "calls", "projects", "repos", "for example"], body))
    if len(rows) > len(shown):
        out.print(f"… and {len(rows) - len(shown)} more function(s) (--limit 0 or --format json for all)", markup=False)
