"""Source code (Java, Kotlin, JavaScript/TypeScript, Python, Go): imports and call sites.

The last loader of the registry: a file no manifest loader claims and a source scanner reads
(:func:`loaders.source.scanner_for`) is scanned with tree-sitter and its scan stored on its
``SourceFile`` node. It reads bytes, not text (:attr:`Loader.reads_bytes`): a file that is too
large, binary, generated, minified or not UTF-8 is one ``path: reason`` warning, never an error,
and the ingest goes on. Nothing from the code is ever run.
"""

from __future__ import annotations

import re

from loaders.base import Loader, Precedence, SourceContext
from loaders.source import scan_source, scanner_for
from loaders.source.core import MAX_SOURCE_BYTES
from planner.model import ParseResult, ParseWarning, Source, SourceScan
from planner.reachability import scan_codec

_LINE = re.compile(r"^:(\d+): ")


class SourceScanLoader(Loader):
    """Scans one source file (see the module docstring)."""

    name = "source"
    other_files = Precedence.SOURCE_CODE
    reads_bytes = True
    byte_limit = MAX_SOURCE_BYTES

    def matches(self, path: str) -> bool:
        """A file a source scanner reads (by name)."""
        return scanner_for(path) is not None

    def parse(self, text: str, source: Source, context: SourceContext | None = None) -> ParseResult:
        """Scan the text (its UTF-8 bytes)."""
        return self.parse_bytes(text.encode("utf-8", "surrogateescape"), source)

    def parse_bytes(self, data: bytes, source: Source) -> ParseResult:
        """The scan as one :class:`SourceScan` record, its problems as warnings."""
        scan = scan_source(data, source.display, max_bytes=MAX_SOURCE_BYTES)
        record = SourceScan(scan.language, scan.scope, scan.namespace, scan_codec.encode(scan), scan.skipped)
        return ParseResult([record], [_warning(w, source.display) for w in scan.warnings])


def _warning(text: str, display: str) -> ParseWarning:
    """A scanner's ``path:line: reason`` or ``path: reason`` line as a warning."""
    rest = text[len(display) :] if text.startswith(display) else f": {text}"
    m = _LINE.match(rest)  # ":12: reason"
    if m is not None:
        return ParseWarning(display, int(m.group(1)), rest[m.end() :])
    return ParseWarning(display, None, rest.removeprefix(":").lstrip())
