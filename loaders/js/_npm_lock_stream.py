"""Read a big npm lockfile entry by entry, never holding its whole JSON tree.

``json.loads`` of a 100 MB lockfile builds a tree several times the size of the text. Here the top level
is walked by hand and each ``packages`` value is decoded alone (``JSONDecoder.raw_decode``, the same C
scanner) and turned into a compact :class:`~loaders.js._npm_lock_entries.Entry` at once. The legacy
``dependencies`` tree that version 2 files repeat after ``packages`` is skipped without being built
(only its strings and brackets are checked). Anything this walk does not expect (not an object at the
top, a repeated top-level key, no ``packages`` object, malformed JSON) raises :class:`NotStreamable`:
the caller then reads the file the ordinary way, which reports the error or reads version 1.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from json.decoder import scanstring
from typing import Any

from loaders.base import JSON_STRING_BODY, pairs_noting
from loaders.js._npm_lock_entries import Entry, Interner, entry_from

_SPACE = re.compile(r"[ \t\n\r]*")
_TOKEN = re.compile(rf'"{JSON_STRING_BODY}"|[\[\]{{}}]')
#: tell the progress callback every this many characters
PROGRESS_CHARS = 4_000_000

#: called with (characters read, characters in the text)
CharProgress = Callable[[int, int], None]


class NotStreamable(Exception):
    """The text is not a lockfile this walk reads; read it whole instead."""


@dataclass(slots=True)
class Streamed:
    """What the walk kept: the small top-level values, the entry table, and what to warn about."""

    top: dict[str, Any] = field(default_factory=dict)  # top-level keys other than packages/dependencies
    entries: dict[str, Entry] = field(default_factory=dict)
    not_objects: set[str] = field(default_factory=set)  # locations whose (last) value is not an object
    duplicates: set[str] = field(default_factory=set)  # keys repeated inside one object


class _Walk:
    def __init__(self, text: str, progress: CharProgress | None, on_entry: Callable[[Entry], object] | None) -> None:
        self.text = text
        self.progress = progress
        self.on_entry = on_entry
        self.out = Streamed()
        self.keep = Interner()
        # the hook must not hold this walk (and so the text): a cycle outlives the parse while the ingest
        # runs only young garbage collections
        self.decoder = json.JSONDecoder(object_pairs_hook=pairs_noting(self.out.duplicates))
        self.line = 1
        self.line_at = 0  # the offset ``line`` was counted up to
        self.next_report = PROGRESS_CHARS

    def space(self, pos: int) -> int:
        m = _SPACE.match(self.text, pos)
        assert m is not None  # matches the empty string
        return m.end()

    def expect(self, pos: int, char: str) -> int:
        if self.text[pos : pos + 1] != char:
            raise NotStreamable(f"{char!r} expected at {pos}")
        return self.space(pos + 1)

    def key(self, pos: int) -> tuple[str, int]:
        """A member's key at ``pos`` and where its value starts."""
        if self.text[pos : pos + 1] != '"':
            raise NotStreamable(f"a key expected at {pos}")
        key, end = scanstring(self.text, pos + 1, True)
        return key, self.expect(self.space(end), ":")

    def line_of(self, pos: int) -> int:
        """The line of ``pos`` (offsets asked for only grow)."""
        self.line += self.text.count("\n", self.line_at, pos)
        self.line_at = pos
        return self.line

    def members(self, pos: int, each: Callable[[str, int, int], int]) -> int:
        """Walk the object at ``pos``: ``each(key, key offset, value offset)`` returns where the value
        ends; returns where the object ends."""
        pos = self.expect(pos, "{")
        if self.text[pos : pos + 1] == "}":
            return pos + 1
        while True:
            key, value_at = self.key(pos)
            pos = self.space(each(key, pos, value_at))
            if self.text[pos : pos + 1] == "}":
                return pos + 1
            pos = self.expect(pos, ",")

    def top_member(self, key: str, key_at: int, pos: int) -> int:
        out = self.out
        if key in out.top:
            raise NotStreamable(f"top-level key {key!r} repeated")
        if key == "packages":
            if self.text[pos : pos + 1] != "{":
                raise NotStreamable("packages is not an object")
            end = self.members(pos, self.package)
            out.top[key] = None  # seen (its entries are in ``entries``)
            return end
        if key == "dependencies":
            out.top[key] = None
            return self.skip(pos)
        value, end = self.decoder.raw_decode(self.text, pos)
        out.top[key] = value
        return end

    def package(self, location: str, key_at: int, pos: int) -> int:
        raw, end = self.decoder.raw_decode(self.text, pos)
        out = self.out
        if location in out.entries:
            out.duplicates.add(location)
        if not isinstance(raw, dict):
            out.not_objects.add(location)
            out.entries.pop(location, None)  # the last value counts, as json.loads reads it
            return end
        out.not_objects.discard(location)
        line = self.line_of(key_at)
        after = key_at + 1 + len(location)
        plain = self.text[key_at + 1 : after] == location and self.text[after : after + 1] == '"'  # no escapes
        old = out.entries.get(location)
        entry = entry_from(location, raw, old.line if old else (line if plain else None), self.keep)
        out.entries[location] = entry
        if self.on_entry is not None:
            self.on_entry(entry)
        if self.progress is not None and end >= self.next_report:
            self.progress(end, len(self.text))
            self.next_report = end + PROGRESS_CHARS
        return end

    def skip(self, pos: int) -> int:
        """Where the object or array at ``pos`` ends, checking only its strings and brackets."""
        if self.text[pos : pos + 1] not in ("{", "["):
            return self.decoder.raw_decode(self.text, pos)[1]
        depth = 0
        for m in _TOKEN.finditer(self.text, pos):
            token = m.group()
            if token in ("{", "["):
                depth += 1
            elif token in ("}", "]"):
                depth -= 1
                if depth == 0:
                    return m.end()
        raise NotStreamable("unterminated value")


def stream_entries(
    text: str, progress: CharProgress | None = None, on_entry: Callable[[Entry], object] | None = None
) -> Streamed:
    """Walk a lockfile text (see the module docstring), calling ``on_entry`` with each entry as it is read
    (so that ``progress`` counts the work done per entry too); raises :class:`NotStreamable`."""
    walk = _Walk(text, progress, on_entry)
    try:
        end = walk.members(walk.space(0), walk.top_member)
    except (json.JSONDecodeError, RecursionError, ValueError) as exc:
        raise NotStreamable(str(exc)) from None
    if walk.space(end) != len(text) or "packages" not in walk.out.top:
        raise NotStreamable("trailing text or no packages object")
    if progress is not None:
        progress(len(text), len(text))
    return walk.out
