"""Is the vulnerable code called? Per project, from its scanned files and a set of rules.

Verdicts, strongest first (never "unreachable": we match call sites, we do not prove absence):

* ``called``: a call site matches a vulnerable or entry symbol (the sites are listed); a project
  that runs an internal library whose code calls it is ``called`` *through* that library, with the
  library's sites;
* ``imported``: the namespace of a vulnerable or entry package is imported, and no call matches;
* ``not-scanned``: no sources of the project (or of a library it runs) could be read;
* ``not-called``: sources were scanned and nothing imports the namespace.

Only files in the ``scopes`` asked for count (production code, ``main``, by default): a call in a
test does not make a service exposed.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from planner.reachability.inherit import resolve_inherited
from planner.reachability.records import SourceFileScan
from planner.reachability.symbols import SymbolMatcher

VERDICTS = ("called", "imported", "not-scanned", "not-called")
_RANK = {v: i for i, v in enumerate(VERDICTS)}


@dataclass(frozen=True, slots=True)
class MatchedSite:
    """A call site of a vulnerable or entry symbol, in the project itself or in a library it runs."""

    path: str
    line: int
    column: int
    symbol: str  # as matched (a chain rewritten with the rules' return types)
    pattern: str  # the rule pattern it matched
    package: str  # the package the pattern belongs to (the vulnerable one, or an entry)
    arguments: str
    scope: str
    via: str
    through: str | None = None  # the internal library (project key) whose code it is

    @property
    def location(self) -> str:
        """``path:line:column``."""
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class ImportSite:
    """An import of a vulnerable or entry package's namespace."""

    path: str
    line: int
    target: str
    package: str
    through: str | None = None


@dataclass(frozen=True, slots=True)
class Reachability:
    """The verdict for one project, with its evidence."""

    project: str
    verdict: str
    reason: str
    sites: tuple[MatchedSite, ...] = ()
    imports: tuple[ImportSite, ...] = ()
    through: tuple[str, ...] = ()  # libraries whose code gives the verdict
    files: int = 0  # usable files scanned (the project's own)


def match_files(
    project: str,
    files: Iterable[SourceFileScan] | None,
    matcher: SymbolMatcher,
    *,
    resolved: Collection[str] | None = None,
    scopes: Collection[str] = ("main",),
) -> Reachability:
    """The verdict of one project from its own files (None: no sources available). Calls on
    fields inherited from another file of the project are resolved first."""
    usable = [f for f in files or () if f.usable and f.scope in scopes]
    if any(f.open_calls for f in usable):
        usable = resolve_inherited(usable)
    if not usable:
        return Reachability(project, "not-scanned", "no source files of the project could be read")
    sites: list[MatchedSite] = []
    imports: list[ImportSite] = []
    for f in usable:
        for call in f.calls:
            m = matcher.match(call, resolved)
            if m is not None:
                sites.append(
                    MatchedSite(
                        f.path, call.line, call.column, m.symbol, m.pattern, m.group.package,
                        call.arguments, f.scope, call.via,
                    )
                )  # fmt: skip
        for imp in f.imports:
            group = matcher.imported(imp, resolved)
            if group is not None:
                imports.append(ImportSite(f.path, imp.line, imp.target, group.package))
    n = len(usable)
    sites.sort(key=lambda s: (s.path, s.line, s.column))
    imports.sort(key=lambda i: (i.path, i.line, i.target))
    if sites:
        return Reachability(
            project, "called", f"{len(sites)} call site(s) in {n} file(s)", tuple(sites), tuple(imports), (), n
        )
    if imports:
        reason = f"imported in {len({i.path for i in imports})} file(s), no matching call in {n} file(s)"
        return Reachability(project, "imported", reason, (), tuple(imports), (), n)
    return Reachability(project, "not-called", f"no import of the packages' namespaces in {n} file(s)", files=n)


def reachability(
    projects: Mapping[str, Sequence[SourceFileScan] | None],
    matcher: SymbolMatcher,
    *,
    runs: Mapping[str, Sequence[str]] | None = None,
    resolved: Mapping[str, Collection[str]] | None = None,
    scopes: Collection[str] = ("main",),
) -> dict[str, Reachability]:
    """The verdict of every project, its own and through the internal libraries it runs.

    ``projects`` maps each project key to its scanned files (None or empty: no sources).
    ``runs`` maps a project to the internal library projects whose code it runs (the caller
    follows the dependency graph: transitive libraries are listed too); a library's verdict is
    taken from its own files. ``resolved`` maps a project to the packages it resolves, for rules
    that apply only with a binding (SLF4J over log4j-core); without it every rule applies.
    """
    runs = runs or {}
    own: dict[str, Reachability] = {}

    def own_verdict(key: str) -> Reachability:
        if key not in own:
            res = resolved.get(key) if resolved is not None else None
            own[key] = match_files(key, projects.get(key), matcher, resolved=res, scopes=scopes)
        return own[key]

    return {key: _combine(own_verdict(key), [own_verdict(lib) for lib in runs.get(key, ())]) for key in projects}


def _combine(mine: Reachability, libraries: list[Reachability]) -> Reachability:
    """A project's verdict from its own and its libraries' (the strongest wins; their sites join)."""
    if not libraries:
        return mine
    best = min([mine.verdict, *(lib.verdict for lib in libraries)], key=_RANK.__getitem__)
    givers = [lib for lib in libraries if lib.verdict == best]
    sites = list(mine.sites) + [_through(s, lib.project) for lib in givers for s in lib.sites]
    imports = list(mine.imports) + [_through_import(i, lib.project) for lib in givers for i in lib.imports]
    through = tuple(lib.project for lib in givers)
    if best == mine.verdict and not through:
        return mine
    names = ", ".join(through)
    if best == mine.verdict:
        reason = f"{mine.reason}; also through {names}"
    elif best == "not-scanned":
        reason = f"{mine.reason}, but the sources of {names} (which it runs) could not be read"
    else:
        reason = f"through {names}: {givers[0].reason}"
    return Reachability(mine.project, best, reason, tuple(sites), tuple(imports), through, mine.files)


def _through(site: MatchedSite, library: str) -> MatchedSite:
    return MatchedSite(
        site.path, site.line, site.column, site.symbol, site.pattern, site.package,
        site.arguments, site.scope, site.via, site.through or library,
    )  # fmt: skip


def _through_import(imp: ImportSite, library: str) -> ImportSite:
    return ImportSite(imp.path, imp.line, imp.target, imp.package, imp.through or library)
