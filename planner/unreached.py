"""The end of the reverse walk of ``depwave dependents``: once few projects are left unreached, ask only
about what can still lead to them, and stop when none is left.

The breadth-first walk (:mod:`planner.dependents`) goes on until a step reaches nothing new. On a popular
package every project is placed after two steps, and the steps that follow asked who points at
thousands of library versions and projects only to learn nothing (on slf4j-api at 1M edges, 9,992 of
10,000 projects placed in the second step; the next steps cost 320 of its 390 ms of queries).

Once at most :data:`UNREACHED_MAX` projects are left (counted with ``count_projects``, then listed with
``list_project_keys``), the walk computes what they reach going forward along the edges it follows
backwards (``list_walk_successors``, one query per forward step) and keeps only the frontier nodes in
that set. Why the answer is the same:

* a project's answer (its first edge, its path) is fixed in the step that places it: the walk never
  changes a link it made, and a node's path only goes through nodes placed before it;
* a node outside the set cannot lead to a project inside it (a reverse path from the node to the
  project is a forward path from the project to the node), and every node on the way from the target
  to one of them is in the set; a node in the set has all its successors there too, so it meets every
  edge it met before, in the same step, and keeps the same first edge (ties included).

When the unreached projects are all placed, the walk stops. Nodes of a label the walk never follows
(none today) are kept in the set but not followed further.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from planner.store.base import Store

#: list the unreached projects (and compute what can lead to them) once at most this many are left
UNREACHED_MAX = 64
#: give the narrowing up when what the unreached projects reach grows beyond this many nodes (the narrowed
#: steps would pass it as a list, and the full ones would cost no more)
REACH_MAX = 50_000
_LABELS = {"Project": "projects", "Version": "versions", "Package": "packages"}


@dataclass(slots=True)
class Unreached:
    """The projects a walk has not reached, once few are left (None before), and the nodes that can lead
    the walk to them (``leads``; None while the walk is not narrowed)."""

    total: int | None = None  # projects in the graph (counted once the walk has placed some)
    projects: set[str] | None = None
    leads: set[str] | None = None
    given_up: bool = False  # their reach was too wide to narrow anything


def narrow(store: Store, state: Unreached, placed: tuple[Iterable[str], ...], placed_count: int) -> None:
    """List the projects in none of ``placed`` (``placed_count`` of them, or about) and what can lead to them,
    once at most :data:`UNREACHED_MAX` are left; afterwards, or before, nothing. The projects are
    counted at the first call (one query)."""
    if state.projects is not None or state.given_up:
        return
    if state.total is None:
        rows = store.query("count_projects")
        state.total = int(rows[0]["count"]) if rows else 0
    if state.total - placed_count > UNREACHED_MAX:
        return
    left = {r["key"] for r in store.query("list_project_keys")}.difference(*placed)
    if len(left) > UNREACHED_MAX:  # the count was off (a node reached as a project is none): no narrowing
        state.given_up = True
        return
    state.projects = left
    state.leads = _forward(store, left)
    state.given_up = state.leads is None


def keep(state: Unreached, keys: list[str]) -> list[str]:
    """The nodes of ``keys`` that can lead to an unreached project (all of them while not narrowed)."""
    leads = state.leads
    return keys if leads is None else [k for k in keys if k in leads]


def all_placed(state: Unreached, placed: Collection[str]) -> bool:
    """Whether every project that was left unreached is placed now (False while they are not listed)."""
    return state.projects is not None and all(p in placed for p in state.projects)


def _forward(store: Store, projects: Collection[str]) -> set[str] | None:
    """The projects and every node they reach forward along the walk's edges (None: over :data:`REACH_MAX`)."""
    seen = set(projects)
    frontier = {"projects": sorted(projects), "versions": [], "packages": []}
    while any(frontier.values()):
        rows = store.query("list_walk_successors", frontier)
        frontier = {"projects": [], "versions": [], "packages": []}
        for row in rows:
            key = row["key"]
            if key in seen:
                continue
            seen.add(key)
            param = _LABELS.get(row["label"])
            if param is not None:
                frontier[param].append(key)
        if len(seen) > REACH_MAX:
            return None
    return seen
