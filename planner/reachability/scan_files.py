"""Scan the source files under a directory, one file at a time.

:func:`source_files` walks a tree (skipping the directories ingest skips: VCS metadata,
``node_modules``, build output, virtualenvs) and yields the files a scanner reads;
:func:`scan_files` reads each (never more than the size limit) and yields its scan. Nothing is
held between files, so memory stays flat however large the tree; the caller keeps what it needs.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from loaders.source import scan_source, scanner_for, skipped_scan
from loaders.source.core import MAX_SOURCE_BYTES
from planner.ingest import SKIP_DIRS
from planner.reachability.records import SourceFileScan


def source_files(root: Path) -> Iterator[Path]:
    """Every file under ``root`` that a source scanner reads, in a stable order."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith(".venv"))
        for name in sorted(filenames):
            if scanner_for(name) is not None:
                yield Path(dirpath) / name


def scan_files(files: Iterable[Path], root: Path, *, max_bytes: int = MAX_SOURCE_BYTES) -> Iterator[SourceFileScan]:
    """The scan of each file, its path shown relative to ``root`` (POSIX); an unreadable file
    is a skipped scan with the reason, and the rest goes on."""
    for file in files:
        shown = file.relative_to(root).as_posix() if file.is_relative_to(root) else file.as_posix()
        try:
            size = file.stat().st_size
            if size > max_bytes:
                yield skipped_scan(shown, f"{size:,} bytes, over the {max_bytes:,}-byte limit for a source file")
                continue
            with file.open("rb") as fh:
                data = fh.read(max_bytes + 1)
        except OSError as exc:
            yield skipped_scan(shown, f"cannot read ({exc.strerror or exc})")
            continue
        yield scan_source(data, shown, max_bytes=max_bytes)
