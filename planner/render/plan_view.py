"""Renderings of a wave :class:`~planner.waves.Plan`: text, JSON, a Markdown runbook, Mermaid and DOT.

Every function returns a string and is deterministic: the same plan gives byte-identical output
(everything sorted, floats already rounded by the planner, no timestamps unless the policy gives a
plan start).
"""

from __future__ import annotations

import json
import textwrap
from datetime import timedelta
from typing import Any

from rich.cells import cell_len, get_character_cell_size

from planner.render import counted, inventory_gap_sentence
from planner.render.labels import change_words, edit_where, package_name, project_label, step_label
from planner.render.layout import terminal_width
from planner.waves import SCHEMA, Plan, Step

FORMATS = ("text", "json", "markdown", "mermaid", "dot")


def render(plan: Plan, fmt: str) -> str:
    """The plan in one of :data:`FORMATS`."""
    try:
        fn = {"text": text, "json": to_json, "markdown": markdown, "mermaid": mermaid, "dot": dot}[fmt]
    except KeyError:
        raise ValueError(f"unknown plan format {fmt!r} (expected one of {', '.join(FORMATS)})") from None
    return fn(plan)


def _at(plan: Plan, hours: float) -> str | None:
    start = plan.policy.start
    if start is None:
        return None
    return (start + timedelta(hours=hours)).isoformat()


def _num(x: float) -> float | int:
    return int(x) if float(x).is_integer() else x


def step_dict(plan: Plan, s: Step) -> dict[str, Any]:
    """One step in the ``depwave.plan/1`` schema."""
    d: dict[str, Any] = {
        "id": s.id,
        "label": step_label(s),
        "kind": s.kind,
        "phase": s.phase,
        "project": s.project,
        "members": list(s.members),
        "name": s.name,
        "repo": s.repo,
        "repos": list(s.repos),
        "ecosystem": s.ecosystem,
        "strategy": s.strategy,
        "service": s.service,
        "environment": s.environment,
        "mechanism": s.mechanism,
        "change": s.change,
        "location": s.location,
        "owners": list(s.owners),
        "verify": s.verify,
        "reason": s.reason,
        "ci": s.ci,
        "wave": s.wave,
        "duration": _num(s.duration),
        "start": _num(s.start),
        "finish": _num(s.finish),
        "depends_on": list(s.depends_on),
        "edits": [dict(e) for e in s.edits],
    }
    reach = _reachability(plan, s)
    if reach is not None:
        d["reachability"], d["call_sites"] = reach[0], list(reach[1])
    if plan.policy.start is not None:
        d["start_at"] = _at(plan, s.start)
        d["finish_at"] = _at(plan, s.finish)
    return d


def as_dict(plan: Plan) -> dict[str, Any]:
    """The plan as a JSON-ready mapping (schema ``depwave.plan/1``)."""
    t = plan.target
    return {
        "schema": SCHEMA,
        "target": {
            "package": t.package,
            "fixed_version": t.fixed_version,
            "per_project": dict(sorted(t.per_project.items())),
            "advisories": sorted(t.advisories),
            "still_affected_by": list(t.still_affected_by),
            "clears_all_known": t.clears_all_known,
        },
        "policy": plan.policy.summary(),
        # the headline first: time to remediate (every exposed production service fixed), then the makespan
        "services_fixed": _num(plan.services_fixed) if plan.services_fixed is not None else None,
        "makespan": _num(plan.makespan),
        "lower_bound": _num(plan.lower_bound),
        "ratio": _num(plan.ratio),
        "baseline": {
            "makespan": _num(plan.baseline.makespan),
            "rounds": plan.baseline.rounds,
            "round_finish": [_num(x) for x in plan.baseline.round_finish],
            "services_fixed": _num(plan.baseline.services_fixed) if plan.baseline.services_fixed is not None else None,
        },
        "saved_hours": _num(plan.saved_hours),
        "cleanup_finish": None if plan.cleanup_finish is None else _num(plan.cleanup_finish),
        "critical_path": list(plan.critical_path),
        "strategies": dict(plan.strategies),
        "cycles": [list(c) for c in plan.cycles],
        "excluded": list(plan.excluded),
        "decisions": [
            {
                "project": d.project,
                "name": d.name,
                "reason": d.reason,
                "question": d.question,
                "owners": list(d.owners),
                "step": d.step,
            }
            for d in plan.decisions
        ],
        "waves": [{"wave": i, "steps": list(ids)} for i, ids in enumerate(plan.waves, start=1)],
        "steps": [step_dict(plan, s) for s in plan.steps],
        "inventory_gaps": [{"image": image, "services": list(services)} for image, services in plan.inventory_gaps],
    }


