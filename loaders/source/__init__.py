"""Source scanners: the text of a source file in, what it imports and calls out.

:func:`scan_source` is the one entry point. It checks the input (size, binary content, encoding,
generated code, minified JavaScript), parses it with the tree-sitter grammar of its language and
hands the tree to that language's scanner. Every problem becomes a ``path:line: reason`` warning
on the returned :class:`~planner.reachability.records.SourceFileScan`; nothing raises and nothing
from the file is ever run. The scanners are listed in :data:`SCANNERS`.
"""

from __future__ import annotations

import tree_sitter

from loaders.source.core import MAX_SOURCE_BYTES, LanguageScanner, first_error, generated_marker, scope_of
from loaders.source.go import GoScanner
from loaders.source.java import JavaScanner
from loaders.source.javascript import JavaScriptScanner, TsxScanner, TypeScriptScanner
from loaders.source.kotlin import KotlinScanner
from loaders.source.minified import minified_reason
from loaders.source.python import PythonScanner
from planner.reachability.records import SourceFileScan

SCANNERS: tuple[LanguageScanner, ...] = (
    JavaScanner(),
    KotlinScanner(),
    JavaScriptScanner(),
    TypeScriptScanner(),
    TsxScanner(),
    PythonScanner(),
    GoScanner(),
)
_BOM = b"\xef\xbb\xbf"
_PARSERS: dict[int, tree_sitter.Parser] = {}


def scanner_for(path: str) -> LanguageScanner | None:
    """The scanner that reads ``path`` (by its name), or None."""
    return next((s for s in SCANNERS if s.matches(path)), None)


def scan_source(data: bytes, path: str, *, max_bytes: int = MAX_SOURCE_BYTES) -> SourceFileScan:
    """Scan one source file (``path`` is how it is shown in warnings and records).

    Skipped, with the reason in ``skipped`` and a warning: no scanner for the name, more than
    ``max_bytes``, binary content, generated code, minified JavaScript. Read with a warning: bytes
    that are not UTF-8 (replaced), syntax errors (the rest of the tree is still read).
    """
    scanner = scanner_for(path)
    scope = scope_of(path)
    if scanner is None:
        return _skipped(path, "", scope, "no source scanner for this file name")
    language = scanner.language
    if len(data) > max_bytes:
        return _skipped(
            path, language, scope, f"{len(data):,} bytes, over the {max_bytes:,}-byte limit for a source file"
        )
    if b"\x00" in data[:8192]:
        return _skipped(path, language, scope, "binary content (NUL bytes), not source text")
    warnings: list[str] = []
    data = _as_utf8(data, path, warnings)
    marker = generated_marker(data)
    if marker is not None:
        return _skipped(path, language, scope, f"generated code ({marker!r})")
    if scanner.may_be_minified:
        reason = minified_reason(path, data)
        if reason is not None:
            return _skipped(path, language, scope, reason)
    tree = _parser(scanner, path).parse(data)
    root = tree.root_node
    if root.has_error:
        err = first_error(root)
        if err is not None:
            line, col = err.start_point
            warnings.append(f"{path}:{line + 1}: syntax error at column {col + 1}; the rest of the file was read")
    facts = scanner.read(root, data)
    facts.imports.sort(key=lambda i: (i.line, i.target))
    facts.calls.sort(key=lambda c: (c.line, c.column, c.symbol))
    facts.open_calls.sort(key=lambda c: (c.line, c.column))
    return SourceFileScan(
        path,
        language,
        scope,
        facts.namespace,
        tuple(facts.imports),
        tuple(facts.calls),
        tuple(warnings),
        types=tuple(facts.types),
        open_calls=tuple(facts.open_calls),
    )


def skipped_scan(path: str, reason: str) -> SourceFileScan:
    """The scan of a file that could not be read at all (``reason`` says why)."""
    scanner = scanner_for(path)
    return _skipped(path, scanner.language if scanner else "", scope_of(path), reason)


def _skipped(path: str, language: str, scope: str, reason: str) -> SourceFileScan:
    return SourceFileScan(path, language, scope, warnings=(f"{path}: {reason}; skipped",), skipped=reason)


def _as_utf8(data: bytes, path: str, warnings: list[str]) -> bytes:
    """The bytes as valid UTF-8: a BOM becomes spaces (columns stay), undecodable bytes are replaced."""
    if data.startswith(_BOM):
        data = b"   " + data[3:]
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        warnings.append(
            f"{path}:{line}: not UTF-8 (byte 0x{data[exc.start]:02x}); undecodable bytes replaced and the file read"
        )
        data = data.decode("utf-8", "replace").encode("utf-8")
    return data


def _parser(scanner: LanguageScanner, path: str) -> tree_sitter.Parser:
    language = scanner.language_for(path)
    key = id(language)
    parser = _PARSERS.get(key)
    if parser is None:
        parser = _PARSERS[key] = tree_sitter.Parser(language)
    return parser
