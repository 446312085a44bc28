"""How a DEPENDS_ON pair keeps who states it: strings on the edge, one string per stating file.

DEPENDS_ON is one edge per (version, package) pair, and many files (every SBOM of a library's users)
state the same pair. The edge keeps each stating source's statement — source, range, resolved version,
scope — as one token::

    \x1f source \x1e range \x1e resolved \x1e scope \x1d   (one token per source, '' = not said)

in ``stated_by``, a list of strings: each load appends one string, the tokens of its sources that
state the pair (so the list is as long as the number of loads that stated it, not of its sources). An
earlier depwave kept a single string and appended to it; FalkorDB 4.16.3 lost part of such appends in
large loads — an appended string missing, the character before it too — on every 1M-edge ingest measured
(BENCHMARKS.md, "The load fault"); list appends lost nothing. Queries read ``[] + d.stated_by``, which is
that list or, for an edge that an earlier depwave wrote, its single string as a list of one. Before the
strings, four aligned lists held one element per source: popular pairs are restated by nearly every
SBOM, so every append copied thousands of elements and loading cost grew with the square of the
organisation.

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

from collections.abc import Iterable, Iterator, Mapping
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
    token = _token(source, _raw(range_), _raw(resolved), _raw(scope))
    if _separated(token, 1, 3):
        return token  # the common case, decided by four scans in C instead of three translations
    return _token(source, field(range_), field(resolved), field(scope))


def source_entry(version: str, package: str, range_: Any, resolved: Any, scope: Any) -> str:
    """One pair's entry in a SourceFile's ``depends_on``."""
    entry = _entry(version, package, _raw(range_), _raw(resolved), _raw(scope))
    if _separated(entry, 0, 4):
        return entry
    return _entry(version, package, field(range_), field(resolved), field(scope))


def _token(source: str, range_: Any, resolved: Any, scope: Any) -> str:
    return f"{START}{source}{FIELD}{range_}{FIELD}{resolved}{FIELD}{scope}{END}"


def _entry(version: str, package: str, range_: Any, resolved: Any, scope: Any) -> str:
    return f"{version}{FIELD}{package}{FIELD}{range_}{FIELD}{resolved}{FIELD}{scope}{END}"


def _raw(value: Any) -> Any:
    return "" if value is None else value


def _separated(text: str, starts: int, fields: int) -> bool:
    """Whether ``text`` holds exactly the separators its layout put there (``starts`` START, ``fields``
    FIELD, one END, no LIST): then no field had one of its own, and :func:`field` would change nothing
    (a source key never has one: :func:`key_is_storable`; versions and packages are purls)."""
    return text.count(FIELD) == fields and text.count(START) == starts and text.count(END) == 1 and LIST not in text


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


def depends_on_of(pairs: Iterable[tuple[str, str, Mapping[str, list[Any]]]], source: str) -> str:
    """A source's ``depends_on`` string from (version, package, {source: [range, resolved, scope]}) pairs."""
    return "".join(source_entry(v, p, *stated[source]) for v, p, stated in pairs if source in stated)
