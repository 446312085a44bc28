"""Drop the records a store cannot hold, with a warning naming each, so the rest of the file loads.

A string with a NUL character or a lone UTF-16 surrogate (both reachable through escapes such as JSON's
``\\u0000``/``\\ud800``, YAML's ``"\\0"``, TOML's ``\\u0000``) makes FalkorDB reject the whole statement, and
so the whole file; so does ``%00`` in a purl, which the store's rows decode. Only backslash escapes, NUL
bytes or ``%00`` in the text can produce such strings, so files without any skip the walk over their
records.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from planner.model import Location, ParseResult, ParseWarning, Source
from planner.record_stream import RecordStream
from planner.safe_text import excerpt

#: NUL (also percent-encoded in a purl, which the store rows decode) and lone surrogates
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]|%00")


def might_hold_unstorable(text: str) -> bool:
    """Whether records parsed from ``text`` can hold a string the store rejects (cheap pre-check)."""
    return "\x00" in text or "\\" in text or "%00" in text


def _bad_string(value: Any) -> str | None:
    """The first string in ``value`` (a record field) that the store cannot hold."""
    if isinstance(value, str):
        return value if _UNSTORABLE.search(value) else None
    if isinstance(value, tuple | list | frozenset | set):
        for item in value:
            bad = _bad_string(item)
            if bad is not None:
                return bad
        return None
    if isinstance(value, dict):
        return _bad_string(tuple(value)) or _bad_string(tuple(value.values()))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _bad_string(tuple(getattr(value, f.name) for f in dataclasses.fields(value)))
    return None


def _line(record: Any) -> int | None:
    location = getattr(record, "location", None)
    return location.line if isinstance(location, Location) else None


def drop_unstorable(result: ParseResult, source: Source) -> ParseResult:
    """``result`` without the records holding a string the store rejects; one warning per dropped record.
    A :class:`RecordStream` is walked once for the warnings and stays a stream, filtered as it is made."""
    records = result.records
    if isinstance(records, RecordStream):
        dropped = [_dropped(record, source) for record in records if _bad_string(record) is not None]
        if not dropped:
            return result
        kept = RecordStream(lambda: (r for r in records if _bad_string(r) is None), records.estimate)
        return ParseResult(kept, [*result.warnings, *dropped])  # type: ignore[arg-type]
    kept = [record for record in records if _bad_string(record) is None]
    if len(kept) == len(records):
        return result
    return ParseResult(kept, [*result.warnings, *(_dropped(r, source) for r in records if _bad_string(r) is not None)])


def _dropped(record: Any, source: Source) -> ParseWarning:
    """The warning for a record dropped because it holds a string the store cannot keep."""
    bad = _bad_string(record) or ""
    what = "a NUL character" if "\x00" in bad or "%00" in bad else "an unpaired surrogate"
    return ParseWarning(
        source.display,
        _line(record),
        f"dropped a {type(record).__name__} record: '{excerpt(bad)}' holds {what}, which the store cannot keep",
    )
