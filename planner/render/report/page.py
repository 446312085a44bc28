"""The report's HTML sections, from the JSON documents (see :mod:`planner.render.report.model`).

Every value from the graph (names, paths, owners, changes) is escaped with
:func:`~planner.render.report.svg.esc`; nothing from a file ever reaches the page unescaped, and the
page's script only reads text (``textContent``) and data attributes, never writes HTML.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from planner.render import counted, short
from planner.render.reachability_view import cell as reach_cell
from planner.render.report import model
from planner.render.report import svg as charts
from planner.render.report.filters import DIMENSIONS, FilterIndex
from planner.render.report.svg import esc

VERDICT_ORDER = ("exposed", "exposed-test-only", "unknown", "declared-range-allows", "not-exposed")
#: at most this many groups of a section start open; the rest open on demand
OPEN_GROUPS = 6
#: dependency-path graphs drawn open at first
OPEN_PATHS = 3


def hours(value: float | None, origin: Any = None) -> str:
    """``5 h``, with the wall-clock time when the plan has a start (``5 h (2024-01-08 14:00 UTC)``)."""
    if value is None:
        return "—"
    text = f"{value:g} h"
    if origin is not None:
        text += f" ({(origin + timedelta(hours=value)).strftime('%Y-%m-%d %H:%M %Z').strip()})"
    return text


def headline(h: model.Headline, when: model.Timeline, campaign: Mapping[str, Any] | None) -> str:
    """The figures a reader needs first; each carries ``data-json`` naming the JSON field it shows."""
    origin = None if campaign else when.origin
    prod = ", ".join(h.production) or "production"
    unknown = (
        f'<p class="note">{len(h.unknown_prod_services)} more {esc(prod)} service(s) have an unknown verdict.</p>'
        if h.unknown_prod_services
        else ""
    )
    faster = ""
    if h.services_fixed is not None and h.baseline_services_fixed:
        gain = 100 * (1 - h.services_fixed / h.baseline_services_fixed)
        faster = f'<span class="sub">{gain:.0f} % sooner than frontier rounds</span>'
    figures = [
        ("exposed-prod", f"exposed {esc(prod)} services", str(len(h.exposed_prod_services)), "", ""),
        (
            "plan.services_fixed",
            "every one fixed by the plan at",
            esc(hours(h.services_fixed, origin)),
            faster,
            f'frontier baseline: <b data-json="plan.baseline.services_fixed">'
            f"{esc(hours(h.baseline_services_fixed, origin))}</b>",
        ),
        (
            "plan.steps.length",
            "steps",
            str(h.steps),
            f'<span class="sub">{h.fix_steps} fix, {h.cleanup_steps} clean-up; makespan '
            f'<b data-json="plan.makespan">{h.makespan:g} h</b></span>',
            f'frontier baseline makespan: <b data-json="plan.baseline.makespan">{h.baseline_makespan:g} h</b>',
        ),
        (
            "owners",
            "owners involved",
            str(len(h.owners)),
            f'<span class="sub">{h.decisions} decision(s) needed</span>' if h.decisions else "",
            "",
        ),
    ]
    cells = "".join(
        f'<div class="fig"><div class="lab">{label}</div><div class="num" data-json="{key}">{value}</div>{sub}'
        f"{f'<div class=sub2>{extra}</div>' if extra else ''}</div>"
        for key, label, value, sub, extra in figures
    )
    services = ", ".join(esc(s) for s in h.exposed_prod_services[:12])
    more = f" and {len(h.exposed_prod_services) - 12} more" if len(h.exposed_prod_services) > 12 else ""
    listing = f'<p class="note">Exposed in {esc(prod)}: {services}{more}.</p>' if services else ""
    return f'<section id="headline" aria-label="headline"><div class="figs">{cells}</div>{listing}{unknown}</section>'


def filters_bar(index: FilterIndex, environment: str | None) -> str:
    """Search and the four filters (native controls: keyboard-usable, labelled); ``--env`` preselects one."""
    menus = "".join(index.menu(d, environment if d == "environment" else None) for d in DIMENSIONS)
    return (
        '<form id="filters" role="search" aria-label="filter the report" onsubmit="return false">'
        '<label>search <input type="search" id="q" placeholder="project, repo, file…" autocomplete="off"></label>'
        f'{menus}<button type="reset" id="reset">clear</button>'
        '<button type="button" id="expand">expand all</button><button type="button" id="collapse">collapse all</button>'
        '<output id="shown" aria-live="polite"></output></form>'
    )


def _group(title: str, count: int, body: str, open_: bool, attrs: str = "") -> str:
    return (
        f'<details class="grp"{" open" if open_ else ""}{attrs}><summary>{title} '
        f'<span class="n" data-total="{count}">{count}</span></summary>{body}</details>'
    )


def exposure_section(exposure: Mapping[str, Any], filters_for: Any) -> str:
    """Counts by verdict and environment, then every project by owner with the file:line to change."""
    columns, counts = model.verdict_by_environment(exposure)
    head = "".join(f"<th scope=col>{esc(c)}</th>" for c in columns)
    body = "".join(
        f'<tr><th scope=row><span class="v v-{esc(v)}">{esc(v)}</span></th>'
        + "".join(f'<td class="r" data-count="{esc(v)}|{esc(c)}">{counts[v].get(c, 0)}</td>' for c in columns)
        + f'<td class="r" data-json="exposure.counts.{esc(v)}">{exposure["counts"].get(v, 0)}</td></tr>'
        for v in VERDICT_ORDER
        if v in counts
    )
    matrix = (
        '<table class="matrix"><caption>Projects per verdict and environment (a project deployed to two '
        "environments counts in both; the last column counts each project once)</caption>"
        f"<thead><tr><th>verdict</th>{head}<th scope=col>projects</th></tr></thead><tbody>{body}</tbody></table>"
    )
    groups = model.by_owner(sorted(exposure["projects"], key=_project_order))
    parts = [
        _group(
            f"<b>{esc(owner)}</b>",
            len(items),
            _project_table(items, lambda p, o=owner: filters_for(p, owner=o)),
            i < OPEN_GROUPS,
        )
        for i, (owner, items) in enumerate(groups.items())
    ]
    return (
        '<section id="exposure"><h2>Exposure</h2>'
        f"<p>{len(exposure['projects'])} project(s) reach the package. {_problems(exposure)}</p>"
        f"{matrix}<h3>By owner</h3>{''.join(parts) or '<p>Nothing reaches the package.</p>'}</section>"
    )


def _project_order(p: Mapping[str, Any]) -> tuple[int, str]:
    return (VERDICT_ORDER.index(p["verdict"]) if p["verdict"] in VERDICT_ORDER else 9, p["name"])


def _problems(exposure: Mapping[str, Any]) -> str:
    problems = exposure.get("problems") or []
    return f"{len(problems)} problem(s) noted below." if problems else ""


def _project_table(items: list[Mapping[str, Any]], filters_for: Any) -> str:
    rows = []
    for p in items:
        runs = ", ".join(f"{s.get('name')}@{s.get('environment')}" for s in p.get("services") or []) or "—"
        how = "direct" if p.get("direct") else "via " + ", ".join(short(v) for v in p.get("via") or []) or "transitive"
        where = f"{p.get('repo') or ''}: {p['change_at']}" if p.get("change_at") else "—"
        reach = reach_cell(p.get("reachability")) or "not assessed"
        rows.append(
            f'<tr class="fi"{filters_for(p)}><td><span class="v v-{esc(p["verdict"])}">'
            f"{esc(p['verdict'])}</span></td><td>{esc(p['name'])}</td><td>{esc(p.get('repo') or '')}</td>"
            f"<td>{esc(runs)}</td><td><code>{esc(where)}</code></td><td>{esc(p.get('recommended') or '')}</td>"
            f"<td>{esc(', '.join(p.get('versions') or []))}</td><td>{esc(how)}</td>"
            f'<td class="reach">{esc(reach)}</td><td>{esc(", ".join(p.get("owners") or []))}</td></tr>'
        )
    return (
        '<table class="rows"><thead><tr><th>verdict</th><th>project</th><th>repository</th><th>runs in</th>'
        "<th>change at</th><th>fix</th><th>versions</th><th>how</th><th>reachability</th><th>owners</th></tr>"
        f"</thead><tbody>{''.join(rows)}</tbody></table>"
    )


def gantt_section(plan: Mapping[str, Any], campaign: Mapping[str, Any] | None, when: model.Timeline) -> str:
    """The Gantt chart with its legend and a text summary."""
    if not plan["steps"]:
        return '<section id="gantt"><h2>Plan</h2><p>The plan has no steps.</p></section>'
    row_kind, rows = model.gantt_rows(plan, campaign, when)
    fix_end = plan["makespan"] if any(s.get("phase") == "cleanup" for s in plan["steps"]) else None
    chart = charts.gantt(rows, row_kind, when, plan["policy"].get("freeze") or [], fix_end)
    kinds = sorted({s["kind"] for s in plan["steps"]}, key=lambda k: model_kinds().index(k))
    legend = "".join(
        f'<li><svg width="14" height="10"><rect class="k-{k}" width="14" height="10"/></svg>{k}</li>' for k in kinds
    )
    legend += '<li><svg width="14" height="10"><rect class="k-edit cp" width="14" height="10"/></svg>critical path</li>'
    if fix_end is not None:
        legend += (
            '<li><svg width="14" height="10"><rect class="k-build cleanup" width="14" height="10"/></svg>clean-up</li>'
        )
    if campaign:
        legend += "".join(
            f'<li><svg width="14" height="10"><rect class="k-build st-{s}" width="14" height="10"/></svg>{s}</li>'
            for s in ("done", "in-pr", "failed", "blocked", "bot-error")
        )
    if plan["policy"].get("freeze"):
        legend += '<li><svg width="14" height="10"><rect class="freeze" width="14" height="10"/></svg>freeze</li>'
    overflow = sum(r.overflow for r in rows)
    note = f" {overflow} bars overlap others in crowded rows (hover a bar for its step)." if overflow else ""
    return (
        f'<section id="gantt"><h2>Plan</h2><p>{len(plan["steps"])} steps, one row per {row_kind}; the fix phase '
        f"ends at {plan['makespan']:g} h (lower bound {plan['lower_bound']:g} h, frontier baseline "
        f"{plan['baseline']['makespan']:g} h in {counted(plan['baseline']['rounds'], 'round')}).{note}</p>"
        f'<ul class="legend">{legend}</ul><div class="chart">{chart}</div></section>'
    )


def model_kinds() -> tuple[str, ...]:
    """Step kinds in plan order (colour legend order)."""
    return ("decide", "edit", "relock", "build", "publish", "deploy")


def paths_section(exposure: Mapping[str, Any], filters_for: Any) -> str:
    """Per route down to the package: the exposed services that take it and a small graph of it."""
    graphs = model.path_graphs(exposure)
    parts = []
    for i, g in enumerate(graphs):
        services = sorted({f"{s.get('name')}@{s.get('environment')}" for p in g.projects for s in p["services"]})
        shown = ", ".join(services[:8]) + (f" and {len(services) - 8} more" if len(services) > 8 else "")
        verdict = next(v for v in model.NEEDS_WORK if any(p["verdict"] == v for p in g.projects))
        words = "".join(f"<li>{esc(model.path_text((g.projects[0]['project'], *r)))}</li>" for r in g.routes)
        notes = [f"{g.more_routes} more route(s): <code>depwave why</code> lists them." if g.more_routes else ""]
        if len(g.projects) > 1:
            names = ", ".join(p["name"] for p in g.projects)
            notes.append(f"The same route below each of {len(g.projects)} projects: {esc(names)}.")
        parts.append(
            f'<details class="grp fi"{filters_for(*g.projects)}{" open" if i < OPEN_PATHS else ""}>'
            f'<summary><span class="v v-{esc(verdict)}">{esc(verdict)}</span> <b>{esc(shown)}</b> '
            f'<span class="n" data-total="{len(services)}">{len(services)}</span></summary>'
            f"<figure>{charts.path_graph(g)}<figcaption><ol>{words}</ol>"
            f"{''.join(f'<p>{n}</p>' for n in notes if n)}</figcaption></figure></details>"
        )
    body = "".join(parts) or "<p>No exposed project is deployed as a service.</p>"
    count = sum(len(g.projects) for g in graphs)
    return (
        f'<section id="paths"><h2>Dependency paths</h2><p>{count} exposed deployed project(s) in {len(graphs)} '
        "route(s): from the service's project down to the vulnerable package (red); projects blue, packages grey; "
        f"projects that share a route below them share a graph.</p>{body}</section>"
    )


def versions_section(spreads: list[Mapping[str, Any]], exposure: Mapping[str, Any]) -> str:
    """Every version of the affected packages in use (``depwave versions``), affected ones marked."""
    affected = model.affected_versions(exposure)
    tables = []
    for spread in spreads:
        most = max((v["projects"] for v in spread["versions"]), default=1) or 1
        rows = "".join(
            f"<tr><td>{esc(v['version'])}</td><td>{_affected_cell(affected.get(v['version']))}</td>"
            f'<td class="r">{v["projects"]}</td><td class="r">{v["repos"]}</td><td class="r">{v["services"]}</td>'
            f'<td class="barcell"><span class="hbar" style="width:{100 * v["projects"] / most:.1f}%"></span></td></tr>'
            for v in spread["versions"]
        )
        declared = len(spread.get("declared_only") or [])
        tail = f"<p>{declared} project(s) only declare it (no lockfile or SBOM).</p>" if declared else ""
        tables.append(
            f'<table class="rows"><caption>{esc(short(spread["package"]))}</caption><thead><tr><th>version</th>'
            "<th>affected</th><th>projects</th><th>repositories</th><th>services</th><th>share</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>{tail}"
        )
    return f'<section id="versions"><h2>Version spread</h2>{"".join(tables) or "<p>No version in use.</p>"}</section>'


def _affected_cell(value: bool | None) -> str:
    if value is None:
        return '<span class="v v-unknown">?</span>'
    return '<span class="v v-exposed">affected</span>' if value else '<span class="v v-not-exposed">fixed</span>'


def owners_section(
    plan: Mapping[str, Any], campaign: Mapping[str, Any] | None, repos: Mapping[str, str | None], filters_for: Any
) -> str:
    """A table per owner with their steps, in plan order: what to change where, and when. ``repos``: project
    key -> repository, so that a step editing files of several repositories names each file's."""
    states = {s["id"]: s.get("status") or s.get("state") or "todo" for s in (campaign or {}).get("steps") or []}
    groups = model.by_owner(plan["steps"])
    parts = []
    for i, (owner, steps) in enumerate(groups.items()):
        rows = "".join(
            _step_row(
                s,
                states.get(s["id"]) if campaign else None,
                where(s, repos),
                lambda x, o=owner: filters_for(x, owner=o),
            )
            for s in steps
        )
        table = (
            '<table class="rows"><thead><tr><th>wave</th><th>step</th><th>project</th><th>repository</th>'
            f"<th>where</th><th>change</th><th>hours</th>{'<th>state</th>' if campaign else ''}</tr></thead>"
            f"<tbody>{rows}</tbody></table>"
        )
        parts.append(_group(f"<b>{esc(owner)}</b>", len(steps), table, i < OPEN_GROUPS))
    return f'<section id="owners"><h2>Steps per owner</h2>{"".join(parts) or "<p>No steps.</p>"}</section>'


