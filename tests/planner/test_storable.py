"""Records the store cannot hold are dropped one by one, with a warning naming each."""

from __future__ import annotations

import pytest

from planner.model import Declared, Location, ParseResult, Resolved, Source
from planner.storable import drop_unstorable, might_hold_unstorable

SRC = Source("web", "package.json", "web/package.json")
P = "web/.#pkg:npm/web"


@pytest.mark.parametrize(
    ("record", "warning"),
    [
        (Declared(P, "pkg:npm/ev%00il", "1.0.0", location=Location("package.json", 7)),
         "web/package.json:7: dropped a Declared record: 'pkg:npm/ev%00il' holds a NUL character"),
        (Declared(P, "pkg:npm/ok", "1.0\x00", location=Location("package.json", 8)),
         "web/package.json:8: dropped a Declared record: '1.0\\u0000' holds a NUL character"),
        (Resolved(P, "pkg:npm/ok@1.0.0", path=("pkg:npm/b\ud800d@1",)),
         "web/package.json:0: dropped a Resolved record: 'pkg:npm/b\\ud800d@1' holds an unpaired surrogate"),
    ],
)  # fmt: skip
def test_one_bad_record_is_dropped_with_a_warning(record, warning: str) -> None:
    good = Declared(P, "pkg:npm/left-pad", "^1.3.0")
    out = drop_unstorable(ParseResult([good, record]), SRC)
    assert out.records == [good]
    assert [str(w) for w in out.warnings] == [warning + ", which the store cannot keep"]


def test_clean_results_are_returned_as_they_are() -> None:
    result = ParseResult([Declared(P, "pkg:npm/left-pad", "^1.3.0")])
    assert drop_unstorable(result, SRC) is result


@pytest.mark.parametrize(
    ("text", "may"),
    [('{"a": "b"}', False), ('{"a": "\\u0000"}', True), ("a\x00b", True), ("name = 'x%00'", True)],
)
def test_cheap_precheck(text: str, may: bool) -> None:
    assert might_hold_unstorable(text) is may


def test_a_record_stream_stays_a_stream_without_the_bad_records() -> None:
    from planner.record_stream import RecordStream

    good = [Declared(P, "pkg:npm/left-pad", "^1.3.0"), Declared(P, "pkg:npm/right-pad", "^2")]
    bad = Declared(P, "pkg:npm/ok", "1.0\x00", location=Location("package.json", 8))
    made: list[int] = []

    def make():
        made.append(1)
        return iter([good[0], bad, good[1]])

    out = drop_unstorable(ParseResult(RecordStream(make, 3)), SRC)
    assert isinstance(out.records, RecordStream) and out.records.estimate == 3
    assert [str(w) for w in out.warnings] == [
        "web/package.json:8: dropped a Declared record: '1.0\\u0000' holds a NUL character, which the store cannot keep"
    ]
    assert list(out.records) == good
    assert len(made) == 2  # once for the warnings, once as the records are loaded
    clean = ParseResult(RecordStream(lambda: iter(good), 2))
    assert drop_unstorable(clean, SRC) is clean
