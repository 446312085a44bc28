"""A DEPENDS_ON statement's token and a SourceFile's entry keep their layout whatever the fields hold.

The two builders take a fast path when no field has a separator of its own (planner/store/statements.py);
a field that has one must still have it replaced, or the token would split in the wrong places.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from planner.store.statements import (
    END,
    FIELD,
    LIST,
    START,
    Statement,
    edge_token,
    parse_depends_on,
    parse_stated_by,
    source_entry,
)

SOURCE = "acme/shop:services/cart/bom.json"
VERSION = "pkg:maven/com.acme/cart@1.4.0"
PACKAGE = "pkg:maven/org.apache.logging.log4j/log4j-core"

#: what a field reads back as: '' and None both mean "not said", a separator becomes U+FFFD
fields = st.one_of(st.none(), st.text(alphabet=st.sampled_from("ab^~1.2-\ufffd" + START + FIELD + END + LIST)))


def _stored(value: str | None) -> str | None:
    if not value:
        return None
    for sep in (START, FIELD, END, LIST):
        value = value.replace(sep, "\ufffd")
    return value


def test_plain_fields_are_laid_out_as_they_are() -> None:
    assert (
        edge_token(SOURCE, "^2.14.0", "2.14.1", "runtime")
        == f"{START}{SOURCE}{FIELD}^2.14.0{FIELD}2.14.1{FIELD}runtime{END}"
    )
    assert edge_token(SOURCE, None, "2.14.1", None) == f"{START}{SOURCE}{FIELD}{FIELD}2.14.1{FIELD}{END}"
    assert source_entry(VERSION, PACKAGE, None, "2.14.1", "test") == (
        f"{VERSION}{FIELD}{PACKAGE}{FIELD}{FIELD}2.14.1{FIELD}test{END}"
    )


def test_a_separator_in_a_field_is_replaced() -> None:
    # a range written with each separator in turn, and one with all four
    for sep in (START, FIELD, END, LIST, START + FIELD + END + LIST):
        token = edge_token(SOURCE, f"^1{sep}2", "1.2", "runtime")
        assert token == f"{START}{SOURCE}{FIELD}^1{chr(0xFFFD) * len(sep)}2{FIELD}1.2{FIELD}runtime{END}"
        entry = source_entry(VERSION, PACKAGE, "1.2", f"1{sep}2", "runtime")
        assert list(parse_depends_on(entry)) == [
            (VERSION, PACKAGE, Statement("", "1.2", f"1{chr(0xFFFD) * len(sep)}2", "runtime"))
        ]


@given(range_=fields, resolved=fields, scope=fields)
def test_every_token_reads_back_as_its_fields(range_: str | None, resolved: str | None, scope: str | None) -> None:
    token = edge_token(SOURCE, range_, resolved, scope)
    assert parse_stated_by([token]) == [Statement(SOURCE, _stored(range_), _stored(resolved), _stored(scope))]
    entry = source_entry(VERSION, PACKAGE, range_, resolved, scope)
    assert list(parse_depends_on(entry)) == [
        (VERSION, PACKAGE, Statement("", _stored(range_), _stored(resolved), _stored(scope)))
    ]
