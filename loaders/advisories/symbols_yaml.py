"""The depwave symbols file (``depwave.symbols/1``, YAML): vulnerable symbols a responder writes
down during an incident. The format is documented in ``docs/reachability.md``.

Read with the safe, size-bounded YAML reader of the deploy loaders (line numbers kept, nothing
constructed). A file that is not YAML, or whose top level is not a mapping with ``entries``, is a
``ParseError``; a bad entry is left out with one ``path:line: reason`` problem per mistake, and
the rest is used. Unknown keys are reported (a typo must not silently drop a symbol).
"""

from __future__ import annotations

from typing import Any

import yaml

from loaders.deploy.yaml_docs import TooLarge, YList, YMap, line_of, load_one
from planner import purl as purls
from planner.errors import ParseError, UsageError
from planner.exposure import affected_from_spec
from planner.reachability.naming import module_of
from planner.reachability.symbols import SymbolGroup, SymbolRule

SCHEMA = "depwave.symbols/1"
MAX_BYTES = 4 * 1024 * 1024
_ENTRY_KEYS = {"id", "package", "advisories", "affected", "symbols", "through", "returns", "sources", "notes"}
_GROUP_KEYS = {"package", "symbols", "requires", "notes"}


def parse_symbols(text: str, path: str) -> tuple[list[SymbolRule], list[str]]:
    """The rules of a symbols file and the problems found (``path:line: reason``)."""
    if len(text) > MAX_BYTES:
        raise ParseError(path, 1, f"symbols file larger than {MAX_BYTES:,} bytes")
    try:
        doc = load_one(text)
    except TooLarge:
        raise ParseError(path, 1, "YAML expands beyond the size limit (alias bomb?)") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ParseError(
            path, mark.line + 1 if mark else 1, f"malformed YAML ({getattr(exc, 'problem', exc)})"
        ) from None
    if not isinstance(doc, YMap) or not isinstance(doc.get("entries"), YList):
        raise ParseError(path, 1, "not a depwave symbols file: expected a mapping with an 'entries' list")
    problems: list[str] = []
    schema = doc.get("schema")
    if schema is not None and schema != SCHEMA:
        problems.append(f"{path}:{doc.line_of('schema')}: schema {schema!r} is not {SCHEMA!r}; read as {SCHEMA}")
    for key in sorted(set(doc) - {"schema", "entries"}, key=str):
        if not str(key).startswith("x-"):  # x-… keys hold YAML anchors shared by entries
            problems.append(f"{path}:{doc.line_of(key)}: unknown key {key!r}")
    rules: list[SymbolRule] = []
    entries: YList = doc["entries"]
    for i, raw in enumerate(entries):
        rule = _entry(raw, path, entries.line_of(i), problems)
        if rule is not None:
            rules.append(rule)
    return rules, problems


class _Problems:
    """Problems of one entry, each ``path:line: reason``."""

    def __init__(self, path: str, out: list[str]) -> None:
        self.path, self.out, self.count = path, out, 0

    def add(self, line: int | None, reason: str) -> None:
        self.out.append(f"{self.path}:{line or 0}: {reason}")
        self.count += 1


def _entry(raw: Any, path: str, line: int, out: list[str]) -> SymbolRule | None:
    bad = _Problems(path, out)
    if not isinstance(raw, YMap):
        bad.add(line, "an entry must be a mapping")
        return None
    for key in sorted(set(raw) - _ENTRY_KEYS, key=str):
        bad.add(raw.line_of(key), f"unknown key {key!r} in an entry")
    symbols = _group(raw, bad, item=False)
    advisories = _strings(raw, "advisories", bad)
    affected = raw.get("affected")
    ecosystem = entry = None
    if affected is not None and symbols is not None:
        try:
            spec = affected_from_spec(f"{symbols.package}@{affected}")[0]
            ecosystem, entry = spec.ecosystem, spec.entry
        except UsageError as exc:
            bad.add(raw.line_of("affected"), f"affected: {exc}")
    if affected is None and not advisories:
        bad.add(line, "an entry needs 'affected' (a version range) or 'advisories' (ids it applies to)")
    through = [g for g in (_group(t, bad, item=True) for t in _list(raw, "through", bad)) if g is not None]
    returns = _returns(raw, bad)
    sources = _strings(raw, "sources", bad)
    if bad.count or symbols is None:
        return None
    return SymbolRule(
        id=str(raw.get("id") or (advisories[0] if advisories else symbols.package)),
        package=symbols.package,
        symbols=symbols,
        through=tuple(through),
        advisories=tuple(advisories),
        ecosystem=ecosystem,
        entry=entry,
        affected=str(affected) if affected is not None else None,
        returns=tuple(returns),
        sources=tuple(sources),
        origin=f"{path}:{line}",
    )


