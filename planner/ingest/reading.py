"""Reading one file safely: no symlink put in its place is followed, a pipe does not block, sizes are limited."""

from __future__ import annotations

import hashlib
import os

from planner.errors import ParseError
from planner.ingest.candidates import Candidate

DEFAULT_MAX_BYTES = 64 * 1024 * 1024

_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)


def read_bytes(cand: Candidate, max_bytes: int) -> tuple[bytes, str]:
    """The bytes of a file for a loader that reads bytes (at most its ``byte_limit`` + 1: it judges
    a longer file by that) and their sha256 with the file's size; raises ParseError when unreadable.
    Opened like :func:`read_source`: a symlink put in its place is not followed, a pipe does not block."""
    limit = min(max_bytes, cand.loader.byte_limit or max_bytes)
    try:
        size = os.stat(cand.file).st_size
        with open(os.open(cand.file, _READ_FLAGS), "rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise ParseError(cand.source.display, None, f"cannot read: {exc.strerror or exc}") from None
    return data, hashlib.sha256(data + f"\0{size}".encode()).hexdigest()


def read_source(cand: Candidate, max_bytes: int) -> tuple[str, str]:
    """Text and sha256 of a file; raises ParseError for unreadable, oversized or non-UTF-8 files."""
    display = cand.source.display
    try:
        size = os.stat(cand.file).st_size
        if size > max_bytes:
            raise ParseError(display, None, f"file is {size:,} bytes, over the {max_bytes:,}-byte limit; skipped")
        # the real path: a symlink put in its place since discovery is not followed, a pipe does not block
        with open(os.open(cand.file, _READ_FLAGS), "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise ParseError(display, None, f"cannot read: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise ParseError(display, None, f"file grew over the {max_bytes:,}-byte limit while reading; skipped")
    if b"\x00" in data[:8192]:
        raise ParseError(display, 1, "binary file (NUL bytes), not text")
    digest = hashlib.sha256(data).hexdigest()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ParseError(display, line, f"not valid UTF-8 at byte {exc.start}") from None
    return text, digest
