"""The loader contract.

A loader is pure: it gets the text of one file and where it lives, and returns records plus
warnings. It never touches the network, the file system or a package manager. A file it
cannot use at all raises :class:`~planner.errors.ParseError` (``path:line: reason``); anything
usable but incomplete becomes a warning.

Some formats mean something only together with other files (a Maven parent POM, Gradle settings
and version catalogs, ``-r`` includes, npm workspaces). Such a loader reads those through the
:class:`SourceContext` it is given, never through the file system; the ingest records which files
each parse read, so a change to any of them re-reads the file that depends on it.
"""

from __future__ import annotations

import bisect
import json
import posixpath
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from enum import IntEnum
from fnmatch import fnmatchcase
from typing import Any

from planner.errors import ParseError
from planner.model import ParseResult, ParseWarning, Source


class SourceContext:
    """Read-only access to the other files of the same ingest (none by default)."""

    def read(self, repo: str, path: str) -> str | None:
        """The text of ``path`` (repo-relative, POSIX) in ``repo``, or None when absent or unreadable."""
        return None

    def peek(self, repo: str, path: str) -> str | None:
        """Like :meth:`read`, but not recorded as an input: for scanning many files (e.g. indexing
        coordinates) before reading the one actually used with :meth:`read`."""
        return self.read(repo, path)

    def sources(self) -> Sequence[Source]:
        """Every file some loader recognised in this ingest, across all repositories, but source
        code: the manifests, lockfiles and deployment files (source code reads no other file)."""
        return ()

    def progress(self, done: int, total: int) -> None:
        """Told by a loader during a long parse: ``done`` of ``total`` characters read (nothing by default)."""


EMPTY_CONTEXT = SourceContext()

#: the characters inside a JSON string's quotes, for regular expressions that find keys or values in
#: a document's text: written as an unrolled loop, which Python's engine runs ~2.5x faster than the
#: plain ``(?:[^"\\]|\\.)*`` on SBOMs (a component's bom-ref found for its line number)
JSON_STRING_BODY = r'[^"\\]*(?:\\.[^"\\]*)*'


class StaticContext(SourceContext):
    """A context over texts held in memory, keyed ``(repo, path)``: for tests and tools."""

    def __init__(self, files: Mapping[tuple[str, str], str]) -> None:
        self._files = dict(files)

    def read(self, repo: str, path: str) -> str | None:
        """The text held for ``(repo, path)``."""
        return self._files.get((repo, path))

    def sources(self) -> Sequence[Source]:
        """One Source per held text."""
        return [Source(repo, path, f"{repo}/{path}") for repo, path in sorted(self._files)]


class Precedence(IntEnum):
    """How specifically a loader claims a file: when several loaders accept one file, the highest
    claim wins (ties are broken by the registry's stated ``TIE_BREAKS``)."""

    #: a source scanner: only a file no manifest or deploy loader wants
    SOURCE_CODE = 0
    #: by where the file lives or what it holds (any YAML under ``deploy/``, a chart's ``templates/``)
    LOCATION = 1
    #: by a file-name pattern (``*.csproj``, ``docker-compose.*.yml``)
    FILE_GLOB = 2
    #: by its exact file name (``pom.xml``)
    FILE_NAME = 3


