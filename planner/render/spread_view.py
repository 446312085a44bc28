"""``depwave versions`` and ``depwave why`` output."""

from __future__ import annotations

import textwrap

from planner.render import console, emit_json, short
from planner.render.layout import Column, print_table
from planner.version_spread import VersionSpread
from planner.why import WhyResult

COLUMNS = [
    Column("version", wrap=False, shorten=30),
    Column("projects", wrap=False, justify="right"),
    Column("repos", wrap=False, justify="right"),
    Column("services", wrap=False, justify="right"),
    Column("where"),
]


def show_versions(result: VersionSpread, fmt: str, wide: bool = False) -> None:
    """Version spread as a table or JSON."""
    if fmt == "json":
        emit_json(result.as_dict())
        return
    out = console(wide=wide)
    out.print(f"versions of {short(result.package)} in use", markup=False)
    rows = [[v.version, len(v.projects), len(v.repos), len(v.services), ", ".join(v.repos)] for v in result.versions]
    rows += [  # what only a manifest says: counted too, marked
        [f"{v.version} (declared)", len(v.projects), len(v.repos), len(v.services), ", ".join(v.repos)]
        for v in result.declared_versions
    ]
    print_table(out, COLUMNS, rows, wide)
    for d in result.declared_only:
        out.print(
            f"declared only (no lockfile or SBOM): {short(d['project'])} {d['range']} at {d['location']}"
            + (f" ({d['scope']})" if d.get("scope") not in (None, "runtime") else ""),
            markup=False,
        )


def show_why(result: WhyResult, fmt: str, wide: bool = False) -> None:
    """Paths as numbered lines (wrapped under their number to the terminal's width) or JSON."""
    if fmt == "json":
        emit_json(result.as_dict())
        return
    out = console(wide=wide)
    if not result.paths:
        out.print(f"{short(result.project)} does not reach {short(result.package)}", markup=False)
        return
    out.print(f"{len(result.paths)} path(s) from {short(result.project)} to {short(result.package)}:", markup=False)
    for i, path in enumerate(result.paths, 1):
        steps = [short(s["key"]) + _where(s) for s in path]
        line = f"{i:>3}. " + " → ".join(steps)
        if not wide:
            line = textwrap.fill(line, out.width, subsequent_indent=" " * 5, break_on_hyphens=False)
        out.print(line, markup=False, soft_wrap=True)


def _where(step: dict) -> str:
    """`` (scope, file:line)`` of a step of a why path; the parts that are known."""
    parts = [x for x in (step.get("scope"), step.get("location")) if x]
    return f" ({', '.join(parts)})" if parts else ""
