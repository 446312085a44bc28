"""The RESP client sends a big argument as its own buffer (no copy joined with the rest) and the bytes on
the wire are the same as one joined command's."""

from __future__ import annotations

from planner.store import resp
from planner.store.embedded import EmbeddedStore


def test_a_big_argument_goes_apart_and_the_wire_bytes_are_unchanged() -> None:
    big = "x" * resp._SEND_APART
    buffers = resp._encode(("GRAPH.QUERY", "g", big, "timeout", 600))
    assert b"".join(buffers) == (
        b"*5\r\n$11\r\nGRAPH.QUERY\r\n$1\r\ng\r\n$%d\r\n%s\r\n$7\r\ntimeout\r\n$3\r\n600\r\n" % (len(big), big.encode())
    )
    assert big.encode() in buffers  # on its own, not copied into a joined buffer
    assert resp._encode(("PING",)) == [b"*1\r\n$4\r\nPING\r\n"]  # a small command: one buffer, one send


def test_statements_as_text_and_as_bytes_load_the_same(store: EmbeddedStore) -> None:
    text = 'CYPHER `k`="é\x1eb" CREATE (:Scratch {k: $k}) RETURN 1 AS n'
    store.load_prepared(text)
    store.load_prepared(text.encode())  # as a worker sends it
    assert store.run("MATCH (s:Scratch) RETURN s.k AS k") == [{"k": "é\x1eb"}, {"k": "é\x1eb"}]
