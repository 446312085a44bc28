"""FalkorDB's ``GRAPH.BULK`` binary format: typed property values and entity headers.

A ``GRAPH.BULK`` call carries node and relationship *tokens*, each a header followed by entities.
The header is the label (or relationship type) as a NUL-terminated string, a little-endian uint32
property count and the property names, each NUL-terminated. A node is its property values in the
header's order; a relationship is its start and end node ids (two little-endian uint64) and then its
values. A value is one type byte and its payload: null (skipped: the entity does not get the
property), boolean (one byte), double and integer (8 bytes), string (NUL-terminated UTF-8) or array
(int64 length, then the values). The server reads a token with no checks beyond debug assertions,
so everything is checked here: what cannot be encoded raises :class:`Unencodable`.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Sequence
from typing import Any

NULL = b"\x00"
_BOOL = b"\x01"
_TRUE, _FALSE = b"\x01\x01", b"\x01\x00"
_DOUBLE = b"\x02"
_STRING = b"\x03"
_LONG = b"\x04"
_ARRAY = b"\x05"
_INT64 = struct.Struct("<q")
_UINT32 = struct.Struct("<I")
#: a relationship's start and end node ids
ENDS = struct.Struct("<QQ")
_INT64_MIN, _INT64_MAX = -(1 << 63), (1 << 63) - 1


class Unencodable(ValueError):
    """A value the binary format cannot carry as the Cypher path would store it."""


def header(name: str, properties: Sequence[str]) -> bytes:
    """A token's header: the label or type and its property names."""
    return b"".join([_cstring(name), _UINT32.pack(len(properties)), *(_cstring(p) for p in properties)])


def string(value: str) -> bytes:
    """A string value (a NUL inside would end it early in the server: refused)."""
    data = value.encode()
    if b"\x00" in data:
        raise Unencodable("a string with a NUL character")
    return _STRING + data + NULL


def integer(value: int) -> bytes:
    """An integer value (64-bit, as the graph keeps integers)."""
    if not _INT64_MIN <= value <= _INT64_MAX:
        raise Unencodable(f"an integer out of the 64-bit range: {value}")
    return _LONG + _INT64.pack(value)


def value(v: Any) -> bytes:
    """Any property value a load writes: null, boolean, integer, float, string or a list of them."""
    if v is None:
        return NULL
    if isinstance(v, str):
        return string(v)
    if isinstance(v, bool):  # before int: a bool is an int
        return _TRUE if v else _FALSE
    if isinstance(v, int):
        return integer(v)
    if isinstance(v, float):
        return _DOUBLE + struct.pack("<d", v)
    if isinstance(v, list | tuple):
        return array(v)
    raise Unencodable(f"a {type(v).__name__} property")


def array(items: Iterable[Any]) -> bytes:
    """A list value; its items are values themselves (a null item stays in the list, as in Cypher)."""
    parts = [value(item) for item in items]
    return _ARRAY + _INT64.pack(len(parts)) + b"".join(parts)


def properties(names: Sequence[str], props: dict[str, Any]) -> bytes:
    """An entity's values in a header's order, null where it has none."""
    return b"".join([value(props.get(name)) for name in names])


def _cstring(text: str) -> bytes:
    data = text.encode()
    if b"\x00" in data:
        raise Unencodable("a name with a NUL character")
    return data + NULL
