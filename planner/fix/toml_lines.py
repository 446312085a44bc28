"""TOML read line by line for splicing (``pyproject.toml``, ``Cargo.toml``, ``libs.versions.toml``).

``tomllib`` checks that the file is TOML; this module then says, for each line, which table it is
in and where its quoted strings are, so that an editor can replace one string and nothing else.
Multi-line strings are not looked into (no dependency is written in one).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass

from planner.fix.model import FixError
from planner.fix.text import Lines

_HEADER = re.compile(r"^\s*\[(\[)?\s*([^\[\]]+?)\s*\]\]?\s*(#.*)?$")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'')
_KEY_PART = re.compile(r"""\s*("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+)\s*""")
_TOML_LINE = re.compile(r"at line (\d+)")


@dataclass(frozen=True, slots=True)
class Str:
    """A quoted string on one line: its value and the span of its contents (quotes excluded)."""

    line: int
    value: str
    start: int  # offset in the whole text
    end: int
    column: int  # of the opening quote in its line


@dataclass(frozen=True, slots=True)
class Line:
    """One line of the file: its number, the table it is in (dotted keys) and its text."""

    number: int
    table: tuple[str, ...]
    text: str
    strings: tuple[Str, ...]

    def key(self) -> tuple[str, ...] | None:
        """The dotted key this line assigns (``name = ...``, ``name.workspace = ...``), or None."""
        keys: list[str] = []
        pos = 0
        while True:
            m = _KEY_PART.match(self.text, pos)
            if m is None:
                return None
            keys.append(unquote(m.group(1)))
            pos = m.end()
            if self.text[pos : pos + 1] == ".":
                pos += 1
                continue
            return tuple(keys) if self.text[pos : pos + 1] == "=" else None


def check(text: str, path: str) -> None:
    """Raise a :class:`FixError` at the line tomllib names when ``text`` is not TOML."""
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = _TOML_LINE.search(str(exc))
        raise FixError(path, int(m.group(1)) if m else 1, f"not TOML: {exc}") from None


def read(text: str, path: str) -> list[Line]:
    """Every line with its table and strings (the text must be TOML)."""
    check(text, path)
    lines = Lines(text)
    out = []
    table: tuple[str, ...] = ()
    multiline: str | None = None  # the delimiter of the multi-line string the line is inside
    for n in range(1, lines.count + 1):
        raw = lines.line_text(n)
        if multiline is not None or _opens_multiline(raw) is not None:
            if multiline is None:
                multiline = _opens_multiline(raw)
            elif raw.count(multiline) % 2:
                multiline = None
            out.append(Line(n, table, "", ()))
            continue
        header = _HEADER.match(raw)
        if header is not None and not raw.lstrip().startswith(("'", '"')):
            table = split_key(header.group(2))
        base = lines.start(n)
        strings = []
        for m in _STRING.finditer(raw):
            if "#" in raw[: m.start()] and _in_comment(raw, m.start()):
                break  # a quote inside a comment
            strings.append(Str(n, unquote(m.group(0)), base + m.start() + 1, base + m.end() - 1, m.start()))
        out.append(Line(n, table, raw, tuple(strings)))
    return out


def _opens_multiline(raw: str) -> str | None:
    """The delimiter of a multi-line string the line opens and leaves open, if any."""
    for delimiter in ('"""', "'''"):
        if raw.count(delimiter) % 2 == 1:
            return delimiter
    return None


def split_key(text: str) -> tuple[str, ...]:
    """``target.'cfg(unix)'.dependencies`` -> ``("target", "cfg(unix)", "dependencies")``."""
    parts = []
    pos = 0
    while pos < len(text):
        m = _KEY_PART.match(text, pos)
        if m is None:
            break
        parts.append(unquote(m.group(1)))
        pos = m.end() + 1  # past the dot
    return tuple(parts)


def unquote(token: str) -> str:
    """A TOML key or basic/literal string without its quotes (basic-string escapes decoded)."""
    if token.startswith("'"):
        return token[1:-1]
    if token.startswith('"'):
        try:
            return tomllib.loads(f"x = {token}")["x"]
        except tomllib.TOMLDecodeError:
            return token[1:-1]
    return token


def after_key(line: Line, name: str) -> Str | None:
    """The string right after ``name =`` on the line (``version = "1.2"`` inside an inline table)."""
    for m in re.finditer(rf"(?:^|[{{,\s]){re.escape(name)}\s*=\s*", line.text):
        for s in line.strings:
            if s.column == m.end():
                return s
    return None


def _in_comment(raw: str, pos: int) -> bool:
    """Whether ``pos`` is after a ``#`` that is outside strings."""
    i = 0
    while i < pos:
        ch = raw[i]
        if ch == "#":
            return True
        if ch in "\"'":
            m = _STRING.match(raw, i)
            if m is None:
                return False
            i = m.end()
            continue
        i += 1
    return False
