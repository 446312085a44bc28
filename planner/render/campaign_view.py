"""``campaign status`` and ``campaign export`` for people: text for a terminal, Markdown for a tracker."""

from __future__ import annotations

import io
import textwrap
from collections.abc import Mapping
from typing import Any

from planner.campaign import CampaignStatus
from planner.render import plan_view
from planner.render.labels import package_name, step_label
from planner.render.layout import WIDE_WIDTH, Column, print_table, terminal_width
from planner.render.safe_console import SafeConsole


def _md(x: Any) -> str:
    """A Markdown table cell: pipes escaped, newlines flattened, empty for None."""
    if x is None or x == "":
        return ""
    return str(x).replace("|", "\\|").replace("\n", " ")


def _code(x: Any) -> str:
    """A Markdown code span (so ``<version>`` tags in a change are shown, not parsed as HTML)."""
    if x is None or x == "":
        return ""
    text = _md(x)
    fence = "``" if "`" in text else "`"
    return f"{fence} {text} {fence}" if fence == "``" else f"`{text}`"


def _counts(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{n} {k}" for k, n in counts.items() if n) or "no steps"


def _links(s: Mapping[str, Any]) -> str:
    return " ".join(f"{k} {s[k]}" for k in ("pr", "issue") if s.get(k))


def status_text(st: CampaignStatus, width: int | None = None, wide: bool = False) -> str:
    """The campaign's line, the remaining makespan, then a table of steps by label (status, owners, links,
    last change) fitted to ``width`` (the terminal's); ids are in ``--format json``."""
    c = st.campaign
    whose = f" — steps of {st.owner}" if st.owner else ""
    buffer = io.StringIO()
    out = SafeConsole(file=buffer, width=WIDE_WIDTH if wide else width or terminal_width(), highlight=False)
    out.print(
        f"campaign {c['key']}: {package_name(str(c.get('package')))} → {c.get('fixed_version')}{whose}", markup=False
    )
    out.print(f"  {_counts(st.status_counts)}; remaining makespan {st.plan.makespan:g} h", markup=False)
    labels = {s.id: step_label(s) for s in st.plan.steps}
    last = _last_changes(st.events)
    rows = []
    for s in st.steps:
        change = last.get(s["id"])
        rows.append(
            [
                s["status"] + (" (new)" if s["new"] else ""),
                labels.get(s["id"], s["id"]),
                ", ".join(s["owners"]),
                _links(s),
                f"{change['to']} {change['at'][5:16].replace('T', ' ')} {change['by']}" if change else "",
            ]
        )
    rows += [[f"obsolete ({s.get('state')})", s["id"], "", "", s["reason"]] for s in st.obsolete]
    columns = [
        Column("status", wrap=False),
        Column("step", least=30),
        Column("owners", drop=1),
        Column("links", drop=2),
        Column("last change", drop=3, wrap=False),
    ]
    print_table(out, columns, rows, wide, more="mark a step by its label or its id (--format json lists ids)")
    return buffer.getvalue()


def mark_text(row: Mapping[str, Any], width: int | None = None) -> str:
    """``campaign mark``'s confirmation: ``c1: edit orders-service  todo → in-pr  (pr https://…)``."""
    links = _links(row)
    line = f"{row['campaign']}: {row.get('label') or row['id']}  {row['previous']} → {row['state']}"
    line += f"  ({links})" if links else ""
    return (
        "\n".join(textwrap.wrap(line, width or terminal_width(), subsequent_indent="  ", break_long_words=False)) + "\n"
    )


def status_markdown(st: CampaignStatus) -> str:
    """A Markdown document: headline, a table of steps with status, links and last change, steps no
    longer needed, then the runbook of what remains (its headings one level down, done steps ticked)."""
    c = st.campaign
    last = _last_changes(st.events)
    whose = f" — steps of {st.owner}" if st.owner else ""
    out = [
        f"# Campaign {_md(c['key'])}: {_md(c.get('package'))} → {_md(c.get('fixed_version'))}{_md(whose)}",
        "",
        f"- Started {_md(c.get('created_at'))} by {_md(c.get('created_by'))}"
        + (f"; re-planned {_md(c.get('replaced_at'))} by {_md(c.get('replaced_by'))}" if c.get("replaced_at") else ""),
        f"- Steps: {_counts(st.status_counts)}",
        f"- Remaining makespan: {st.plan.makespan:g} h",
        "",
        "## Steps",
        "",
        "| status | step | owners | PR | issue | last change |",
        "|---|---|---|---|---|---|",
    ]
    for s in st.steps:
        change = last.get(s["id"])
        when = f"{change['to']} {change['at']} by {change['by']}" if change else ""
        out.append(
            f"| {s['status']}{' (new)' if s['new'] else ''} | {_code(s['id'])} | {_md(', '.join(s['owners']))} | "
            f"{_md(s.get('pr'))} | {_md(s.get('issue'))} | {_md(when)} |"
        )
    if st.obsolete:
        out += ["", "## No longer needed", ""]
        out += [f"- {_code(s['id'])} ({_md(s.get('state'))}): {_md(s['reason'])}" for s in st.obsolete]
    runbook = plan_view.markdown(st.plan, st.done).splitlines()[1:]  # its title is this document's
    while runbook and not runbook[0]:
        runbook.pop(0)
    out += ["", "## What remains", ""]
    out += ["#" + line if line.startswith("#") else line for line in runbook]
    return "\n".join(out).rstrip("\n") + "\n"


def _last_changes(events: list[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    """Each step's last recorded event (events come in time order); a step never marked has none."""
    return {e["step"]: e for e in events}


def history_markdown(doc: Mapping[str, Any]) -> str:
    """The export of a campaign's whole history (``depwave.campaign-history/1``) as Markdown."""
    c = doc["campaign"]
    request = doc.get("request") or {}
    what = ", ".join(request.get("advisories") or []) or request.get("package") or c.get("package")
    out = [
        f"# Campaign record: {_md(c['key'])}",
        "",
        f"- Fix: {_md(c.get('package'))} → {_md(c.get('fixed_version'))} ({_md(what)})",
        f"- Started {_md(c.get('created_at'))} by {_md(c.get('created_by'))}",
    ]
    if c.get("replaced_at"):
        out.append(f"- Re-planned {_md(c['replaced_at'])} by {_md(c.get('replaced_by'))}")
    out.append(f"- Policy: {'recorded (see the JSON export)' if doc.get('policy') else 'defaults'}")
    out += [
        "",
        "## Steps",
        "",
        "| wave | step | repository | where | change | state | PR | issue | last change |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for s in doc["steps"]:
        last = s.get("last_change")
        when = f"{last['at']} by {last['by']}" if last else ""
        out.append(
            f"| {_md(s.get('wave'))} | {_code(s['id'])} | {_md(s.get('repo'))} | {_md(s.get('location'))} | "
            f"{_code(s.get('change'))} | {_md(s.get('state'))} | {_md(s.get('pr'))} | {_md(s.get('issue'))} | "
            f"{_md(when)} |"
        )
    out += ["", "## Events", ""]
    if not doc["events"]:
        out.append("No step has changed since the campaign started.")
    else:
        out += ["| when | who | step | from → to | note |", "|---|---|---|---|---|"]
        for e in doc["events"]:
            note = " ".join(x for x in (e.get("note"), e.get("pr"), e.get("issue")) if x)
            out.append(
                f"| {_md(e['at'])} | {_md(e['by'])} | {_code(e['step'])} | {_md(e['from'])} → {_md(e['to'])} | "
                f"{_md(note)} |"
            )
    return "\n".join(out) + "\n"
