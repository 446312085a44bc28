"""The reachability layer of an exposure report: for each project that has the vulnerable
version, is the vulnerable code called (``called``, with the call sites), only imported, never
imported (``not-called``), or were its sources not available (``not-scanned``)?

The symbols come from the curated set for the report's advisories, from the OSV record's own
``ecosystem_specific`` symbols and from a responder's symbols file. Internal libraries count: a
project is ``called`` *through* the first-party libraries it runs (the report's consumer ->
provider links, followed transitively) when their code calls the symbol. No layer is added when
no source file was ever scanned (nothing to say) — the JSON then has no ``reachability`` keys.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from planner import purl as purls
from planner.digraph import Digraph, descendants
from planner.exposure import ExposureReport
from planner.reachability.curated import curated_rules
from planner.reachability.matching import Reachability, reachability
from planner.reachability.osv_symbols import rules_from_stored
from planner.reachability.stored import any_scanned, project_scans
from planner.reachability.symbols import SymbolMatcher, SymbolRule
from planner.store.base import Store

#: exposure verdicts whose projects get a reachability verdict (the others do not run an affected version)
LAYERED = frozenset({"exposed", "exposed-test-only", "unknown"})
#: links that do not put a library's code into the consumer at run time
_NOT_RUN = frozenset({"test", "dev", "build"})


def rules_for_report(report: ExposureReport, extra: Iterable[SymbolRule] = ()) -> list[SymbolRule]:
    """The rules about the report's advisories (ids and aliases) or, for a rule without advisories,
    about one of its packages: curated ones first, then the symbols of advisories ingested into the
    graph, then ``extra`` (an OSV file, a symbols file)."""
    names = {a.upper() for a in report.advisories} | {x.upper() for a in report.affected for x in a.aliases}
    packages = {a.package for a in report.affected}
    stored = [
        r for a in report.affected for r in rules_from_stored(a.advisory, a.aliases, a.package, a.entry)
    ]  # an advisory ingested into the graph keeps its OSV ecosystem_specific symbols
    out: list[SymbolRule] = []
    for rule in [*curated_rules(), *stored, *extra]:
        named = any(rule.names(n) for n in names)
        if (named or (not rule.advisories and rule.package in packages)) and rule not in out:
            out.append(rule)
    return out


def add_reachability_with(store: Store, report: ExposureReport, extra: Iterable[SymbolRule] = ()) -> None:
    """:func:`add_reachability` with :func:`rules_for_report`'s rules (and ``extra``), read only when some
    project's sources were scanned: a graph of SBOMs alone does not pay for parsing the curated set."""
    if any_scanned(store):
        _layer(store, report, rules_for_report(report, extra))


def add_reachability(store: Store, report: ExposureReport, rules: Sequence[SymbolRule]) -> None:
    """Give every project of ``report`` whose verdict is in :data:`LAYERED` its reachability (nothing
    when no project's sources were scanned)."""
    if any_scanned(store):
        _layer(store, report, rules)


def _layer(store: Store, report: ExposureReport, rules: Sequence[SymbolRule]) -> None:
    """:func:`add_reachability` once some project is known to be scanned."""
    report.reachability_rules = [r.id for r in rules]
    if not rules:
        report.problems.append(
            f"reachability not assessed: no vulnerable symbols are known for {', '.join(report.advisories)} "
            "(write them in a symbols file and pass --symbols FILE)"
        )
        return
    keys = [p.project for p in report.projects if p.verdict in LAYERED]
    runs = _runs(report, keys)
    needed = sorted(set(keys) | {lib for libs in runs.values() for lib in libs})
    scans = project_scans(store, needed)
    resolved: dict[str, set[str]] = {}
    for i in range(0, len(needed), 500):
        for r in store.query("list_project_packages", {"keys": needed[i : i + 500]}):
            resolved.setdefault(r["project"], set()).update(r.get("packages") or [])
    # a project is judged by the rules of the packages it has an affected version of (a Go service
    # exposed through golang.org/x/net is not "called" by its net/http calls of the stdlib's rule)
    groups: dict[tuple[str, ...], list[str]] = {}
    for p in report.projects:
        if p.project in keys:
            own = tuple(sorted({r.package for r in rules} & set(p.packages))) or tuple(
                sorted({r.package for r in rules})
            )
            groups.setdefault(own, []).append(p.project)
    results: dict[str, Reachability] = {}
    for packages, members in sorted(groups.items()):
        subset = sorted(set(members) | {lib for k in members for lib in runs[k]})
        found = reachability(
            {k: scans.get(k) for k in subset},
            SymbolMatcher([r for r in rules if r.package in packages]),
            runs={k: runs[k] for k in members},
            resolved={k: resolved[k] for k in subset if k in resolved},
        )
        results.update({k: found[k] for k in members})
    for p in report.projects:
        if p.project in keys:
            p.reachability = as_dict(results[p.project], p.repo)


