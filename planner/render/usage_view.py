"""``depwave usage`` output: the most used functions of a package, as a table or JSON."""

from __future__ import annotations

from typing import Any

from planner.reachability.layer import repo_of
from planner.reachability.usage import SymbolUsage
from planner.render import console, emit_json, short
from planner.render.layout import Column, print_table

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


def _common_namespace(symbols: list[str]) -> str:
    """The dotted namespace every symbol shares, leaving each its last two parts (``org.apache.logging.log4j``
    for ``org.apache.logging.log4j.Logger.info`` and ``...LogManager.getLogger``); "" when there is none."""
    if len(symbols) < 2:
        return ""
    parts = [sym.split(".")[:-2] for sym in symbols]
    common: list[str] = []
    for names in zip(*parts, strict=False):
        if len(set(names)) != 1:
            break
        common.append(names[0])
    return ".".join(common)


def show(
    package: str, scopes: list[str], rows: list[SymbolUsage], fmt: str, limit: int | None, wide: bool = False
) -> None:
    """A table of the most used symbols (``limit`` rows), or JSON with every site; ``wide`` keeps
    every column and full names."""
    if fmt == "json":
        emit_json(as_dict(package, scopes, rows))
        return
    out = console(wide=wide)
    total = sum(u.calls for u in rows)
    if not rows:
        out.print(
            f"no call of {short(package)} found in scanned {'/'.join(scopes)} code "
            "(ingest the sources; `depwave ingest` scans them unless --no-scan)",
            markup=False,
        )
        return
    shown = rows[:limit] if limit else rows
    prefix = "" if wide else _common_namespace([u.symbol for u in shown])
    where = f"; names below are in {prefix}" if prefix else ""
    out.print(
        f"{short(package)}: {total} call(s) of {len(rows)} function(s) in {'/'.join(scopes)} code{where}",
        markup=False,
    )
    body = [
        [
            u.symbol.removeprefix(prefix + "."),
            u.calls,
            len(u.projects),
            len(u.repositories),
            f"{repo_of(u.sites[0].project)}/{u.sites[0].location}" if u.sites else "",
        ]
        for u in shown
    ]
    columns = [
        Column("function", wrap=False, shorten=52),
        Column("calls", wrap=False, justify="right"),
        Column("projects", drop=2, wrap=False, justify="right"),
        Column("repos", drop=3, wrap=False, justify="right"),
        Column("for example", drop=1, wrap=False, shorten=50),
    ]
    print_table(out, columns, body, wide, more="--format json lists every call site")
    if len(rows) > len(shown):
        out.print(f"… and {len(rows) - len(shown)} more function(s) (--limit 0 or --format json for all)", markup=False)
