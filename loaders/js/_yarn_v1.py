"""A parser for Yarn v1's own lockfile syntax (not YAML).

::

    "@babel/code-frame@^7.0.0", "@babel/code-frame@^7.12.13":
      version "7.29.0"
      dependencies:
        js-tokens "^4.0.0"

Blocks nest by two-space indentation; a line ending in ``:`` opens a block whose key may be a
comma-separated list of (quoted or bare) strings; other lines are ``key value``. Strings use JSON
escapes. The result maps each header (the comma-joined keys) to ``(keys, fields, line)``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from planner.errors import ParseError
from planner.model import ParseWarning, Source

MAX_DEPTH = 16


@dataclass(slots=True)
class Block:
    """One top-level entry: its keys (descriptors), fields and header line."""

    keys: tuple[str, ...]
    fields: dict[str, Any]
    line: int


def _tokens(line: str, lineno: int, source: Source) -> tuple[list[str], bool]:
    """The string tokens of one line (commas dropped) and whether it ends with a block colon."""
    out: list[str] = []
    i, n = 0, len(line)
    colon = False
    while i < n:
        c = line[i]
        if c in " \t" or c == ",":
            i += 1
        elif c == '"':
            try:
                value, i = json.decoder.scanstring(line, i + 1)  # type: ignore[attr-defined]
            except (json.JSONDecodeError, ValueError):
                raise ParseError(source.display, lineno, "unterminated or invalid string") from None
            out.append(value)
        elif c == ":" and line[i + 1 :].strip() == "":
            colon = True
            i = n
        elif c == "#" and not out:
            i = n
        else:
            j = i
            while j < n and line[j] not in " \t," and not (line[j] == ":" and line[j + 1 :].strip() == ""):
                j += 1
            out.append(line[i:j])
            i = j
    return out, colon


def parse_v1(text: str, source: Source, warnings: list[ParseWarning]) -> list[Block]:
    """Parse a Yarn v1 lockfile into its top-level blocks (``ParseError`` on a syntax error)."""
    blocks: list[Block] = []
    stack: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for lineno, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(raw) - len(raw.lstrip(" "))
        if raw[indent : indent + 1] == "\t":
            raise ParseError(source.display, lineno, "tab indentation is not allowed")
        if indent % 2:
            raise ParseError(source.display, lineno, f"odd indentation ({indent} spaces)")
        level = indent // 2
        if level > len(stack):
            raise ParseError(source.display, lineno, "unexpected indentation")
        del stack[level:]
        tokens, is_block = _tokens(raw, lineno, source)
        if not tokens:
            raise ParseError(source.display, lineno, "expected a key")
        if level == 0:
            if not is_block:
                raise ParseError(
                    source.display, lineno, f"expected an entry header ending in ':', got {stripped[:40]!r}"
                )
            header = ", ".join(tokens)
            if header in seen:
                warnings.append(ParseWarning(source.display, lineno, f"duplicate entry {header!r}: last one used"))
            seen[header] = lineno
            fields: dict[str, Any] = {}
            blocks.append(Block(tuple(tokens), fields, lineno))
            stack.append(fields)
            continue
        if level >= MAX_DEPTH:
            raise ParseError(source.display, lineno, "nested too deeply")
        parent = stack[-1]
        if is_block:
            child: dict[str, Any] = {}
            for key in tokens:
                parent[key] = child
            stack.append(child)
        elif len(tokens) == 2:
            parent[tokens[0]] = tokens[1]
        elif len(tokens) == 1:
            parent[tokens[0]] = True
        else:
            raise ParseError(source.display, lineno, f"expected 'key value', got {stripped[:40]!r}")
    return blocks