def _runs(report: ExposureReport, keys: list[str]) -> dict[str, list[str]]:
    """The internal libraries each project runs: providers reached through runtime links."""
    graph = Digraph()
    for link in report.links:
        if link.get("scope") not in _NOT_RUN:
            graph.add_edge(link["consumer"], link["provider"])
    return {k: sorted(descendants(graph, k)) if k in graph else [] for k in keys}


def repo_of(project: str) -> str:
    """The repository of a project key (``repo/dir#purl``)."""
    return project.partition("/")[0]


def _reason(result: Reachability) -> str:
    """Why, in words: the project's own call sites and those of the libraries it runs, counted."""
    if result.verdict != "called":
        reason = result.reason
        for lib in result.through:
            reason = reason.replace(lib, project_name(lib))
        return reason
    own = [s for s in result.sites if s.through is None]
    parts = []
    if own:
        parts.append(f"{len(own)} call site(s) in {len({s.path for s in own})} of its {result.files} file(s)")
    libs = sorted({s.through for s in result.sites if s.through})
    if libs:
        names = [project_name(lib) for lib in libs]
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        parts.append(f"{len(result.sites) - len(own)} call site(s) in the code of {shown}")
    return "; ".join(parts)


def project_name(project: str) -> str:
    """A project key's package name (``com.acme.logging:logging-core``), or the key."""
    try:
        return purls.parse(project.rpartition("#")[2]).display_name
    except ValueError:
        return project


def as_dict(result: Reachability, repo: str | None) -> dict[str, Any]:
    """The JSON form of a verdict (each site and import with the repository its file is in)."""
    reason = _reason(result)
    return {
        "verdict": result.verdict,
        "reason": reason,
        "through": list(result.through),
        "files": result.files,
        "sites": [
            {
                "repo": repo_of(s.through) if s.through else repo,
                "path": s.path,
                "line": s.line,
                "column": s.column,
                "location": s.location,
                "symbol": s.symbol,
                "pattern": s.pattern,
                "package": s.package,
                "arguments": s.arguments,
                "scope": s.scope,
                "via": s.via,
                "through": s.through,
            }
            for s in result.sites
        ],
        "imports": [
            {
                "repo": repo_of(i.through) if i.through else repo,
                "path": i.path,
                "line": i.line,
                "target": i.target,
                "package": i.package,
                "through": i.through,
            }
            for i in result.imports
        ],
    }


def osv_file_rules(targets: Iterable[str]) -> list[SymbolRule]:
    """The symbol rules stated by the targets that are OSV files (their ``ecosystem_specific``)."""
    import os

    from planner.advisories import osv
    from planner.reachability.osv_symbols import rules_from_osv

    out: list[SymbolRule] = []
    for target in targets:
        if os.path.isfile(target):
            item = osv.read_file(target)
            if item.advisory is not None:
                out.extend(rules_from_osv(item.advisory, target))
    return out


def symbols_file_rules(path: str | None) -> tuple[list[SymbolRule], list[str]]:
    """The rules of a responder's symbols file (``--symbols``) and its problems (``path:line: reason``)."""
    if path is None:
        return [], []
    from pathlib import Path

    from loaders.advisories.symbols_yaml import parse_symbols

    return parse_symbols(Path(path).read_text(encoding="utf-8"), path)
