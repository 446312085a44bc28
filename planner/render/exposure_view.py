"""``depwave exposure`` output: a table, JSON, SARIF 2.1.0 for code-scanning tools, Markdown for tickets."""

from __future__ import annotations

import json
from typing import Any

from planner import __version__
from planner.exposure import ExposureReport, ProjectExposure
from planner.render import console, emit_json, inventory_gap_sentence, path_text, short
from planner.render import reachability_view as reach_view
from planner.render.labels import artifact, package_name, project_label
from planner.render.layout import Column, print_table, terminal_width

#: a project label (repo/artifact) longer than this has its repository cut in the middle
LABEL = 36

FORMATS = ("table", "json", "sarif", "markdown")
_LEVEL = {"exposed": "error", "exposed-test-only": "warning", "unknown": "note", "declared-range-allows": "note"}


def show(report: ExposureReport, fmt: str, wide: bool = False) -> None:
    """Print the report in one of :data:`FORMATS`."""
    if fmt == "json":
        emit_json(report.as_dict())
    elif fmt == "sarif":
        emit_json(sarif(report))
    elif fmt == "markdown":
        print(markdown(report), end="")
    else:
        _table(report, wide)


def _where(p: ProjectExposure) -> str:
    envs = ", ".join(sorted({f"{s.get('name')}@{s.get('environment')}" for s in p.services}))
    if p.environment_unknown:
        return f"{envs} (environment unknown)" if envs else "no known deployment (environment unknown)"
    return envs


def fix_text(p: ProjectExposure) -> str:
    """The recommended version, and a warning when follow-up advisories in the graph still affect it."""
    if not p.recommended:
        return ""
    if not p.recommended_affected_by:
        return p.recommended
    tail = f"; {p.clears_all_known} clears every known advisory" if p.clears_all_known else ""
    return f"{p.recommended} (still affected by {', '.join(p.recommended_affected_by)}{tail})"


def _how(p: ProjectExposure, wide: bool = True) -> str:
    if p.direct:
        return "direct"
    if not p.via:
        return "transitive"
    return ("transitive via " if wide else "via ") + ", ".join(short(v) if wide else artifact(short(v)) for v in p.via)


def _runs(p: ProjectExposure, wide: bool = True) -> str:
    """Where the project runs: ``billing-service (prod, staging)``, or just ``prod, staging`` when the
    services are named as the project (not with ``wide``)."""
    envs: dict[str, set[str]] = {}  # a service running two images (a release tag, a dev tag) is named once
    for s in p.services:
        envs.setdefault(str(s.get("name")), set()).add(str(s.get("environment")))
    if not wide and list(envs) == [artifact(p.name)]:
        text = ", ".join(sorted(envs[artifact(p.name)]))
    else:  # services in the same environments share one parenthesis: ``web, worker (compose)``
        by_envs: dict[tuple[str, ...], list[str]] = {}
        for name, e in sorted(envs.items()):
            by_envs.setdefault(tuple(sorted(e)), []).append(name)
        text = ", ".join(f"{', '.join(names)} ({', '.join(e)})" for e, names in sorted(by_envs.items()))
    if p.environment_unknown:
        return f"{text} (environment unknown)" if text else "no known deployment (environment unknown)"
    return text


def _scope_note(report: ExposureReport) -> str | None:
    if not report.environment:
        return None
    unknown = sum(1 for p in report.projects if p.environment_unknown)
    note = f"--env {report.environment}: what runs in {report.environment}"
    if unknown:
        note += f", and {unknown} project(s) whose environment is unknown (kept: they may run there)"
    return note


