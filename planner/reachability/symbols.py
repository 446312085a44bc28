"""Vulnerable symbols: what code of a package is vulnerable, and through which calls of which
packages applications reach it.

A :class:`SymbolRule` names the vulnerable package and its affected versions (a range, or the
advisories that say), the vulnerable symbols themselves, optional *entry* symbols of other
packages through which applications reach them (:class:`SymbolGroup`; Log4Shell's code is in
log4j-core, applications call log4j-api's ``Logger``), and what calls return (``returns``:
``LogManager.getLogger`` gives a ``Logger``), so that a call on a chain the scanner kept as
written (``LogManager.getLogger().info``) can be matched.

Patterns are qualified symbols (:mod:`planner.reachability.records`) with three wildcards:
``*`` any part of one name (``Logger.at*``), ``**`` anything (``net/http.**``: every symbol of a
package), ``{a,b}`` alternatives (``Logger.{info,warn}``). Rules come from a symbols file
(:mod:`loaders.advisories.symbols_yaml`), from OSV records (:mod:`planner.reachability.osv_symbols`) or from
the curated set shipped with depwave (:mod:`planner.reachability.curated`).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from planner import versions
from planner.reachability.naming import ANY_SEPARATOR, SEPARATORS, within
from planner.reachability.records import CallSite, Import

#: how many ``()`` of a chain are rewritten with ``returns`` at most
MAX_REWRITES = 16


@dataclass(frozen=True, slots=True)
class SymbolGroup:
    """Symbols of one package: ``patterns`` in ``modules`` (the namespaces imports name).

    ``requires``: the group applies only to projects that resolve one of these packages (SLF4J
    calls reach log4j-core only where log4j-slf4j-impl binds them); empty means always.
    """

    package: str
    patterns: tuple[str, ...]
    modules: tuple[str, ...]
    requires: tuple[str, ...] = ()

    def applies(self, resolved: Collection[str] | None) -> bool:
        """Whether the group counts for a project resolving ``resolved`` (None: not known, so yes)."""
        return not self.requires or resolved is None or any(r in resolved for r in self.requires)

    @property
    def separators(self) -> str:
        """What may follow one of ``modules`` inside a longer name, in this package's ecosystem."""
        ptype = self.package.removeprefix("pkg:").partition("/")[0]
        return SEPARATORS.get(ptype, ANY_SEPARATOR)

    def holds(self, module: str) -> bool:
        """Whether ``module`` (an import's or a call's) is one of the group's modules or inside one."""
        seps = self.separators
        return any(within(module, m, seps) for m in self.modules)


@dataclass(frozen=True, slots=True)
class SymbolRule:
    """What one advisory (or incident) makes vulnerable, at symbol level.

    ``ecosystem`` and ``entry`` (OSV ``ranges``/``versions``) say which versions are affected;
    ``entry`` is None when the rule applies to whatever the named ``advisories`` affect.
    """

    id: str
    package: str
    symbols: SymbolGroup
    through: tuple[SymbolGroup, ...] = ()
    advisories: tuple[str, ...] = ()
    ecosystem: str | None = None
    entry: dict[str, Any] | None = None
    affected: str | None = None  # the range as written, for people
    returns: tuple[tuple[str, str], ...] = ()
    sources: tuple[str, ...] = ()
    origin: str = ""  # path:line of the rule, or the advisory file it was read from

    @property
    def groups(self) -> tuple[SymbolGroup, ...]:
        """The vulnerable symbols first, then the entries through other packages."""
        return (self.symbols, *self.through)

    def affects(self, version: str) -> bool | None:
        """Whether ``version`` of the package is affected (None: the rule has no range, or it cannot tell)."""
        if self.entry is None or self.ecosystem is None:
            return None
        return versions.is_affected(self.ecosystem, version, self.entry)

    def names(self, advisory: str) -> bool:
        """Whether the rule is about ``advisory`` (an id or alias, case-insensitive)."""
        wanted = advisory.upper()
        return wanted == self.id.upper() or any(a.upper() == wanted for a in self.advisories)


def pattern_regex(pattern: str) -> str:
    """The regular expression of one pattern (``*``, ``**`` and ``{a,b}`` wildcards)."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if ch == "*":
            out.append(r"[^.()/:]*")
        elif ch == "{" and "}" in pattern[i:]:
            end = pattern.index("}", i)
            out.append("(?:" + "|".join(re.escape(a.strip()) for a in pattern[i + 1 : end].split(",")) + ")")
            i = end + 1
            continue
        else:
            out.append(re.escape(ch))
        i += 1
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Match:
    """A call site that matched: the group, the pattern and the symbol as matched (chains rewritten)."""

    group: SymbolGroup
    pattern: str
    symbol: str


class SymbolMatcher:
    """Rules compiled for matching call sites and imports."""

    def __init__(self, rules: Iterable[SymbolRule]) -> None:
        self.rules = tuple(rules)
        self._groups: list[tuple[SymbolGroup, re.Pattern[str], list[tuple[str, re.Pattern[str]]]]] = []
        returns: list[tuple[re.Pattern[str], str]] = []
        for rule in self.rules:
            for group in rule.groups:
                parts = [(p, re.compile(pattern_regex(p))) for p in group.patterns]
                if parts:
                    combined = re.compile("|".join(f"(?:{pattern_regex(p)})" for p in group.patterns))
                    self._groups.append((group, combined, parts))
            returns.extend((re.compile(pattern_regex(fn)), type_) for fn, type_ in rule.returns)
        self._returns = returns

    @property
    def groups(self) -> list[SymbolGroup]:
        """Every group of every rule, in rule order."""
        return [g for g, _, _ in self._groups]

    def rewrite(self, symbol: str) -> str:
        """``symbol`` with each leading ``callable()`` whose return type the rules know replaced by
        that type (``…LogManager.getLogger().info`` -> ``…Logger.info``)."""
        for _ in range(MAX_REWRITES):
            cut = symbol.find("()")
            if cut < 0:
                return symbol
            head = symbol[:cut]
            target = next((t for rx, t in self._returns if rx.fullmatch(head)), None)
            if target is None:
                return symbol
            symbol = target + symbol[cut + 2 :]
        return symbol

    def match(self, call: CallSite, resolved: Collection[str] | None = None) -> Match | None:
        """The first group and pattern ``call`` matches (its symbol or an alternative), if any.

        The call must also come through one of the group's modules (``lodash.template`` of the
        ``lodash`` package is not the ``lodash.template`` package); a chain rewritten with
        ``returns``, or another candidate of a wildcard import, is judged by its own symbol.
        """
        for candidate in (call.symbol, *call.alternatives):
            symbol = self.rewrite(candidate) if "()" in candidate else candidate
            for group, combined, parts in self._groups:
                if not combined.fullmatch(symbol) or not group.applies(resolved):
                    continue
                rewritten = symbol != call.symbol  # a rewritten chain or another wildcard candidate
                seps = group.separators + "."
                if group.holds(call.module) or (rewritten and any(within(symbol, m, seps) for m in group.modules)):
                    pattern = next(p for p, rx in parts if rx.fullmatch(symbol))
                    return Match(group, pattern, symbol)
        return None

    def imported(self, imp: Import, resolved: Collection[str] | None = None) -> SymbolGroup | None:
        """The group whose namespace an import brings in (a wildcard of a parent package counts)."""
        for group, _, _ in self._groups:
            if not group.applies(resolved):
                continue
            seps = group.separators
            if group.holds(imp.target) or group.holds(imp.module):
                return group
            if imp.kind in ("wildcard", "static-wildcard") and any(within(m, imp.target, seps) for m in group.modules):
                return group
        return None
