"""The report's charts as SVG text: the plan's Gantt chart and each service's dependency path.

Pure string builders; every text from the graph goes through :func:`esc`. Geometry is in SVG user
units; the charts scale to the page width through their ``viewBox``.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from planner.render import short
from planner.render.report.model import PathGraph, Row, Timeline
from planner.safe_text import escape_terminal

WIDTH = 1000
LABEL_W = 190
LANE_H = 14
ROW_GAP = 6
AXIS_H = 34
#: node box of a dependency-path graph
NODE_W, NODE_H, COL_GAP, ROW_H = 200, 32, 42, 42


def esc(value: Any) -> str:
    """Text or attribute value, HTML/SVG-escaped (``&``, ``<``, ``>``, both quotes), control characters
    from files shown as ``\\uXXXX`` (planner.safe_text; most are not even allowed in SVG)."""
    return html.escape(escape_terminal("" if value is None else str(value)), quote=True)


def truncate(text: str, chars: int) -> str:
    """``text`` cut to ``chars`` characters with an ellipsis."""
    return text if len(text) <= chars else text[: max(1, chars - 1)] + "…"


def defs() -> str:
    """The markers and patterns every chart refers to, defined once per page (ids must be unique, and a
    marker inside a closed ``<details>`` would not render for the others)."""
    return (
        '<svg class="defs" width="0" height="0" aria-hidden="true" xmlns="http://www.w3.org/2000/svg"><defs>'
        '<pattern id="dw-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        '<rect width="3" height="6" class="hatch"/></pattern>'
        '<marker id="dw-arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="7" markerHeight="7" orient="auto">'
        '<path d="M0,0 L8,4 L0,8 z" class="arrow"/></marker></defs></svg>'
    )


def _tick_step(span: float) -> float:
    """A readable tick interval giving 5-12 ticks over ``span`` hours."""
    for step in (0.25, 0.5, 1, 2, 3, 4, 6, 12, 24, 48, 72, 168):
        if span / step <= 12:
            return step
    return math.ceil(span / 12 / 168) * 168


def gantt(
    rows: list[Row],
    row_kind: str,
    when: Timeline,
    freezes: list[Mapping[str, Any]],
    fix_end: float | None,
) -> str:
    """The Gantt chart: a row per repository or team, bars per step coloured by kind, the critical path
    outlined, clean-up hatched, freeze windows shaded, campaign states and the "now" line. Bars carry
    only their step id: the filters find a step's owners, repositories and verdict on its table rows."""
    bars = [b for r in rows for b in r.bars]
    span = max([b.finish for b in bars] + [when.now or 0] + [f["end"] + when.offset for f in freezes] + [0.25])
    scale = (WIDTH - LABEL_W - 60) / span  # room on the right for the last tick's label
    height = AXIS_H + sum(r.lanes * LANE_H + ROW_GAP for r in rows) + 14  # the bottom line holds labels
    x = lambda h: LABEL_W + h * scale  # noqa: E731 - one formula, used everywhere below
    out = [
        f'<svg class="gantt" viewBox="0 0 {WIDTH} {height:g}" role="img" aria-labelledby="gantt-t gantt-d" '
        f'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMinYMin meet">',
        f'<title id="gantt-t">Gantt chart of the plan: {len(bars)} steps in {len(rows)} rows '
        f"(one per {esc(row_kind)})</title>",
        f'<desc id="gantt-d">Each bar is a step from its start to its finish in hours. The same steps are listed '
        f"in the tables per owner below.{_critical_desc(rows)}</desc>",
    ]
    out += _axis(span, scale, height, when)
    for f in freezes:
        x0, x1 = x(f["start"] + when.offset), x(f["end"] + when.offset)
        out.append(
            f'<rect class="freeze" x="{x0:.1f}" y="{AXIS_H - 6}" width="{max(x1 - x0, 1):.1f}" '
            f'height="{height - AXIS_H:.1f}"><title>deploy freeze {esc(f["environment"])}: '
            f"{f['start']:g} → {f['end']:g} h</title></rect>"
            f'<text class="freeze-l" x="{x0 + 2:.1f}" y="{height - 2:.1f}">freeze {esc(f["environment"])}</text>'
        )
    y = AXIS_H
    for r in rows:
        h = r.lanes * LANE_H
        out.append(
            f'<g class="row"><rect class="band" x="0" y="{y - ROW_GAP / 2:g}" width="{WIDTH}" '
            f'height="{h + ROW_GAP:g}"/>'
            f'<text class="rl" x="4" y="{y + min(h, LANE_H) - 3:g}">{esc(truncate(r.label, 28))}'
            f"<title>{esc(r.label)}{f' ({r.overflow} bars overlap)' if r.overflow else ''}</title></text>"
        )
        for b in r.bars:
            out.append(_bar(b, x(b.start), y + b.lane * LANE_H + 1, max((b.finish - b.start) * scale, 2.5)))
        out.append("</g>")
        y += h + ROW_GAP
    if fix_end is not None:
        xf = x(fix_end + when.offset)
        out.append(
            f'<line class="phase" x1="{xf:.1f}" x2="{xf:.1f}" y1="{AXIS_H - 8}" y2="{height:.1f}"/>'
            f'<text class="phase-l" x="{xf + 3:.1f}" y="{height - 2:.1f}">clean-up →</text>'
        )
    if when.now is not None:
        xn = x(when.now)
        out.append(
            f'<line class="now" x1="{xn:.1f}" x2="{xn:.1f}" y1="{AXIS_H - 14}" y2="{height:.1f}"/>'
            f'<text class="now-l" x="{xn + 3:.1f}" y="{height - 2:.1f}">now</text>'
        )
    out.append("</svg>")
    return "".join(out)


