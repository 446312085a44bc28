"""GRAPH.BULK's binary values (planner/store/bulk_encoding.py), and a part that cannot be encoded."""

from __future__ import annotations

import struct

import pytest

from planner.errors import QueryError
from planner.store import bulk_encoding as enc
from planner.store.bulk_build import BulkPart, bulk_part
from planner.store.embedded import EmbeddedStore
from planner.store.rows import GraphBatch


def test_each_value_is_its_type_byte_and_payload() -> None:
    assert enc.value(None) == b"\x00"
    assert enc.value(True) == b"\x01\x01" and enc.value(False) == b"\x01\x00"
    assert enc.value(1.5) == b"\x02" + struct.pack("<d", 1.5)
    assert enc.value("héllo") == b"\x03" + "héllo".encode() + b"\x00"
    assert enc.value(-2) == b"\x04" + struct.pack("<q", -2)
    assert enc.value(["a", 1, None]) == b"\x05" + struct.pack("<q", 3) + b"\x03a\x00" + enc.value(1) + b"\x00"
    assert enc.value([]) == b"\x05" + struct.pack("<q", 0)


def test_a_header_names_the_label_and_its_properties() -> None:
    assert enc.header("Version", ["key", "run"]) == b"Version\x00" + struct.pack("<I", 2) + b"key\x00run\x00"


@pytest.mark.parametrize("bad", ["a\x00b", ["ok", "a\x00b"], 1 << 63, -(1 << 63) - 1, {"a": 1}, object()])
def test_what_the_format_cannot_carry_is_refused(bad) -> None:
    with pytest.raises(enc.Unencodable):
        enc.value(bad)


def test_a_batch_with_a_nul_becomes_a_rejected_part_and_the_store_rejects_it(store: EmbeddedStore) -> None:
    batch = GraphBatch()
    batch.node("Project", "p", {"name": "a\x00b"})
    part = bulk_part(batch, "run-1")
    assert part.rejected == "a string with a NUL character"
    with pytest.raises(QueryError, match="cannot be stored"):
        store.load_prepared(part)
    assert bulk_part(GraphBatch(), "run-1") == BulkPart()


def test_values_read_back_as_a_load_statement_writes_them(store: EmbeddedStore) -> None:
    """One node of every kind of value, loaded by statement and built in bulk: the same properties back."""
    props = {"s": "x", "i": 3, "f": 1.5, "b": True, "l": ["a", "b"], "il": [1, 2], "n": None, "e": []}
    seen = []
    for build in (False, True):
        store.reset()
        batch = GraphBatch()
        batch.node("Project", "p", dict(props))
        if build:
            with store.fresh_build("run-1"):
                store.load(batch, "run-1")
        else:
            store.load(batch, "run-1")
        seen.append(store.run("MATCH (n:Project) RETURN properties(n) AS p"))
    stored = {k: v for k, v in props.items() if v is not None}
    assert seen[0] == seen[1] == [{"p": {"key": "p", **stored, "run": "run-1"}}]
