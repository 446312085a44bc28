"""Vulnerable symbols as OSV records state them.

* Go (``GO-…``): ``affected[].ecosystem_specific.imports[]`` with ``path`` and ``symbols``
  (``Server.ServeConn``); an import without symbols means every symbol of that package.
* GitHub (``GHSA-…``): ``affected[].ecosystem_specific.affected_functions`` (``lodash.baseSet``).
* RustSec: ``affected[].ecosystem_specific.affects.functions`` (``smallvec::SmallVec::insert_many``).

Each affected entry with symbols becomes one :class:`SymbolRule` whose versions are the entry's
own ranges. Entries without symbols give no rule: matching then has nothing to look for, and the
exposure verdict stays as the manifests say.
"""

from __future__ import annotations

from typing import Any

from planner.advisories.osv import AffectedPackage, OsvAdvisory
from planner.reachability.naming import module_of
from planner.reachability.symbols import SymbolGroup, SymbolRule


def rules_from_osv(advisory: OsvAdvisory, origin: str = "") -> list[SymbolRule]:
    """One rule per affected entry of ``advisory`` that names symbols."""
    rules: list[SymbolRule] = []
    for affected in advisory.affected:
        group = _group(affected)
        if group is None:
            continue
        rules.append(
            SymbolRule(
                id=advisory.id,
                package=group.package,
                symbols=group,
                advisories=(advisory.id, *advisory.aliases),
                ecosystem=affected.package.ecosystem,
                entry=affected.matchable(),
                sources=(origin,) if origin else (),
                origin=origin or advisory.id,
            )
        )
    return rules


def rules_from_stored(advisory: str, aliases: tuple[str, ...], package: str, entry: dict[str, Any]) -> list[SymbolRule]:
    """The rules of an advisory ingested into the graph: the ``ecosystem_specific`` objects the
    ``osv-json`` loader keeps in ``AFFECTS.ranges`` (one rule per object that names symbols)."""
    rules: list[SymbolRule] = []
    for specific in entry.get("ecosystem_specific") or []:
        group = _group_of(package, specific)
        if group is not None:
            rules.append(
                SymbolRule(
                    id=advisory,
                    package=package,
                    symbols=group,
                    advisories=(advisory, *aliases),
                    ecosystem=entry.get("ecosystem"),
                    entry={k: entry.get(k) for k in ("ecosystem", "ranges", "versions")},
                    origin=advisory,
                )
            )
    return rules


def _group(affected: AffectedPackage) -> SymbolGroup | None:
    return _group_of(affected.package.purl, affected.ecosystem_specific)


def _group_of(purl: str | None, specific: Any) -> SymbolGroup | None:
    if purl is None or not isinstance(specific, dict):
        return None
    ptype = purl.removeprefix("pkg:").partition("/")[0]
    patterns: list[str] = []
    modules: list[str] = []
    for path, symbols in _go_imports(specific.get("imports")):
        patterns.extend(f"{path}.{s}" for s in symbols) if symbols else patterns.append(f"{path}.**")
        modules.append(path)
    for fn in _strings(specific.get("affected_functions")):
        patterns.append(fn)
        modules.append(module_of(ptype, fn))
    affects = specific.get("affects")
    for fn in _strings(affects.get("functions") if isinstance(affects, dict) else None):
        patterns.append(fn)
        modules.append(module_of(ptype, fn))
    if not patterns:
        return None
    return SymbolGroup(purl, tuple(dict.fromkeys(patterns)), tuple(dict.fromkeys(modules)))


def _go_imports(value: Any) -> list[tuple[str, list[str]]]:
    out: list[tuple[str, list[str]]] = []
    for item in value if isinstance(value, list) else ():
        if isinstance(item, dict) and isinstance(item.get("path"), str) and item["path"].strip():
            out.append((item["path"].strip(), _strings(item.get("symbols"))))
    return out


def _strings(value: Any) -> list[str]:
    return [s.strip() for s in value if isinstance(s, str) and s.strip()] if isinstance(value, list) else []
