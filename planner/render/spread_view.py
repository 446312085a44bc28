"""``depwave versions`` and ``depwave why`` output."""

from __future__ import annotations

from planner.render import console, emit_json, short, table
from planner.spread import VersionSpread, WhyResult


def show_versions(result: VersionSpread, fmt: str) -> None:
    """Version spread as a table or JSON."""
    if fmt == "json":
        emit_json(result.as_dict())
        return
    out = console()
    rows = [[v.version, len(v.projects), len(v.repos), len(v.services), ", ".join(v.repos)] for v in result.versions]
    rows += [  # what only a manifest says: counted too, marked
        [f"{v.version} (declared)", len(v.projects), len(v.repos), len(v.services), ", ".join(v.repos)]
        for v in result.declared_versions
    ]
    out.print(
        table(
            f"versions of {short(result.package)} in use", ["version", "projects", "repos", "services", "where"], rows
        )
    )
    for d in result.declared_only:
        out.print(
            f"declared only (no lockfile or SBOM): {short(d['project'])} {d['range']} at {d['location']}"
            + (f" ({d['scope']})" if d.get("scope") not in (None, "runtime") else ""),
            markup=False,
        )


def show_why(result: WhyResult, fmt: str) -> None:
    """Paths as numbered lines or JSON."""
    if fmt == "json":
        emit_json(result.as_dict())
        return
    out = console()
    if not result.paths:
        out.print(f"{short(result.project)} does not reach {short(result.package)}", markup=False)
        return
    out.print(f"{len(result.paths)} path(s) from {short(result.project)} to {short(result.package)}:", markup=False)
    for i, path in enumerate(result.paths, 1):
        steps = [short(s["key"]) + _where(s) for s in path]
        out.print(f"{i:>3}. " + " → ".join(steps), markup=False)


def _where(step: dict) -> str:
    """`` (scope, file:line)`` of a step of a why path; the parts that are known."""
    parts = [x for x in (step.get("scope"), step.get("location")) if x]
    return f" ({', '.join(parts)})" if parts else ""
