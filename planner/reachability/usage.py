"""Which functions of a package does the organisation use, and how much?

:func:`usage` counts call sites per symbol over every project's scanned files, for the symbols
that come through the package's modules (its namespaces: the Java packages, the npm specifier,
the Go import paths, the Python modules; see :mod:`planner.reachability.attribution`). Chains
are rewritten with the return types the caller knows (``returns``), calls on inherited fields are
resolved within each project, and every site is kept (for ``--format json``) beside a few
examples (for people).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from planner.reachability.inherit import resolve_inherited
from planner.reachability.naming import ANY_SEPARATOR, within
from planner.reachability.records import SourceFileScan
from planner.reachability.symbols import SymbolGroup, SymbolMatcher, SymbolRule


@dataclass(frozen=True, slots=True)
class UsageSite:
    """One call of a symbol."""

    project: str
    path: str
    line: int
    column: int
    arguments: str

    @property
    def location(self) -> str:
        """``path:line:column``."""
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class SymbolUsage:
    """How much one symbol is called: count, projects, examples and every site."""

    symbol: str
    calls: int
    projects: tuple[str, ...]
    examples: tuple[str, ...]
    sites: tuple[UsageSite, ...]
    repositories: tuple[str, ...] = ()


def usage(
    projects: Mapping[str, Iterable[SourceFileScan]],
    modules: Collection[str],
    *,
    returns: Iterable[tuple[str, str]] = (),
    separators: str = ANY_SEPARATOR,
    scopes: Collection[str] | None = None,
    examples: int = 3,
) -> list[SymbolUsage]:
    """Per symbol of ``modules``: calls, projects and example sites, most called first.

    ``separators`` say what may follow a module in a longer name (``/`` for npm, whose package
    names may hold dots); ``scopes`` limits the files counted (None: all, tests included).
    """
    rewriter = SymbolMatcher([_returns_only(returns)]) if returns else None
    by_symbol: dict[str, list[UsageSite]] = {}
    for project, files in projects.items():
        usable = [f for f in files if f.usable and (scopes is None or f.scope in scopes)]
        if any(f.open_calls for f in usable):
            usable = resolve_inherited(usable)
        for f in usable:
            for call in f.calls:
                if not any(within(call.module, m, separators) for m in modules):
                    continue
                symbol = rewriter.rewrite(call.symbol) if rewriter is not None else call.symbol
                site = UsageSite(project, f.path, call.line, call.column, call.arguments)
                by_symbol.setdefault(symbol, []).append(site)
    out = []
    for symbol, sites in by_symbol.items():
        sites.sort(key=lambda s: (s.project, s.path, s.line, s.column))
        names = tuple(sorted({s.project for s in sites}))
        out.append(SymbolUsage(symbol, len(sites), names, tuple(s.location for s in sites[:examples]), tuple(sites)))
    out.sort(key=lambda u: (-u.calls, u.symbol))
    return out


def usage_from_calls(
    rows: Iterable[Mapping[str, Any]], *, returns: Iterable[tuple[str, str]] = (), examples: int = 3
) -> list[SymbolUsage]:
    """Per symbol: calls, projects, repositories and example sites, most called first, from the
    graph's ``CALLS`` rows (``list_package_calls.cypher``: project, repo, symbol, sites, arguments).
    Chains are rewritten with ``returns`` (``Logger.atWarn().log`` -> ``LogBuilder.log``)."""
    rewriter = SymbolMatcher([_returns_only(returns)]) if returns else None
    by_symbol: dict[str, list[tuple[str, UsageSite]]] = {}
    for row in rows:
        symbol = str(row["symbol"])
        if rewriter is not None and "()" in symbol:
            symbol = rewriter.rewrite(symbol)
        arguments = list(row.get("arguments") or [])
        for i, text in enumerate(row.get("sites") or []):
            path, line, column = _location(str(text))
            site = UsageSite(str(row["project"]), path, line, column, arguments[i] if i < len(arguments) else "")
            by_symbol.setdefault(symbol, []).append((str(row.get("repo") or ""), site))
    out = []
    for symbol, found in by_symbol.items():
        found.sort(key=lambda rs: (rs[1].project, rs[1].path, rs[1].line, rs[1].column))
        sites = tuple(s for _, s in found)
        out.append(
            SymbolUsage(
                symbol,
                len(sites),
                tuple(sorted({s.project for s in sites})),
                tuple(s.location for s in sites[:examples]),
                sites,
                tuple(sorted({r for r, _ in found if r})),
            )
        )
    out.sort(key=lambda u: (-u.calls, u.symbol))
    return out


def _location(text: str) -> tuple[str, int, int]:
    """``path:line:column`` split (a path may hold colons)."""
    rest, _, column = text.rpartition(":")
    path, _, line = rest.rpartition(":")
    return path, int(line), int(column)


def _returns_only(returns: Iterable[tuple[str, str]]) -> SymbolRule:
    """A rule that only carries return types, for rewriting chains."""
    return SymbolRule(id="returns", package="", symbols=SymbolGroup("", (), ()), returns=tuple(returns))