def _table(report: ExposureReport, wide: bool) -> None:
    out = console(wide=wide)
    counts = ", ".join(f"{n} {v}" for v, n in report.counts.items() if n)
    out.print(
        f"{', '.join(report.advisories)}: {len(report.projects)} project(s) reach it ({counts or 'none'})", markup=False
    )
    for line in (reach_view.headline(report.projects), _scope_note(report)):
        if line:
            out.print(line, markup=False)
    layered = report.reachability_rules is not None
    if report.projects:
        rows = [_row(p, wide) for p in report.projects]
        if layered:
            rows = [
                [r[0], reach_view.cell(p.reachability, wide), *r[1:]]
                for r, p in zip(rows, report.projects, strict=True)
            ]
        more = "`depwave why PROJECT PURL` shows every path"
        print_table(out, columns(wide, layered), rows, wide, more=more)
    sites = reach_view.site_block(report.projects, terminal_width(), wide)
    if sites:
        out.print("call sites of the vulnerable code:", markup=False)
        for line in sites:
            out.print(line, markup=False, overflow="ignore", crop=False, no_wrap=True)
    for line in [*_untraced_lines(report), *(f"note: {problem}" for problem in report.problems)]:
        out.print(line, markup=False)


def columns(wide: bool, layered: bool = False) -> list[Column]:
    """The table's columns, least important last to be kept: with ``wide`` every one, names in full; with
    ``layered`` (sources were scanned) the reachability verdict beside the exposure verdict."""
    project = Column("project", wrap=False, shorten=36)
    head = [project, Column("repo", wrap=False)] if wide else [project]
    # left out first: the highest drop; with scanned sources "called?" stays longest; then the fix version
    # (a responder needs it to act), then where the project runs
    order = ["called?"] if layered else []
    order += ["fix", "runs"]
    order += ["owners", "versions", "scope", "how", "depth", "path"]
    drop = {name: rank for rank, name in enumerate(order, start=1)}
    called = [Column("called?", drop=drop["called?"], wrap=False, shorten=None if wide else 24)] if layered else []
    return [
        Column("verdict", wrap=False),
        *called,
        *head,
        Column("how", drop=drop["how"], shorten=40),
        Column("scope", drop=drop["scope"], wrap=False),
        Column("depth", drop=drop["depth"], wrap=False, justify="right"),
        Column("versions", drop=drop["versions"], shorten=24),
        Column("change", wrap=False, shorten=36),
        Column("fix", drop=drop["fix"], shorten=40),
        Column("runs", drop=drop["runs"]),
        Column("owners", drop=drop["owners"]),
        Column("path", drop=drop["path"]),
    ]


def _row(p: ProjectExposure, wide: bool) -> list[Any]:
    head: list[Any] = [p.name, p.repo] if wide else [project_label(p.name, p.repo, LABEL)]
    path = p.paths[0] if p.paths and len(p.paths[0]) > 2 else p.path
    return [
        p.verdict,
        *head,
        _how(p, wide),
        p.scope,
        p.depth,
        versions_text(p),
        p.change_at,
        fix_text(p),
        _runs(p, wide),
        ", ".join(p.owners),
        path_text(path, wide),
    ]


def versions_text(p: ProjectExposure) -> str:
    """Its versions; without its own, those its libraries bring: ``2.14.1 via struts2-core``."""
    if p.versions or not p.versions_via:
        return ", ".join(p.versions)
    names = {lib: package_name(lib) for libs in p.versions_via.values() for lib in libs}
    return ", ".join(f"{v} via {', '.join(names[x] for x in libs)}" for v, libs in p.versions_via.items())


def _untraced_lines(report: ExposureReport) -> list[str]:
    """First-party services whose exposure is unknown, and the third-party inventory gap (once)."""
    lines = []
    unknown = report.untraced.unknown
    if unknown:
        listed = "; ".join(
            f"{s.name}@{s.environment} ({', '.join(i.key for i in s.images) or 'no image'}; "
            f"{', '.join(s.owners) or 'no owner'})"
            for s in unknown
        )
        lines.append(
            f"unknown: {len(unknown)} service(s) run first-party images that no ingested repository builds, so "
            f"whether they use the package is not known: {listed}"
        )
    gap = inventory_gap_sentence((g.image, g.services) for g in report.untraced.gaps)
    if gap:
        lines.append(gap)
    return lines