class Loader(ABC):
    """One file format.

    Which files it reads is declared as data: :attr:`file_names` and :attr:`file_globs` name them,
    and :attr:`other_files` says how strongly it claims any other file :meth:`matches` accepts.
    :meth:`matches` stays the exact test (it may refuse a named file, e.g. one under
    ``node_modules``); the declarations decide the :class:`Precedence` of a file it accepts.
    """

    #: short, stable name shown in summaries (``cyclonedx-json``)
    name: str = ""
    #: exact file names this loader reads, claimed at ``Precedence.FILE_NAME``
    file_names: frozenset[str] = frozenset()
    #: ``fnmatch`` patterns on the file name, claimed at ``Precedence.FILE_GLOB``
    file_globs: tuple[str, ...] = ()
    #: the precedence of a file :meth:`matches` accepts although neither a name nor a pattern above
    #: describes it (by directory or content); None: :meth:`matches` accepts only the files named above
    other_files: Precedence | None = None
    #: a loader that reads the file's bytes itself (:meth:`parse_bytes`): ingest then neither decodes
    #: them nor refuses binary content, and reads at most ``byte_limit`` + 1 bytes
    reads_bytes: bool = False
    byte_limit: int | None = None

    @abstractmethod
    def matches(self, path: str) -> bool:
        """Cheap check on the path alone (no reading) whether this loader handles the file.

        ``path`` is POSIX, ends with the file name and may start with some parent directories
        (relative to what the user asked to ingest): look at its last components only, e.g.
        ``requirements/main.txt``.
        """

    @abstractmethod
    def parse(self, text: str, source: Source, context: SourceContext = EMPTY_CONTEXT) -> ParseResult:
        """Parse one file's text into records and warnings (other files only through ``context``)."""

    def parse_bytes(self, data: bytes, source: Source) -> ParseResult:
        """Parse one file's bytes (only loaders with ``reads_bytes``)."""
        raise NotImplementedError(f"the {self.name} loader reads text")

    def claim(self, path: str) -> Precedence | None:
        """How specifically this loader claims the file at ``path``, or None when it does not read it.

        Names and patterns are compared with the file name as written and in lower case. A file that
        :meth:`matches` accepts but no declaration describes is claimed at ``other_files``, or at
        ``Precedence.LOCATION`` when that is None (the registry tests hold every loader to its
        declarations, so that fallback is never relied on).
        """
        if not self.matches(path):
            return None
        base = posixpath.basename(path)
        lower = base.lower()
        if base in self.file_names or lower in self.file_names:
            return Precedence.FILE_NAME
        if any(fnmatchcase(base, glob) or fnmatchcase(lower, glob) for glob in self.file_globs):
            return Precedence.FILE_GLOB
        return Precedence.LOCATION if self.other_files is None else self.other_files


class LineIndex:
    """Maps character offsets in a text to 1-based line numbers."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._starts = [0]
        find = text.find
        pos = find("\n")
        while pos != -1:
            self._starts.append(pos + 1)
            pos = find("\n", pos + 1)

    def line_of_offset(self, offset: int) -> int:
        """The line holding ``offset``."""
        return bisect.bisect_right(self._starts, offset)

    def line_of(self, needle: str, start: int = 0) -> int | None:
        """The line of the first occurrence of ``needle`` at or after ``start``, if any."""
        pos = self._text.find(needle, start)
        return None if pos < 0 else self.line_of_offset(pos)


def pairs_noting(duplicates: set[str]) -> Callable[[list[tuple[str, Any]]], dict[str, Any]]:
    """An ``object_pairs_hook`` that builds a dict as ``json`` does (the last value of a key wins) and
    adds the repeated keys to ``duplicates``."""

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out = dict(items)  # built in C; a repeated key makes it shorter than its pairs
        if len(out) != len(items):
            seen: set[str] = set()
            for k, _ in items:
                if k in seen:
                    duplicates.add(k)
                seen.add(k)
        return out

    return pairs


def load_json(text: str, source: Source, warnings: list[ParseWarning]) -> Any:
    """Parse JSON strictly: a syntax error is a ``ParseError``; duplicate keys are warned about."""
    duplicates: set[str] = set()
    try:
        data = json.loads(text, object_pairs_hook=pairs_noting(duplicates))
    except json.JSONDecodeError as exc:
        raise ParseError(source.display, exc.lineno, f"malformed JSON: {exc.msg}") from None
    except RecursionError:
        raise ParseError(source.display, 1, "JSON nested too deeply") from None
    if duplicates:
        lines = LineIndex(text)
        for key in sorted(duplicates):
            warnings.append(
                ParseWarning(source.display, lines.line_of(json.dumps(key)), f"duplicate key {key!r}: last one used")
            )
    return data


def expect(cond: bool, source: Source, line: int | None, reason: str) -> None:
    """Raise a ``ParseError`` unless ``cond`` holds."""
    if not cond:
        raise ParseError(source.display, line, reason)