def _critical_desc(rows: list[Row]) -> str:
    critical = sorted((b for r in rows for b in r.bars if b.critical), key=lambda b: b.start)
    if not critical:
        return ""
    return " Critical path: " + esc(" → ".join(f"{b.step['kind']} {b.step['name']}" for b in critical)) + "."


def _axis(span: float, scale: float, height: float, when: Timeline) -> list[str]:
    step = _tick_step(span)
    out = []
    t = 0.0
    while t <= span + 1e-9:
        xt = LABEL_W + t * scale
        clock = ""
        if when.origin is not None:
            clock = (when.origin + timedelta(hours=t)).strftime("%a %H:%M")
            clock = f'<text class="tick" x="{xt + 2:.1f}" y="23">{esc(clock)}</text>'
        out.append(
            f'<line class="grid" x1="{xt:.1f}" x2="{xt:.1f}" y1="{AXIS_H - 4}" y2="{height:.1f}"/>'
            f'<text class="tick" x="{xt + 2:.1f}" y="11">{t:g} h</text>{clock}'
        )
        t += step
    return out


def _bar(b: Any, x0: float, y0: float, w: float) -> str:
    s = b.step
    classes = [f"k-{s['kind']}"]
    if s.get("phase") == "cleanup":
        classes.append("cleanup")
    if b.critical:
        classes.append("cp")
    if b.state:
        classes.append(f"st-{b.state}")
    what = s["kind"] if s["kind"] != "deploy" else f"deploy {s.get('service')} to {s.get('environment')}"
    where = f" at {s.get('repo')}: {s['location']}" if s.get("location") else ""
    state = f" [{b.state}]" if b.state else ""
    tip = f"{what} {s['name']}{where}: {b.start:g} → {b.finish:g} h{state}{' (critical path)' if b.critical else ''}"
    return (
        f'<rect class="{" ".join(classes)}" x="{x0:.1f}" y="{y0:g}" width="{w:.1f}" height="{LANE_H - 2}" '
        f'data-step="{esc(s["id"])}"><title>{esc(tip)}</title></rect>'
    )


def node_label(key: str) -> tuple[str, str]:
    """A node's two lines: ``name version`` and the group (Maven groupId, npm scope, project repository)."""
    text = short(key)  # group:artifact@version, or the project's package name
    at = text.rfind("@")
    name, version = (text[:at], text[at + 1 :]) if at > 0 else (text, "")
    group, _, artifact = name.rpartition(":")
    if "#" in key and not key.startswith("pkg:"):
        group = f"project in {key.split('/', 1)[0]}"
    return f"{artifact} {version}".strip(), group


def path_graph(g: PathGraph) -> str:
    """One dependency-path graph: columns by depth, arrows from consumer to dependency."""
    cols = max((layer for _, layer, _, _ in g.nodes), default=0) + 1
    rows = max((row for _, _, row, _ in g.nodes), default=0) + 1
    width, height = cols * (NODE_W + COL_GAP) - COL_GAP + 8, rows * ROW_H + 4
    pos = {key: (4 + layer * (NODE_W + COL_GAP), 2 + row * ROW_H) for key, layer, row, _ in g.nodes}
    words = "; ".join(" → ".join(short(k) for k in r) for r in g.routes)
    more = f" and {g.more_projects} more projects" if g.more_projects else ""
    heads = ", ".join(short(p["project"]) for p in g.projects[: len(g.projects) - g.more_projects]) + more
    out = [
        f'<svg class="paths" viewBox="0 0 {width} {height}" width="{width}" role="img" '
        f'aria-label="{esc(f"dependency paths from {heads}: {words}")}" xmlns="http://www.w3.org/2000/svg">',
    ]
    for a, b in g.edges:
        (xa, ya), (xb, yb) = pos[a], pos[b]
        out.append(
            f'<line class="edge" x1="{xa + NODE_W}" y1="{ya + NODE_H / 2:g}" x2="{xb}" y2="{yb + NODE_H / 2:g}" '
            'marker-end="url(#dw-arrow)"/>'
        )
    for key, _, _, role in g.nodes:
        px, py = pos[key]
        name, group = node_label(key)
        out.append(
            f'<g class="node {role}"><rect x="{px}" y="{py}" width="{NODE_W}" height="{NODE_H}" rx="4"/>'
            f'<text x="{px + 6}" y="{py + 14}">{esc(truncate(name, 31))}</text>'
            f'<text class="g" x="{px + 6}" y="{py + 27}">{esc(truncate(group, 34))}</text><title>{esc(key)}</title></g>'
        )
    out.append("</svg>")
    return "".join(out)
