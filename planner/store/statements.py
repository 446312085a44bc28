"""How a DEPENDS_ON pair keeps who states it: strings on the edge, one string per stating file.

DEPENDS_ON is one edge per (version, package) pair, and many files (every SBOM of a library's users)
state the same pair. The edge keeps each stating source's statement — source, range, resolved version,
scope — as one token::

    \x1f source \x1e range \x1e resolved \x1e scope \x1d   (one token per source, '' = not said)

in ``stated_by``, a list of strings continued by ``stated_by_tail``: each load adds one string, the
tokens of its sources that state the pair (so the lists are as long as the number of loads that stated
it, not of its sources); it goes to the tail, which moves onto ``stated_by`` while that is short or once
the tail has 8 strings itself (load_sources.tmpl: FalkorDB copies a whole list whenever it is set). An
earlier depwave kept a single string and appended to it; FalkorDB 4.16.3 lost part of such appends in
large loads — an appended string missing, the character before it too — on every 1M-edge ingest measured
(BENCHMARKS.md, "The load fault"); list appends lost nothing. Queries read
``[] + d.stated_by + coalesce(d.stated_by_tail, [])``: ``[] +`` reads the single string of an edge that
an earlier depwave wrote as a list of one. Before the strings, four aligned lists held one element per
source: popular pairs are restated by nearly every SBOM, so every append copied thousands of elements
and loading cost grew with the square of the organisation.

To forget a file, its statements must be found and cut out of each edge without scanning every edge:
the file's SourceFile node keeps them as one string ``depends_on``, entries of the pair and the
statement without the source::

    version \\x1e package \\x1e range \\x1e resolved \\x1e scope \\x1d   (one entry per pair it states)

so the Cypher that forgets a file (load_sources, delete_sources, swap_staged_source) rebuilds the
file's exact tokens from its entries and removes them from each string with ``replace``. The separators are ASCII
information separators: a source key (repo:path) with one of them is refused at ingest
(:func:`key_is_storable`), package and version keys are purls (percent-encoded), and the other fields
have them replaced (:func:`field`). Queries receive the separators as the ``$sep`` parameter (Neo4j reads
``\\u001f`` in a string literal, FalkorDB does not).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

START = "\x1f"  # a token on an edge begins with it
FIELD = "\x1e"  # between fields
END = "\x1d"  # a token (edge) or an entry (SourceFile) ends with it
LIST = "\x1c"  # between the items of a list packed into one field (a RESOLVES row's chain, its hashes)
_SEPARATORS = "\x1c\x1d\x1e\x1f"
_REPLACE = str.maketrans({c: "\ufffd" for c in _SEPARATORS})

#: the ``$sep`` parameter of every query that builds or splits these strings
SEP_PARAM: dict[str, str] = {"start": START, "field": FIELD, "end": END, "list": LIST}


@dataclass(frozen=True, slots=True)
class Statement:
    """One source's statement of a (version, package) pair; None where the source does not say."""

    source: str
    range: str | None
    resolved: str | None
    scope: str | None


def key_is_storable(key: str) -> bool:
    """Whether a source key (repo:path) can be stored: it has none of the separators."""
    return not any(c in key for c in _SEPARATORS)


def field(value: Any) -> str:
    """A statement field as stored: '' for None, separators replaced by U+FFFD."""
    return "" if value is None else str(value).translate(_REPLACE)


def edge_token(source: str, range_: Any, resolved: Any, scope: Any) -> str:
    """One source's token in an edge's ``stated_by``."""
    return START + source + statement_end(range_, resolved, scope)


def source_entry(version: str, package: str, range_: Any, resolved: Any, scope: Any) -> str:
    """One pair's entry in a SourceFile's ``depends_on``."""
    return version + FIELD + package + statement_end(range_, resolved, scope)


def statement_end(range_: Any, resolved: Any, scope: Any) -> str:
    """What a token and an entry end with after their keys: the statement's fields as stored, each after
    a FIELD, then END. The keys need no :func:`field` (a source key never has a separator:
    :func:`key_is_storable`; versions and packages are purls). A load makes it once per distinct
    statement (:class:`StatementEnds`): thousands of files state a pair with the same three fields."""
    return FIELD + field(range_) + FIELD + field(resolved) + FIELD + field(scope) + END


class StatementEnds(dict[tuple[Any, Any, Any], str]):
    """(range, resolved, scope) -> :func:`statement_end`, each made on first use."""

    def __missing__(self, key: tuple[Any, Any, Any]) -> str:
        end = self[key] = statement_end(*key)
        return end


def _none(value: str) -> str | None:
    return value or None


def parse_stated_by(value: str | list[str] | None) -> list[Statement]:
    """The statements an edge's ``stated_by`` holds (its list of strings, or the single string an earlier
    depwave wrote), in stored order."""
    text = "".join(value) if isinstance(value, list) else value or ""
    out = []
    for token in text.split(END):
        if not token.startswith(START):
            continue
        parts = token[1:].split(FIELD)
        if len(parts) == 4:
            out.append(Statement(parts[0], _none(parts[1]), _none(parts[2]), _none(parts[3])))
    return out


def parse_depends_on(text: str | None) -> Iterator[tuple[str, str, Statement]]:
    """(version, package, statement without its source) for each entry of a SourceFile's ``depends_on``."""
    for entry in (text or "").split(END):
        parts = entry.split(FIELD)
        if len(parts) == 5:
            yield parts[0], parts[1], Statement("", _none(parts[2]), _none(parts[3]), _none(parts[4]))
