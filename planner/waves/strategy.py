"""Strategy decisions: how each member of a unit takes the fix, which change step that makes, which library
units a choice of strategies defers to the clean-up phase, and which release each consumer waits for."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from planner.waves.projects import _Project
from planner.waves.units import PlanInput, Unit


@dataclass(frozen=True, slots=True)
class Choice:
    """A strategy per unit key (``propagate``, ``override``, ``direct``, ``decide``) and the library units it
    defers to the clean-up phase."""

    decisions: Mapping[str, str]
    deferred: frozenset[str] = frozenset()

    def release_step(self, u: Unit) -> str | None:
        """The step a consumer of unit ``u`` waits for: its publish, else its build (None if not planned)."""
        if self.decisions.get(u.key, "decide") == "decide":
            return None
        prefix = "cleanup:" if u.key in self.deferred else ""
        if any(m.publishes for m in u.members):
            return f"{prefix}publish:{u.key}"
        return f"{prefix}build:{u.key}"


def choice_of(pi: PlanInput, decisions: Mapping[str, str], defer: bool = True) -> Choice:
    """The decisions with the library units they defer (none when ``defer`` is false)."""
    return Choice(decisions, deferred_units(pi, decisions) if defer else frozenset())


def release_steps(pi: PlanInput, choice: Choice, u: Unit) -> list[str]:
    """The release steps of ``u``'s exposed providers that are planned under ``choice``."""
    return [r for p in u.providers if (r := choice.release_step(pi.units[p]))]


def member_strategy(u: Unit, m: _Project, strategy: str) -> str:
    """How one member takes the fix; a member carried by its build is fixed the way its siblings are."""
    if m.key in u.carried:
        if strategy in ("propagate", "override"):
            return strategy
        return "relock" if _change_kinds(u, strategy) == {"relock"} else "direct"
    if m.key in u.transitive:
        return strategy
    return "relock" if m.edit_kind == "lockfile-only" else "direct"


def _change_kinds(u: Unit, strategy: str) -> set[str]:
    return {member_strategy(u, m, strategy) for m in u.members if m.key not in u.carried}


def change_kind(u: Unit, strategy: str) -> str:
    """The kind of the unit's change step under a strategy: ``relock`` when nothing needs an edit, else ``edit``."""
    kinds = _change_kinds(u, strategy)
    if kinds == {"relock"}:
        return "relock"
    if kinds == {"propagate"} and u.providers and not u.pinned:
        return "relock"
    return "edit"


def deferred_units(pi: PlanInput, decisions: Mapping[str, str]) -> frozenset[str]:
    """Library units whose fix no fix-phase step waits for (policy ``defer_libraries``).

    A unit of libraries only, none of them deployed, with a planned strategy and at least one consumer
    in the plan, is deferred when every consumer takes the fix without it (override or direct) or is
    deferred itself; its steps move to the clean-up phase. Libraries nobody in the plan consumes, and
    units feeding a ``decide`` step, stay in the fix phase."""
    if not pi.policy.defer_libraries:
        return frozenset()
    deferred: set[str] = set()
    for ukey in reversed(pi.order):  # consumers before their providers
        u = pi.units[ukey]
        consumers = pi.consumers[ukey]
        if decisions.get(ukey, "decide") == "decide" or not consumers:
            continue
        if any(m.kind != "library" or m.deployments for m in u.members):
            continue  # only libraries that run nowhere
        if all(c in deferred or decisions.get(c, "decide") in ("override", "direct") for c in consumers):
            deferred.add(ukey)
    return frozenset(deferred)
