"""What to change for one project: the version to move to (and whether another known advisory still
affects it) and the file:line to edit. Pure functions over evidence and the project graph."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from planner import ecosystems, followups, versions
from planner.digraph import Digraph
from planner.exposure.project_graph import FAR
from planner.exposure.report import AffectedPackage, Evidence
from planner.followups import KnownAdvisory
from planner.locations import location_text


class Fix(NamedTuple):
    """The version to move to, the known advisories still affecting it, and the lowest version clearing
    every advisory known for the package (when ``recommended`` does not)."""

    recommended: str | None
    still_affected_by: list[str]
    clears_all_known: str | None


def fix_for(target: AffectedPackage, current: Sequence[str], known: Sequence[KnownAdvisory]) -> Fix:
    """The fix for a project using ``current`` versions of the target."""
    recommended = recommended_version(target, list(current))
    still, clears = followups.follow_ups(target.ecosystem, recommended, current, [target.entry], known)
    return Fix(recommended, still, clears)


def recommended_version(target: AffectedPackage, current: list[str]) -> str | None:
    """The version to move to: None when every version in use is already clear (nothing to fix)."""
    if not versions.is_supported(target.ecosystem):
        return target.fixed[0] if target.fixed else None
    needed = [v for v in current if target.affects(v) is not False]
    if current and not needed:
        return None
    fixes = [versions.fix_for(target.ecosystem, v, [target.entry]) for v in needed]
    fixes = [f for f in fixes if f]
    if fixes:
        return versions.sort_versions(target.ecosystem, fixes)[-1]
    return target.fixed[-1] if target.fixed else None


def change_at(
    items: list[Evidence], graph: Digraph, key: str, to_entry: Mapping[str, int], export: Mapping[str, Any]
) -> str | None:
    """The file:line to edit: where an exact declared version is set; else the lockfile line of a
    direct resolution (a range that already admits the fix only needs a relock); else the line of a
    manifest that lists the whole build list (go.mod's ``// indirect`` requirement); else a declared
    range; else the dependency on the internal library that brings the package in."""
    ordered = sorted(items, key=lambda e: (e.location or "", e.version or ""))
    for e in ordered:
        if e.kind == "declares" and e.version:
            return e.own_version_location()
    for e in ordered:
        if e.kind == "resolves" and e.depth == 1 and e.location:
            return e.location
    for e in ordered:  # go.mod lists indirect requirements too: that line is the module's own to move
        if e.kind == "resolves" and ecosystems.lists_whole_build(e.location):
            return e.location
    for e in ordered:
        if e.kind == "declares":
            return e.own_version_location()
    links = sorted(
        graph.out_edges(key),
        key=lambda e: (e[1] not in export, to_entry.get(e[1], FAR), e[2].get("via") != "declares", e[1]),
    )
    for _, _provider, data in links:
        if data.get("file"):
            return location_text(data.get("file"), data.get("line"))
    return ordered[0].location if ordered else None