def _package(raw: YMap, key: str, bad: _Problems) -> str | None:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        bad.add(raw.line_of(key) if key in raw else raw.line, f"'{key}' must be a package URL (pkg:type/name)")
        return None
    try:
        p = purls.parse(value)
    except ValueError as exc:
        bad.add(raw.line_of(key), str(exc))
        return None
    if p.version:
        bad.add(raw.line_of(key), f"'{key}' must be versionless ({value!r}); put versions in 'affected'")
        return None
    return p.package


def _group(holder: Any, bad: _Problems, *, item: bool) -> SymbolGroup | None:
    """The package and symbols of an entry (``item=False``) or of one of its ``through`` items."""
    if not isinstance(holder, YMap):
        bad.add(line_of(holder), "a 'through' item must be a mapping with 'package' and 'symbols'")
        return None
    if item:
        for key in sorted(set(holder) - _GROUP_KEYS, key=str):
            bad.add(holder.line_of(key), f"unknown key {key!r} in a 'through' item")
    package = _package(holder, "package", bad)
    items = holder.get("symbols")
    if not isinstance(items, YList) or not items:
        bad.add(holder.line_of("symbols"), "'symbols' must be a non-empty list")
        return None
    if package is None:
        return None
    ptype = purls.parse(package).type
    patterns: list[str] = []
    modules: list[str] = []
    for i, sym in enumerate(items):
        if isinstance(sym, str) and sym.strip():
            patterns.append(sym.strip())
            modules.append(module_of(ptype, sym.strip().split("{")[0].split("*")[0].rstrip(".")))
        elif isinstance(sym, YMap) and isinstance(sym.get("module"), str) and isinstance(sym.get("names", []), list):
            module = sym["module"].strip()
            sep = "::" if ptype == "cargo" else "."
            names = [n.strip() for n in sym.get("names", []) if isinstance(n, str) and n.strip()]
            patterns.extend([f"{module}{sep}{n}" for n in names] if names else [module])
            modules.append(module)
        else:
            bad.add(items.line_of(i), "a symbol is a qualified name, or {module: …, names: [...]}")
    requires = [p for p in (_purl_text(r, holder, bad) for r in _list(holder, "requires", bad)) if p]
    return SymbolGroup(package, tuple(patterns), tuple(dict.fromkeys(m for m in modules if m)), tuple(requires))


def _purl_text(value: Any, holder: Any, bad: _Problems) -> str | None:
    try:
        return purls.parse(str(value)).package
    except ValueError as exc:
        bad.add(line_of(holder, "requires", line_of(holder)), f"requires: {exc}")
        return None


def _returns(raw: YMap, bad: _Problems) -> list[tuple[str, str]]:
    value = raw.get("returns")
    if value is None:
        return []
    if not isinstance(value, YMap) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        bad.add(raw.line_of("returns"), "'returns' maps a callable to the qualified type it returns (strings)")
        return []
    return [(k.strip(), v.strip()) for k, v in value.items()]


def _list(raw: Any, key: str, bad: _Problems) -> list[Any]:
    value = raw.get(key) if isinstance(raw, dict) else None
    if value is None:
        return []
    if not isinstance(value, list):
        bad.add(line_of(raw, key, line_of(raw)), f"'{key}' must be a list")
        return []
    return list(value)


def _strings(raw: YMap, key: str, bad: _Problems) -> list[str]:
    items = _list(raw, key, bad)
    if not all(isinstance(s, str) and s.strip() for s in items):
        bad.add(raw.line_of(key), f"'{key}' must be a list of strings")
        return []
    return [s.strip() for s in items]
