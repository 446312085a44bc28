"""What the store remembers of each source from its last ingest, kept compact for the whole ingest."""

from __future__ import annotations

import itertools
import string
from collections.abc import Iterable, Iterator, Mapping

from planner.store.base import Store

_HEX = frozenset(string.hexdigits.lower())


class StoredDigests(Mapping[str, dict]):
    """The stored row (``key``, ``sha256``, ``inputs``, ``inputs_sha256``) of each source key.

    A source that read no other file, the most, is kept as its sha256's 32 bytes and given back
    as a row when asked for; the others are kept as the store gave them. (A 50,800-file re-ingest
    held 30.6 MB of rows as dicts, most of it the dicts, hex strings and empty lists.)"""

    def __init__(self) -> None:
        self._sha: dict[str, bytes] = {}
        self._rows: dict[str, dict] = {}

    def add(self, row: dict) -> None:
        """Remember one row of ``list_source_digests``."""
        key, sha = row["key"], row.get("sha256")
        if _plain(row) and isinstance(sha, str) and len(sha) == 64 and _HEX.issuperset(sha):
            self._sha[key] = bytes.fromhex(sha)
            self._rows.pop(key, None)
        else:
            self._rows[key] = row
            self._sha.pop(key, None)

    def __getitem__(self, key: str) -> dict:
        sha = self._sha.get(key)
        if sha is None:
            return self._rows[key]
        return {"key": key, "sha256": sha.hex(), "inputs": [], "inputs_sha256": None}

    def __iter__(self) -> Iterator[str]:
        return itertools.chain(self._sha, self._rows)

    def __len__(self) -> int:
        return len(self._sha) + len(self._rows)


def _plain(row: dict) -> bool:
    """Whether a row says its source read no other file."""
    return row.get("inputs") in ([], None) and row.get("inputs_sha256") is None


def stored_digests(store: Store, keys: Iterable[str]) -> StoredDigests:
    """What the store remembers of each source key (sha256, inputs), in queries of 1,000 keys."""
    out = StoredDigests()
    keys = iter(keys)
    while chunk := list(itertools.islice(keys, 1000)):
        for row in store.query("list_source_digests", {"keys": chunk}):
            out.add(row)
    return out
