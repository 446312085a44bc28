"""A big npm lockfile is read entry by entry and its records made on demand (issue 13 item 11): the same
records and warnings as the whole read, in the same order."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from loaders.base import StaticContext
from loaders.js import npm_lock
from loaders.js._npm_lock_stream import NotStreamable, stream_entries
from planner.errors import ParseError
from planner.model import Resolved, Source, VersionDependency
from planner.record_stream import RecordStream
from tests.conftest import EXAMPLES, FIXTURES

LOADER = npm_lock.NpmLockLoader()


def _both(text: str, monkeypatch) -> tuple:
    """(whole read, streamed read with its records made) of one text."""
    source = Source("acme", "app/package-lock.json", "app/package-lock.json")
    whole = LOADER.parse(text, source, StaticContext({}))
    monkeypatch.setattr(npm_lock, "STREAM_CHARS", 0)
    streamed = LOADER.parse(text, source, StaticContext({}))
    monkeypatch.setattr(npm_lock, "STREAM_CHARS", 8_000_000)
    return whole, streamed


def _locks(*roots: Path) -> list[Path]:
    return sorted(
        p for root in roots for p in root.rglob("*.json") if "package-lock" in p.name or "shrinkwrap" in p.name
    )


@pytest.mark.parametrize("path", _locks(FIXTURES, EXAMPLES), ids=str)
def test_streamed_read_gives_the_records_and_warnings_of_the_whole_read(path, monkeypatch):
    text = path.read_text()
    try:
        whole, streamed = _both(text, monkeypatch)
    except ParseError:
        monkeypatch.setattr(npm_lock, "STREAM_CHARS", 0)
        with pytest.raises(ParseError):  # the whole read reports it, streamed or not
            LOADER.parse(text, Source("acme", "app/package-lock.json", "x"), StaticContext({}))
        return
    assert streamed.warnings == whole.warnings
    if isinstance(streamed.records, RecordStream):
        assert list(streamed.records) == whole.records
        assert list(streamed.records) == whole.records  # made anew, the same, on each iteration
    else:  # version 1 and non-lockfiles are read whole
        assert streamed.records == whole.records


def test_corpus_locks_stream_the_same(corpus, monkeypatch):
    paths = _locks(corpus)
    assert paths
    for path in paths:
        whole, streamed = _both(path.read_text(errors="replace"), monkeypatch)
        assert streamed.warnings == whole.warnings, path
        assert list(streamed.records) == whole.records, path


def _lock() -> dict:
    return {
        "name": "app",
        "version": "1.0.0",
        "lockfileVersion": 2,
        "packages": {
            "": {"name": "app", "version": "1.0.0", "dependencies": {"a": "^1", "b": "^2"}},
            "node_modules/a": {
                "version": "1.2.0",
                "dependencies": {"b": "^1"},
                "integrity": "sha1-AAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            },
            "node_modules/a/node_modules/b": {"version": "1.0.0", "dev": True},
            "node_modules/b": {"version": "2.0.0"},
        },
        "dependencies": {
            "a": {"version": "1.2.0", "requires": {"b": "^1"}, "dependencies": {"b": {"version": "1.0.0"}}}
        },
    }


def test_a_streamed_lock_by_hand(monkeypatch):
    text = json.dumps(_lock(), indent=2)
    _, streamed = _both(text, monkeypatch)
    records = list(streamed.records)
    resolved = {(r.version, r.scope, r.depth, r.location.line) for r in records if isinstance(r, Resolved)}
    assert resolved == {
        ("pkg:npm/a@1.2.0", "runtime", 1, 14),  # lines of the keys in json.dumps(indent=2), counted by hand
        ("pkg:npm/b@1.0.0", "runtime", 2, 21),
        ("pkg:npm/b@2.0.0", "runtime", 1, 25),
    }
    edges = [(e.version, e.package, e.range, e.resolved) for e in records if isinstance(e, VersionDependency)]
    assert edges == [("pkg:npm/a@1.2.0", "pkg:npm/b", "^1", "1.0.0")]


def test_duplicate_and_bad_entries_warn_as_the_whole_read(monkeypatch):
    text = json.dumps(_lock(), indent=2)
    text = text.replace('"node_modules/b": {', '"node_modules/x": 5,\n    "node_modules/b": {"dev": 1, "dev": 2, ')
    whole, streamed = _both(text, monkeypatch)
    assert [w.message for w in streamed.warnings] == [
        "duplicate key 'dev': last one used",
        "1 packages entry(ies) are not objects",
    ]
    assert streamed.warnings == whole.warnings
    assert list(streamed.records) == whole.records


@pytest.mark.parametrize(
    "text",
    [
        "[]",
        '{"packages": []}',
        '{"packages": {}, "packages": {}}',
        '{"packages": {"": {}}} x',
        '{"packages": {"": {]}}',
    ],
)
def test_what_the_walk_does_not_read_is_left_to_the_whole_read(text):
    with pytest.raises(NotStreamable):
        stream_entries(text)


def test_progress_is_told_while_reading(monkeypatch):
    from loaders.js import _npm_lock_stream

    monkeypatch.setattr(_npm_lock_stream, "PROGRESS_CHARS", 100)
    text = json.dumps(_lock(), indent=2)
    told: list[tuple[int, int]] = []
    stream_entries(text, lambda done, total: told.append((done, total)))
    assert len(told) >= 3
    assert all(total == len(text) for _, total in told)
    assert [done for done, _ in told] == sorted(done for done, _ in told)
    assert told[-1] == (len(text), len(text))
