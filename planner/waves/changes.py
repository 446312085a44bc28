"""What one member of a unit changes under its strategy: the mechanism and change text of the plan, and the
edit record ``depwave fix`` patches. Build-tool knowledge comes from :mod:`planner.waves.build_tools`."""

from __future__ import annotations

from typing import Any

from planner.buildtools import go_version
from planner.waves.build_tools import _override, _relock_command
from planner.waves.projects import _Project
from planner.waves.strategy import Choice
from planner.waves.units import PlanInput, Unit


def member_change(
    pi: PlanInput, choice: Choice, u: Unit, m: _Project, strategy: str, replaces_override: bool
) -> tuple[str, str]:
    """(mechanism, change) of one member taking the fix by ``strategy`` (``replaces_override``: a clean-up
    that removes the member's override pin while bumping its providers)."""
    v = pi.target.fixed_for(m.key)
    pkg = pi.pkg
    tool = pi.tools[m.key]
    shown = go_version(v) if tool == "go" else v  # as the manifest writes it: go.mod says v1.84.0
    old = f"{pkg.name} {m.vulnerable} → {shown}" if m.vulnerable else f"{pkg.name} → {shown}"
    if strategy == "override":
        mech = _override(tool, pkg, v)
        assert mech is not None
        return mech
    if strategy == "propagate":
        return "propagate", _propagate_change(pi, choice, u, m, replaces_override)
    if strategy == "relock":
        return "relock", f"{_relock_command(tool, pkg, v)} ({old} in the lockfile)"
    # direct
    kind = m.edit_kind or "direct-dependency"
    if kind == "property" and m.prop:
        if tool == "maven" and m.version_from:
            return "property", f"<{m.prop}>{v}</{m.prop}> in this POM, overriding {m.version_from}"
        if tool == "maven":
            return "property", f"<{m.prop}>{v}</{m.prop}>"
        return "property", f'{m.prop} = "{v}"'
    if kind == "dependency-management" and m.version_from:
        return kind, f"pin {pkg.display} {v} in <dependencyManagement>, overriding {m.version_from}"
    if kind == "bom-import":
        return "bom-import", f"import a BOM version that manages {pkg.display} {v} or later"
    return kind, old


def _propagate_change(pi: PlanInput, choice: Choice, u: Unit, m: _Project, replaces_override: bool) -> str:
    """The bump of each exposed provider to the release its release step makes."""
    v = pi.target.fixed_for(m.key)
    pkg = pi.pkg
    tool = pi.tools[m.key]
    parts = []
    for ukey in u.providers:
        pu = pi.units[ukey]
        used = [x.name for x in pu.members if pi.sub.has_edge(m.key, x.key)]
        names = " + ".join(used) if used else pu.name
        step = choice.release_step(pu)
        if step is None:
            continue
        parts.append(f"{names} → its new release")  # the release step's id is in depends_on
    siblings = [x.name for x in u.members if x.build_unit == m.build_unit and pi.sub.has_edge(m.key, x.key)]
    if not parts and m.build_unit and siblings:  # no release in between: the build's own lock moves
        parts.append(f"built with {' + '.join(siblings)}: {_relock_command(tool, pkg, v)}")
    body = "; ".join(parts) if parts else f"the dependency that brings in {pkg.display} → a release with {v}"
    if replaces_override:
        mech = _override(tool, pkg, v)
        return f"remove the {mech[0] if mech else 'override'} pin of {pkg.display}; bump {body}"
    if u.providers and not u.pinned:
        return f"relock to pick up {body}"
    return body


def member_edit(pi: PlanInput, u: Unit, m: _Project, strategy: str, mechanism: str) -> dict[str, Any]:
    """One member's edit, as ``depwave fix`` needs it (the plan JSON's ``steps[].edits``)."""
    providers = []
    if strategy == "propagate":
        providers = sorted({x.publishes for p in u.providers for x in pi.units[p].members if x.publishes})
    return {
        "project": m.key,
        "repo": m.repo,
        "strategy": strategy,
        "mechanism": mechanism,
        "location": m.location,
        "from": m.vulnerable,
        "to": pi.target.fixed_for(m.key),
        "property": m.prop,
        **({"overrides": m.version_from} if m.version_from else {}),
        "tool": pi.tools[m.key],
        "providers": providers,
    }
