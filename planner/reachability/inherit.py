"""Calls on fields inherited across files: ``LOG.warn(…)`` in a subclass of the class that
declares ``protected static final Logger LOG``.

A scan cannot see another file, so it records the classes it declares (their supertypes and
typed non-private fields) and the calls on names it cannot explain (:class:`OpenCall`). Once the
files of a project (and of the libraries whose classes it extends) are scanned,
:func:`resolve_inherited` looks each name up along the owner's supertypes and turns what resolves
into ordinary call sites with ``via: inherited``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from planner.reachability.records import CallSite, OpenCall, SourceFileScan, TypeDeclaration

#: how many supertypes are followed from one class before giving up (a cycle or a huge hierarchy)
MAX_SUPERTYPES = 64


def type_table(scans: Iterable[SourceFileScan]) -> dict[str, TypeDeclaration]:
    """Every declared class by qualified name (the first declaration of a name wins)."""
    table: dict[str, TypeDeclaration] = {}
    for scan in scans:
        for t in scan.types:
            table.setdefault(t.name, t)
    return table


def inherited_field(table: Mapping[str, TypeDeclaration], owner: str, name: str) -> tuple[str, str] | None:
    """``(qualified type, module)`` of the field ``name`` that ``owner`` declares or inherits."""
    seen: set[str] = set()
    queue = [owner]
    while queue and len(seen) < MAX_SUPERTYPES:
        current = queue.pop(0)
        if current in seen:
            continue
        seen.add(current)
        decl = table.get(current)
        if decl is None:
            continue
        for field_name, type_path, module in decl.fields:
            if field_name == name:
                return type_path, module
        queue.extend(decl.supertypes)
    return None


def resolve_open_call(table: Mapping[str, TypeDeclaration], call: OpenCall) -> CallSite | None:
    """The call site an open call stands for, when one of its owners has the field."""
    for owner in call.owners:
        found = inherited_field(table, owner, call.receiver)
        if found is not None:
            type_path, module = found
            return CallSite(f"{type_path}{call.rest}", module, call.line, call.column, call.arguments, "inherited")
    return None


def resolve_inherited(
    scans: Iterable[SourceFileScan], extra_types: Mapping[str, TypeDeclaration] | None = None
) -> list[SourceFileScan]:
    """The scans with their open calls resolved through the classes of ``scans`` (and of
    ``extra_types``, e.g. the internal libraries the project builds on) added to ``calls``."""
    scans = list(scans)
    table = dict(extra_types or {})
    for name, decl in type_table(scans).items():
        table.setdefault(name, decl)
    out: list[SourceFileScan] = []
    for scan in scans:
        found = [site for site in (resolve_open_call(table, c) for c in scan.open_calls) if site is not None]
        out.append(replace(scan, calls=scan.calls + tuple(found)) if found else scan)
    return out
