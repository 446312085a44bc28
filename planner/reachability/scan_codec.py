"""A source scan as compact JSON text, to store on its ``SourceFile`` node and read back.

Graph properties cannot nest maps, and a scan holds hundreds of small records: they travel as
positional lists (``[symbol, module, line, column, arguments, via, alternatives]`` for a call) in
one JSON string. The file's path is not encoded: it is the ``SourceFile``'s own.
"""

from __future__ import annotations

import json
from typing import Any

from planner.reachability.records import CallSite, Import, OpenCall, SourceFileScan, TypeDeclaration

#: bumped when the layout changes; a scan stored with another version is read as not scanned
VERSION = 1


def encode(scan: SourceFileScan) -> str:
    """The scan (without its path and warnings) as compact JSON."""
    doc: dict[str, Any] = {
        "v": VERSION,
        "l": scan.language,
        "s": scan.scope,
        "n": scan.namespace,
        "i": [[i.target, i.local, i.kind, i.line, i.module] for i in scan.imports],
        "c": [[c.symbol, c.module, c.line, c.column, c.arguments, c.via, list(c.alternatives)] for c in scan.calls],
        "t": [[t.name, list(t.supertypes), [list(f) for f in t.fields]] for t in scan.types],
        "o": [[list(o.owners), o.receiver, o.rest, o.line, o.column, o.arguments] for o in scan.open_calls],
        "k": scan.skipped,
    }
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False)


def decode(text: str, path: str) -> SourceFileScan | None:
    """The scan of ``path`` stored as ``text`` (None: not a scan this version of depwave wrote)."""
    try:
        doc = json.loads(text)
    except (TypeError, ValueError):
        return None
    if not isinstance(doc, dict) or doc.get("v") != VERSION:
        return None
    try:
        return SourceFileScan(
            path,
            doc["l"],
            doc["s"],
            doc["n"],
            tuple(Import(t, local, kind, line, module) for t, local, kind, line, module in doc["i"]),
            tuple(CallSite(s, m, line, col, args, via, tuple(alts)) for s, m, line, col, args, via, alts in doc["c"]),
            skipped=doc["k"],
            types=tuple(TypeDeclaration(n, tuple(sup), tuple(tuple(f) for f in fields)) for n, sup, fields in doc["t"]),
            open_calls=tuple(OpenCall(tuple(ow), r, rest, line, col, a) for ow, r, rest, line, col, a in doc["o"]),
        )
    except (KeyError, TypeError, ValueError):
        return None