def where(step: Mapping[str, Any], repos: Mapping[str, str | None]) -> str:
    """The files a step changes: ``file:line``, or ``repository: file:line`` for each of its ``edits`` when
    they are in more than one repository (a cycle of libraries fixed together)."""
    edits = [e for e in step.get("edits") or [] if e.get("location")]
    in_repos = {repos.get(e.get("project") or "") or step.get("repo") for e in edits}
    if len(in_repos) > 1:
        return "; ".join(f"{repos.get(e.get('project') or '') or step.get('repo')}: {e['location']}" for e in edits)
    return step.get("location") or ""


def _step_row(s: Mapping[str, Any], state: str | None, place: str, filters_for: Any) -> str:
    what = s["kind"] if s["kind"] != "deploy" else f"deploy {s.get('environment')}"
    if s.get("phase") == "cleanup":
        what = f"clean-up {what}"
    change = s.get("change") or s.get("verify") or ""
    cell = f'<td><span class="st st-{esc(state)}">{esc(state)}</span></td>' if state else ""
    return (
        f'<tr class="fi" data-step="{esc(s["id"])}"{filters_for(s)}><td class="r">{s["wave"]}</td>'
        f'<td class="nw" title="{esc(s["id"])}"><span class="k k-{esc(s["kind"])}"></span>{esc(what)}</td>'
        f"<td>{esc(s['name'])}</td><td>{esc(s.get('repo') or '')}</td><td><code>{esc(place)}"
        f"</code></td><td>{esc(change)}</td><td class=nw>{s['start']:g} → {s['finish']:g}</td>{cell}</tr>"
    )


def notes_section(exposure: Mapping[str, Any], plan: Mapping[str, Any], campaign: Mapping[str, Any] | None) -> str:
    """Decisions, cycles, problems and (for a campaign) steps no longer needed."""
    items = [
        f"decide ({esc(d['reason'])}) <b>{esc(d['name'])}</b>: {esc(d['question'])} — "
        f"{esc(', '.join(d['owners']) or 'no owner')}"
        for d in plan.get("decisions") or []
    ]
    items += [f"cycle fixed together: {esc(' ↔ '.join(short(k) for k in c))}" for c in plan.get("cycles") or []]
    items += [f"excluded by policy (test-only): {esc(short(k))}" for k in plan.get("excluded") or []]
    items += [f"note: {esc(p)}" for p in exposure.get("problems") or []]
    items += [
        f"obsolete: {esc(s['id'])} ({esc(s.get('state'))}): {esc(s['reason'])}"
        for s in (campaign or {}).get("obsolete") or []
    ]
    if not items:
        return ""
    return (
        f'<section id="notes"><h2>Decisions and notes</h2><ul>{"".join(f"<li>{i}</li>" for i in items)}</ul></section>'
    )
