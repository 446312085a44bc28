"""How the reachability layer reads in every format: a short cell, call-site lines, SARIF results."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

#: call sites shown per project in text and Markdown (JSON and SARIF list every one)
SHOWN_SITES = 5


def cell(reach: dict[str, Any] | None, wide: bool = True) -> str:
    """``called (7 sites)``, ``called through logging-core (2 sites)``, ``imported``, ``not-called`` …;
    not ``wide`` (a terminal table): ``called (7)``, ``via logging-core (2)``."""
    if reach is None:
        return ""
    verdict = reach["verdict"]
    if verdict != "called":
        return verdict
    n = len(reach["sites"])
    own = sum(1 for s in reach["sites"] if s["through"] is None)
    libs = sorted({_lib(s["through"]) for s in reach["sites"] if s["through"]})
    if not wide:
        return f"via {', '.join(libs)} ({n})" if libs and not own else f"called ({n})"
    via = f" through {', '.join(libs)}" if libs and not own else ""
    return f"called{via} ({n} site{'s' if n != 1 else ''})"


def headline(projects: Iterable[Any]) -> str | None:
    """The reachability split of an exposure report's projects, for its headline:
    ``reachability: called in 6 (2 in their own code, 4 only through a library), not-scanned 1``;
    None when no project has a verdict (nothing was scanned)."""
    verdicts = [p.reachability for p in projects if p.reachability]
    if not verdicts:
        return None
    parts = []
    called = [r for r in verdicts if r["verdict"] == "called"]
    if called:
        through = sum(1 for r in called if all(s["through"] for s in r["sites"]))
        split = [f"{len(called) - through} in their own code"] if len(called) > through else []
        split += [f"{through} only through a library"] if through else []
        parts.append(f"called in {len(called)} ({', '.join(split)})")
    for verdict in ("imported", "not-scanned", "not-called"):
        n = sum(1 for r in verdicts if r["verdict"] == verdict)
        if n:
            parts.append(f"{verdict} {n}")
    return "reachability: " + ", ".join(parts)


def _lib(project: str) -> str:
    name = project.rpartition("#")[2]
    return name.rpartition("/")[2] or project


def site_text(site: dict[str, Any], markdown: bool = False) -> str:
    """``repo/path:line:col symbol (arguments)`` for one call site (code-quoted in Markdown)."""
    where = f"{site['repo']}/{site['location']}" if site.get("repo") else site["location"]
    if markdown:
        return f"`{where}` `{site['symbol']}` ({site['arguments']})"
    return f"{where} {site['symbol']} ({site['arguments']})"


def site_lines(projects: Iterable[Any], limit: int = SHOWN_SITES, *, markdown: bool = False) -> list[str]:
    """The call sites of every project, each library's once (a project called through a library
    says so in one line), at most ``limit`` per project then how many more."""
    lines: list[str] = []
    shown: set[str] = set()
    through_only: list[str] = []
    for p in projects:
        reach = p.reachability
        if not reach or not reach["sites"]:
            continue
        groups: dict[str | None, list[dict[str, Any]]] = {}
        for site in reach["sites"]:
            groups.setdefault(site["through"], []).append(site)
        for owner, sites in groups.items():
            key = owner or p.project
            if key in shown:
                continue
            shown.add(key)
            name = p.name if owner is None else _lib(owner)
            lines += [f"{name}: {site_text(s, markdown)}" for s in sites[:limit]]
            if len(sites) > limit:
                lines.append(f"{name}: … and {len(sites) - limit} more call site(s) (--format json lists every one)")
        if None not in groups:
            through_only.append(f"{p.name}: called through {', '.join(_lib(t) for t in groups if t)}")
    return lines + through_only


def site_block(projects: Iterable[Any], width: int, wide: bool = False, limit: int = SHOWN_SITES) -> list[str]:
    """The call sites for a terminal: per project (a library's sites once) a heading line, then one line
    per site, ``path:line:col symbol (arguments)``; not ``wide``, a path is cut in the middle to fit."""
    from planner.render.layout import middle

    out: list[str] = []
    heading = None
    for line in site_lines(projects, limit):
        name, _, rest = line.partition(": ")
        if rest.startswith("called through ") or rest.startswith("… and "):
            out.append(f"  {name}: {rest}" if wide else middle(f"  {name}: {rest}", width))
            heading = None
            continue
        if name != heading:
            out.append(f"  {name}:")
            heading = name
        where, _, what = rest.partition(" ")
        if not wide:
            what = middle(what, max(20, width - 30))
            where = middle(where, max(20, width - 5 - len(what)))
        out.append(f"    {where} {what}")
    return out


def sarif_results(projects: Iterable[Any], rule_id: str) -> list[dict[str, Any]]:
    """One SARIF result per call site of the vulnerable code (a library's site once, naming every
    project that runs it), at the call's file, line and column."""
    by_site: dict[tuple[str, str, int, int], dict[str, Any]] = {}
    for p in projects:
        reach = p.reachability
        if not reach or reach["verdict"] != "called":
            continue
        for s in reach["sites"]:
            key = (s.get("repo") or "", s["path"], s["line"], s["column"])
            result = by_site.get(key)
            if result is None:
                uri = f"{s['repo']}/{s['path']}" if s.get("repo") else s["path"]
                result = by_site[key] = {
                    "ruleId": rule_id,
                    "level": "error" if s["scope"] == "main" else "warning",
                    "message": {
                        "text": f"calls {s['symbol']}, which reaches the vulnerable code ({s['package']}); "
                        f"arguments: {s['arguments']}"
                    },
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {"uri": uri},
                                "region": {"startLine": s["line"], "startColumn": s["column"]},
                            }
                        }
                    ],
                    "properties": {
                        "reachability": "called",
                        "symbol": s["symbol"],
                        "pattern": s["pattern"],
                        "arguments": s["arguments"],
                        "projects": [],
                    },
                }
            result["properties"]["projects"].append(p.project)
    return [by_site[k] for k in sorted(by_site)]