def to_json(plan: Plan) -> str:
    """Stable JSON text: one top-level key per line and one step, wave or decision per line.

    (Line-per-item keeps diffs of two plans readable and lets the C encoder do the work: a 40,000-step
    plan encodes in a fraction of a second.)
    """
    data = as_dict(plan)

    def enc(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))

    lines = ["{"]
    keys = list(data)
    for i, key in enumerate(keys):
        value = data[key]
        comma = "," if i < len(keys) - 1 else ""
        if isinstance(value, list) and value and isinstance(value[0], dict):
            lines.append(f"  {enc(key)}: [")
            lines.extend(f"    {enc(item)}{',' if j < len(value) - 1 else ''}" for j, item in enumerate(value))
            lines.append(f"  ]{comma}")
        else:
            lines.append(f"  {enc(key)}: {enc(value)}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _h(x: float) -> str:
    return f"{x:g} h"


def _window(s: Step) -> str:
    return f"{s.start:g}–{s.finish:g} h"


def _step_lines(plan: Plan, s: Step, width: int) -> list[str]:
    """A step: its time window and label, then per edited file ``repo/file:line  change in words``."""
    owners = f"  ({', '.join(s.owners)})" if s.owners and s.kind in ("edit", "relock", "decide") else ""
    lines = _wrap(f"  {_window(s):<13} {step_label(s)}{owners}", width, 18)
    if s.kind == "decide" and s.change:
        lines += _wrap(f"{' ' * 18}{s.change}", width, 18)
    elif s.kind in ("edit", "relock"):
        if s.edits:
            for e in s.edits:
                change = change_words(s, e, plan.target.package)
                lines += _wrap(f"{' ' * 18}{edit_where(s, e)}  {change}", width, 20)
        elif s.change:
            where = f"{s.repo}/{s.location}  " if s.location else ""
            lines += _wrap(f"{' ' * 18}{where}{s.change}", width, 20)
    return lines


def _wrap(line: str, width: int, indent: int) -> list[str]:
    """``line`` wrapped to ``width`` with continuation lines indented; only a word longer than a line is split."""
    if _cells(line) <= width:
        return [line]
    body = line.lstrip(" ")
    lead = line[: len(line) - len(body)]
    return textwrap.wrap(
        body,
        width,
        initial_indent=lead,
        subsequent_indent=" " * indent,
        break_long_words=True,
        break_on_hyphens=False,
    )


_PRINTABLE_ASCII = frozenset(map(chr, range(0x20, 0x7F)))


def _cells(line: str) -> int:
    """``rich.cells.cell_len(line)``: the cells of each distinct character that is not printable ASCII (one
    cell each) times its count, where rich walks every character in Python (a plan's steps have arrows
    and dashes in every line). Zero-width joiners and emoji variation selectors: rich's own walk."""
    others = set(line).difference(_PRINTABLE_ASCII)
    if "\u200d" in others or "\ufe0f" in others:
        return cell_len(line)
    return len(line) + sum((get_character_cell_size(ch) - 1) * line.count(ch) for ch in others)


def text(plan: Plan, width: int | None = None) -> str:
    """A summary for a terminal at ``width`` columns (the terminal's by default): the totals, what needs a
    decision, then per wave each step's label and, for an edit, the file to change and the change in words.
    Step ids are left to the JSON."""
    width = width or terminal_width()
    by_id = {s.id: s for s in plan.steps}
    out = [
        f"Plan for {plan.target.package} → {plan.target.fixed_version}"
        + ("" if plan.steps else " (nothing in scope needs it: no project resolves an affected version)"),
    ]
    remediated = services_fixed_text(plan)
    if remediated:
        out.append(f"  {remediated}")
    out += [
        f"  {len(plan.steps)} steps in {len(plan.waves)} waves; makespan {_h(plan.makespan)} "
        f"(lower bound {_h(plan.lower_bound)}, ratio {plan.ratio:g})",
        f"  frontier baseline {_h(plan.baseline.makespan)} in {counted(plan.baseline.rounds, 'round')}; "
        f"saved {_h(plan.saved_hours)}",
    ]
    caveat = _caveat(plan)
    if caveat:
        out.append(f"  {caveat}")
    if plan.cleanup_finish is not None:
        n = sum(1 for s in plan.steps if s.phase == "cleanup")
        out.append(f"  clean-up phase: {n} steps after the fix, done at {_h(plan.cleanup_finish)}")
    counts: dict[str, int] = {}
    for strategy in plan.strategies.values():
        counts[strategy] = counts.get(strategy, 0) + 1
    if counts:
        out.append("  strategies: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    for c in plan.cycles:
        out.append(f"  cycle fixed together: {' ↔ '.join(_member_label(m) for m in c)}")
    for d in plan.decisions:
        out.append(f"  decide ({d.reason}) {d.name}: {d.question} — {', '.join(d.owners) or 'no owner'}")
    if plan.excluded:
        out.append(f"  excluded by policy (test-only): {', '.join(_member_label(m) for m in plan.excluded)}")
    if plan.inventory_gaps:
        out.append(f"  {inventory_gap_sentence(plan.inventory_gaps)}")
    if plan.critical_path:
        out.append(f"  critical path: {_critical_path(plan.critical_path, by_id)}")
    out = [w for line in out for w in _wrap(line, width, 4)]
    for i, ids in enumerate(plan.waves, start=1):
        out.append(f"Wave {i}")
        for sid in sorted(ids, key=lambda x: (by_id[x].start, x)):
            out += _step_lines(plan, by_id[sid], width)
    return "\n".join(out) + "\n"


def _critical_path(ids: tuple[str, ...] | list[str], by_id: dict[str, Step]) -> str:
    """The critical path, a unit's consecutive steps named once (``edit, build, publish acme-logging/logging-core``)."""
    groups: list[tuple[list[str], str]] = []
    for sid in ids:
        s = by_id.get(sid)
        label = step_label(s) if s is not None else sid
        kind = s.kind if s is not None and s.kind in ("edit", "relock", "build", "publish") else ""
        if not kind or not label.startswith(kind + " "):
            groups.append(([], label))
            continue
        unit = label[len(kind) + 1 :]
        if groups and groups[-1][0] and groups[-1][1] == unit:
            groups[-1][0].append(kind)
        else:
            groups.append(([kind], unit))
    return " → ".join(f"{', '.join(kinds)} {unit}" if kinds else unit for kinds, unit in groups)


def _member_label(key: str) -> str:
    """A project key (``repo/dir#purl``) as ``repo/artifact``."""
    if "#" not in key:
        return key
    repo = key.split("/", 1)[0]
    return project_label(package_name(key.split("#", 1)[1]), repo)


def services_fixed_text(plan: Plan) -> str | None:
    """The plan's headline, time to remediate: when every exposed production service is fixed, against the
    frontier baseline (None when the plan fixes no service). The makespan is the second figure."""
    if plan.services_fixed is None or plan.baseline.services_fixed is None:
        return None
    return (
        f"every exposed service fixed at {_h(plan.services_fixed)} "
        f"(frontier baseline: {_h(plan.baseline.services_fixed)})"
    )


def headline(plan: Plan) -> str:
    """One line: time to remediate vs the frontier baseline, then when the whole programme (clean-up and
    library republishing included) is done (for the graph formats)."""
    done = plan.cleanup_finish if plan.cleanup_finish is not None else plan.makespan
    makespan = f"everything done at {_h(done)} (frontier baseline {_h(plan.baseline.makespan)})"
    remediated = services_fixed_text(plan)
    return f"{remediated}; {makespan}" if remediated else makespan


def _caveat(plan: Plan) -> str | None:
    t = plan.target
    if not t.still_affected_by:
        return None
    better = (
        f"; {t.clears_all_known} clears every known advisory (--fixed {t.clears_all_known})"
        if t.clears_all_known
        else ""
    )
    return f"note: {t.fixed_version} is still affected by {', '.join(t.still_affected_by)}{better}"


_REACH_RANK = {"called": 0, "imported": 1, "not-scanned": 2, "not-called": 3}


def _reachability(plan: Plan, s: Step) -> tuple[str, tuple[str, ...]] | None:
    """The strongest reachability verdict of a step's members and their call sites (None: not assessed)."""
    found = [plan.reachability[m] for m in s.members if m in plan.reachability]
    if not found:
        return None
    verdict = min((v for v, _ in found), key=lambda v: _REACH_RANK.get(v, 9))
    return verdict, tuple(dict.fromkeys(site for _, sites in found for site in sites))


#: call sites shown per project in the runbook (the JSON lists every one)
RUNBOOK_SITES = 5


def _md(x: str | None) -> str:
    if not x:
        return ""
    return x.replace("|", "\\|").replace("\n", " ")


def markdown(plan: Plan, done: frozenset[str] = frozenset()) -> str:
    """A runbook: per wave the steps, owners, the file:line to edit, the exact change and how to verify it;
    the steps in ``done`` (a campaign's record) and their decisions are ticked ``[x]``."""
    t = plan.target
    out = [f"# Runbook: {t.package} → {t.fixed_version}", "", *_md_summary(plan)]
    if plan.decisions:
        out += ["", "## Decisions needed", ""]
        for d in plan.decisions:
            whose = ", ".join(d.owners) or "no owner"
            out.append(f"- {_box(d.step in done)} **{d.name}** ({d.reason}): {d.question} — {whose}")
    if plan.inventory_gaps:
        out += ["", "## Inventory gap", "", inventory_gap_sentence(plan.inventory_gaps) or ""]
    by_id = {s.id: s for s in plan.steps}
    shown: set[str] = set()  # projects whose call sites an earlier wave listed
    for i, ids in enumerate(plan.waves, start=1):
        steps = [by_id[sid] for sid in sorted(ids, key=lambda x: (by_id[x].start, x))]
        out += ["", f"## Wave {i}", ""]
        out.append("| | step | project | owners | where | change | start → finish | after |")
        out.append("|---|---|---|---|---|---|---|---|")
        out += [_md_step_row(plan, s, by_id, done) for s in steps]
        sites = _wave_sites(plan, steps, shown)
        if sites:
            out += ["", "Where the vulnerable code is called (reachability):", "", *sites]
        verifies = sorted({(s.name, s.verify) for s in steps if s.verify})
        if verifies:
            out += ["", "Verify after the builds:", ""]
            out += [f"- {name}: `{cmd}`" for name, cmd in verifies]
    return "\n".join(out) + "\n"


def _md_summary(plan: Plan) -> list[str]:
    """The runbook's opening bullets: times against the frontier baseline, caveat, start, clean-up, cycles
    and exclusions."""
    out = []
    if plan.services_fixed is not None and plan.baseline.services_fixed is not None:
        out.append(
            f"- Every exposed service fixed at: **{_h(plan.services_fixed)}** "
            f"(frontier baseline {_h(plan.baseline.services_fixed)})"
        )
    out += [
        f"- Makespan: {_h(plan.makespan)} (lower bound {_h(plan.lower_bound)}, ratio {plan.ratio:g})",
        f"- Frontier baseline: {_h(plan.baseline.makespan)} in {counted(plan.baseline.rounds, 'round')} "
        f"(saved {_h(plan.saved_hours)})",
    ]
    caveat = _caveat(plan)
    if caveat:
        out.append(f"- **{caveat}**")
    if plan.policy.start is not None:
        out.append(f"- Plan start: {plan.policy.start.isoformat()}")
    if plan.cleanup_finish is not None:
        n = sum(1 for s in plan.steps if s.phase == "cleanup")
        out.append(f"- Clean-up phase: {n} steps after the fix, done at {_h(plan.cleanup_finish)}")
    if plan.cycles:
        out.append("- Cycles fixed together: " + "; ".join(" ↔ ".join(map(_member_label, c)) for c in plan.cycles))
    if plan.excluded:
        out.append("- Excluded by policy (test-only): " + ", ".join(map(_member_label, plan.excluded)))
    return out


def _md_step_row(plan: Plan, s: Step, by_id: dict[str, Step], done: frozenset[str]) -> str:
    """One step's row of a wave's table."""
    what = step_label(s)
    if s.mechanism and s.kind in ("edit", "relock"):
        what = f"{what} ({s.mechanism})"
    window = f"{s.start:g} → {s.finish:g} h"
    if plan.policy.start is not None:
        window += f" ({_at(plan, s.start)})"
    after = ", ".join(step_label(by_id[d]) if d in by_id else d for d in s.depends_on)
    project = f"{_md(s.name)}{f' ({_md(s.repo)})' if s.repo else ''}"
    return (
        f"| {_box(s.id in done)} | {_md(what)} | {project} | {_md(', '.join(s.owners))} | "
        f"{_md(_md_where(s))} | {_md_change(plan, s)} | {window} | {_md(after)} |"
    )


def _box(ticked: bool) -> str:
    """A Markdown task-list box."""
    return "[x]" if ticked else "[ ]"


def _md_where(s: Step) -> str:
    """Each edited file as ``repo/file:line`` (a cycle's step edits files of several repositories)."""
    if s.edits:
        return ", ".join(dict.fromkeys(edit_where(s, e) for e in s.edits))
    return f"{s.repo}/{s.location}" if s.location and s.repo else s.location or ""


def _md_change(plan: Plan, s: Step) -> str:
    """The exact change as code (``<log4j2.version>2.17.1</log4j2.version>``), or in words where the plan's
    own text names other steps (a propagated bump waits for a release)."""
    if any(e.get("mechanism") == "propagate" for e in s.edits):
        return _md("; ".join(dict.fromkeys(change_words(s, e, plan.target.package) for e in s.edits)))
    if s.kind in ("edit", "relock") and s.change:
        return f"`{_md(s.change)}`"
    return _md(s.change)


def _wave_sites(plan: Plan, steps: list[Step], shown: set[str]) -> list[str]:
    """Runbook lines: each project's call sites at its first step (at most :data:`RUNBOOK_SITES`)."""
    lines = []
    for s in steps:
        reach = _reachability(plan, s)
        if reach is None or s.project in shown:
            continue
        shown.add(s.project)
        verdict, sites = reach
        if not sites:
            lines.append(f"- {_md(step_label(s))}: {verdict}")
            continue
        listed = ", ".join(f"`{_md(x)}`" for x in sites[:RUNBOOK_SITES])
        more = f" and {len(sites) - RUNBOOK_SITES} more" if len(sites) > RUNBOOK_SITES else ""
        lines.append(f"- {_md(step_label(s))}: {verdict} at {listed}{more}")
    return lines


def _label(s: Step) -> str:
    what = s.kind if s.kind != "deploy" else f"deploy {s.service} {s.environment}"
    if s.phase == "cleanup":
        what = f"cleanup {what}"
    return f"{what}: {s.name} ({s.start:g}-{s.finish:g} h)"


def mermaid(plan: Plan) -> str:
    """A Mermaid flowchart of the step graph, one subgraph per wave."""
    ids = {s.id: f"s{i}" for i, s in enumerate(sorted(plan.steps, key=lambda s: s.id))}
    by_id = {s.id: s for s in plan.steps}
    out = ["flowchart LR", f"  %% {headline(plan)}"]
    for i, wave in enumerate(plan.waves, start=1):
        out.append(f'  subgraph w{i}["wave {i}"]')
        for sid in wave:
            label = _label(by_id[sid]).replace('"', "#quot;")
            out.append(f'    {ids[sid]}["{label}"]')
        out.append("  end")
    for s in sorted(plan.steps, key=lambda s: s.id):
        for d in s.depends_on:
            out.append(f"  {ids[d]} --> {ids[s.id]}")
    return "\n".join(out) + "\n"


def dot(plan: Plan) -> str:
    """A Graphviz DOT digraph of the step graph, one rank per wave."""

    def q(x: str) -> str:
        return '"' + x.replace("\\", "\\\\").replace('"', '\\"') + '"'

    by_id = {s.id: s for s in plan.steps}
    out = ["digraph plan {", "  rankdir=LR;", f"  label={q(headline(plan))};", "  labelloc=t;", "  node [shape=box];"]
    for i, wave in enumerate(plan.waves, start=1):
        out.append(f"  subgraph cluster_w{i} {{")
        out.append(f"    label={q(f'wave {i}')};")
        for sid in wave:
            style = ", style=dashed" if by_id[sid].kind == "decide" else ""
            out.append(f"    {q(sid)} [label={q(_label(by_id[sid]))}{style}];")
        out.append("  }")
    for s in sorted(plan.steps, key=lambda s: s.id):
        for d in s.depends_on:
            out.append(f"  {q(d)} -> {q(s.id)};")
    out.append("}")
    return "\n".join(out) + "\n"