def markdown(report: ExposureReport) -> str:
    """A ticket-ready summary."""
    lines = [f"## {', '.join(report.advisories)}", ""]
    summary = next((a.summary for a in report.affected if a.summary), None)
    if summary:
        lines += [summary, ""]
    for line in (reach_view.headline(report.projects), _scope_note(report)):
        if line:
            lines += [line, ""]
    for a in report.affected:
        lines.append(f"- `{a.package}` ({a.ecosystem}); fixed in {', '.join(a.fixed) or 'no release yet'}")
    layered = report.reachability_rules is not None
    called = "| called? " if layered else ""
    lines += [
        "",
        f"| verdict {called}| project | repo | how | versions | change at | fix | runs in | owners |",
        "|---|" + ("---|" if layered else "") + "---|---|---|---|---|---|---|---|",
    ]
    for p in report.projects:
        cells = [p.verdict, *([reach_view.cell(p.reachability)] if layered else []), p.name, p.repo or ""]
        cells += [_how(p), versions_text(p), f"`{p.change_at or ''}`"]
        cells += [fix_text(p), _where(p), ", ".join(p.owners)]
        lines.append("| " + " | ".join(cells) + " |")
    sites = reach_view.site_lines(report.projects, markdown=True)
    if sites:
        lines += ["", "### Call sites of the vulnerable code", "", *(f"- {line}" for line in sites)]
    untraced = _untraced_lines(report)
    if untraced:
        lines += ["", *(f"- {line}" for line in untraced)]
    lines.append("")
    return "\n".join(lines)


def sarif(report: ExposureReport) -> dict[str, Any]:
    """SARIF 2.1.0: one rule per advisory, one result per exposed/unknown project at its change location."""
    rules = [
        {
            "id": a.advisory,
            "name": a.advisory.replace("-", ""),
            "shortDescription": {"text": a.summary or f"{a.advisory} affects {a.package}"},
            "helpUri": f"https://osv.dev/vulnerability/{a.advisory}" if "@" not in a.advisory else None,
            "properties": {"package": a.package, "fixed": list(a.fixed), "aliases": list(a.aliases)},
        }
        for a in report.affected
    ]
    rules = [{k: v for k, v in r.items() if v is not None} for r in {r["id"]: r for r in rules}.values()]
    rule_for = {a.package: a.advisory for a in report.affected}
    results = []
    for p in report.projects:
        if p.verdict not in _LEVEL:
            continue
        location = p.change_at or ""
        file, _, line = location.rpartition(":") if location.rpartition(":")[2].isdigit() else (location, "", "")
        physical: dict[str, Any] = {
            "artifactLocation": {"uri": f"{p.repo}/{file}" if p.repo and file else file or p.project}
        }
        if line:
            physical["region"] = {"startLine": int(line)}
        package = next((a.package for a in report.affected), "")
        results.append(
            {
                "ruleId": rule_for.get(package, report.advisories[0] if report.advisories else "depwave"),
                "level": _LEVEL[p.verdict],
                "message": {"text": f"{p.name}: {p.verdict} ({p.reason}); fix: {fix_text(p) or 'see advisory'}"},
                "locations": [{"physicalLocation": physical}],
                "properties": {
                    "verdict": p.verdict,
                    "project": p.project,
                    "versions": p.versions,
                    **({"reachability": p.reachability["verdict"]} if p.reachability else {}),
                },
            }
        )
    results += reach_view.sarif_results(report.projects, report.advisories[0] if report.advisories else "depwave")
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "depwave",
                        "version": __version__,
                        "informationUri": "https://example.invalid/depwave",
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }


def dumps(report: ExposureReport, fmt: str) -> str:
    """The report as text in a machine format (used by tests)."""
    if fmt == "json":
        return json.dumps(report.as_dict(), indent=2)
    if fmt == "sarif":
        return json.dumps(sarif(report), indent=2)
    return markdown(report)
