"""What a loader may read besides its own file: other files of the repositories being ingested."""

from __future__ import annotations

import hashlib
import posixpath
from collections.abc import Callable
from pathlib import Path

from loaders.base import Loader, SourceContext
from planner.errors import ParseError
from planner.ingest.candidates import Candidate, Candidates
from planner.ingest.reading import read_source
from planner.model import Source


class IngestContext(SourceContext):
    """What loaders may read besides their own file: files inside the repositories being ingested.

    Paths are repo-relative; nothing outside a repository root is served (no ``..``, no symlink
    escapes), the same size limit applies, and every read is remembered so that the ingest can
    record which files a source depends on.
    """

    def __init__(self, candidates: Candidates, max_bytes: int) -> None:
        self._roots: dict[str, Path] = {}
        for name, real_root in candidates.repositories():
            self._roots.setdefault(name, real_root)
        self._sources = candidates.manifest_sources()
        self.max_bytes = max_bytes  # what read_source may read of one file
        self._cache: dict[tuple[str, str], tuple[str | None, str | None]] = {}
        self.reads: set[tuple[str, str]] = set()
        #: told what a loader reports during a long parse (characters read, characters in the file)
        self.on_progress: Callable[[int, int], None] | None = None

    def sources(self) -> list[Source]:
        """Every recognised file of this ingest but source code: the manifests, lockfiles and
        deployment files loaders look for (none looks for source code, which reads nothing else)."""
        return self._sources

    def read(self, repo: str, path: str) -> str | None:
        """Text of a file inside an ingested repository, or None."""
        text, _ = self._get(repo, path)
        if text is not None:
            self.reads.add((repo, posixpath.normpath(path)))
        return text

    def progress(self, done: int, total: int) -> None:
        """A loader's progress through the file it parses, passed to :attr:`on_progress`."""
        if self.on_progress is not None:
            self.on_progress(done, total)

    def peek(self, repo: str, path: str) -> str | None:
        """Text of a file without recording it as an input of the current parse."""
        return self._get(repo, path)[0]

    def digest(self, repo: str, path: str) -> str | None:
        """sha256 of a file inside an ingested repository (None when absent)."""
        return self._get(repo, path)[1]

    def _get(self, repo: str, path: str) -> tuple[str | None, str | None]:
        norm = posixpath.normpath(path)
        key = (repo, norm)
        if key in self._cache:
            return self._cache[key]
        result: tuple[str | None, str | None] = (None, None)
        root = self._roots.get(repo)
        if root is not None and not norm.startswith(("/", "../")) and norm != "..":
            try:
                file = (root / norm).resolve()
            except RuntimeError:  # a symlink loop (Python < 3.13)
                file = root
            if file.is_relative_to(root) and file.is_file():
                try:
                    cand = Candidate(str(file), Source(repo, norm, str(file)), _NO_LOADER, root)
                    result = read_source(cand, self.max_bytes)
                except ParseError:
                    result = (None, None)
        self._cache[key] = result
        return result

    def inputs_digest(self, inputs: list[str]) -> str:
        """One hash over the current content of a source's input files (``repo:path`` keys)."""
        h = hashlib.sha256()
        for key in sorted(inputs):
            repo, _, path = key.partition(":")
            h.update(f"{key}={self.digest(repo, path) or '-'}\n".encode())
        return h.hexdigest()


class _NoLoader(Loader):
    name = "none"

    def matches(self, path: str) -> bool:
        return False

    def parse(self, text, source, context=None):  # pragma: no cover - never called
        raise NotImplementedError


_NO_LOADER = _NoLoader()
