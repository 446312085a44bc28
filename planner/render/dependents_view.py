"""``depwave dependents`` output."""

from __future__ import annotations

from planner.dependents import DependentsResult
from planner.render import console, emit_json, short, table


def show(result: DependentsResult, fmt: str) -> None:
    """A table of dependents with their paths, or the JSON document."""
    if fmt == "json":
        emit_json(result.as_dict())
        return
    out = console()
    if not result.found:
        out.print(f"{result.target} is not in the graph (nothing ingested mentions it)", markup=False)
        return
    rows = [
        [
            d.name,
            d.repo,
            d.relation,
            d.scope,
            d.depth,
            ", ".join(d.versions) or d.declared or "",
            d.location,
            " → ".join(short(h.key) for h in d.path),
        ]
        for d in result.dependents
    ]
    out.print(
        table(
            f"{len(result.dependents)} project(s) depend on {short(result.target)}",
            ["project", "repo", "relation", "scope", "depth", "versions", "where", "path"],
            rows,
        )
    )
