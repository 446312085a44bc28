"""Convert a store an earlier depwave wrote: DEPENDS_ON statements from aligned lists to strings, and
the projects each SourceFile's RESOLVES edges start at listed on the file.

Until 2026-12 a DEPENDS_ON edge kept its stating sources in four aligned lists (``sources``, ``ranges``,
``resolved_versions``, ``scopes``) and each SourceFile listed the versions whose edges named it
(``depends_on_versions``). Now the edge keeps one ``stated_by`` string and the SourceFile its
``depends_on`` entries (:mod:`planner.store.statements`). ``depwave ingest`` converts an old store
before it loads anything, in steps that can be cut anywhere and run again:

1. empty the ``depends_on`` of every SourceFile that still has ``depends_on_versions`` (a second
   attempt starts those over);
2. a chunk of versions at a time: read their DEPENDS_ON edges, in either format, append each stating
   source's entries to its ``depends_on`` and convert the edges still in the list format;
3. drop ``depends_on_versions`` (a SourceFile that stated nothing keeps '').

Memory is bounded by one chunk's edges (reading every edge first held all the statements twice:
1.2 GB of client RSS on the 1M-edge SBOM-heavy synthetic organisation, 257 MB now).

Until 2026-12 a load also found a file's old RESOLVES edges through an index on their ``source``
(~133 MB of the server's memory at 1M edges, updated on every edge loaded). A load now finds them
through the projects its SourceFile's ``resolves_for`` lists; :func:`upgrade_resolves_for` gives an
older store those lists, in one statement (the schema drops the index: ``schema*.cypher``).
"""

from __future__ import annotations

from typing import Any

from planner.store.base import Store
from planner.store.statements import Statement, edge_token, parse_stated_by, source_entry

#: rows per write statement
_CHUNK = 2000
#: versions whose edges are read (and their sources' entries appended) at a time: on the 1M-edge
#: SBOM-heavy organisation 200 held the client at 257 MB of RSS and took 18.8 s; 2,000 took 1,170 MB
#: and 36.1 s (one run each, load 5-6)
_VERSIONS = 200


def needs_upgrade(store: Store) -> bool:
    """Whether the store keeps DEPENDS_ON statements in the earlier list format."""
    return bool(store.query("find_legacy_statements"))


def upgrade_statements(store: Store) -> int:
    """Convert the store when it needs it (see the module docstring); the edges converted."""
    if not needs_upgrade(store):
        return 0
    store.write("clear_source_statements")
    versions = [str(r["key"]) for r in store.query("list_statement_versions")]
    converted = 0
    for i in range(0, len(versions), _VERSIONS):
        entries: dict[str, list[str]] = {}
        legacy: list[list[str]] = []
        for row in store.query("list_version_statements", {"keys": versions[i : i + _VERSIONS]}):
            statements = _statements(row)
            for st in statements:
                entries.setdefault(st.source, []).append(
                    source_entry(row["version"], row["package"], st.range, st.resolved, st.scope)
                )
            if row.get("stated_by") is None:
                token = "".join(edge_token(st.source, st.range, st.resolved, st.scope) for st in statements)
                legacy.append([row["version"], row["package"], token])
        rows = [[source, "".join(e)] for source, e in sorted(entries.items())]
        for j in range(0, len(rows), _CHUNK):
            store.write("append_source_statements", {"rows": rows[j : j + _CHUNK]})
        for j in range(0, len(legacy), _CHUNK):
            store.write("convert_legacy_statements", {"rows": legacy[j : j + _CHUNK]})
        converted += len(legacy)
    store.write("finish_legacy_statements")
    return converted


def _statements(row: dict[str, Any]) -> list[Statement]:
    """An edge's statements, from its string or from the aligned lists ('' = not said)."""
    if row.get("stated_by") is not None:
        return parse_stated_by(row["stated_by"])
    sources = row.get("sources") or []
    columns = [row.get(name) or [""] * len(sources) for name in ("ranges", "resolved_versions", "scopes")]
    return [Statement(s, *(c[i] or None for c in columns)) for i, s in enumerate(sources)]


def needs_resolves_for(store: Store) -> bool:
    """Whether a SourceFile (other than a staging copy) has no ``resolves_for`` list yet."""
    return bool(store.query("find_files_without_resolves_for"))


def upgrade_resolves_for(store: Store) -> int:
    """List on each SourceFile the projects its RESOLVES edges start at, when the store lacks the lists
    (one scan of every RESOLVES edge; run before a load, which needs them to replace a file's edges).
    Returns how many SourceFiles got a list of at least one project."""
    if not needs_resolves_for(store):
        return 0
    rows = store.write("set_resolves_for")
    return int(rows[0]["listed"]) if rows else 0
