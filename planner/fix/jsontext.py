"""JSON with positions: where each value of a ``package.json`` is written, so that an edit replaces one
string or inserts one member and leaves the rest of the text (key order, spacing, line endings,
a missing final newline) exactly as it was."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from json.decoder import scanstring

from planner.fix.model import FixError
from planner.fix.text import Lines, newline

MAX_DEPTH = 64
_WS = re.compile(r"[ \t\r\n]*")
_SCALAR = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null")


@dataclass(slots=True)
class Node:
    """A JSON value and its span ``[start, end)``; objects keep their members in written order."""

    kind: str  # object | array | string | scalar
    start: int
    end: int
    value: object = None  # the decoded string, for strings
    members: list[tuple[str, Node]] = field(default_factory=list)

    def get(self, key: str) -> Node | None:
        """The value of member ``key`` (the last one when a key repeats, as JSON parsers read it)."""
        found = None
        for k, v in self.members:
            if k == key:
                found = v
        return found


def parse(text: str, path: str) -> Node:
    """The tree of ``text``; malformed JSON is a :class:`FixError` at its line."""
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        raise FixError(path, exc.lineno, f"malformed JSON: {exc.msg}") from None
    except RecursionError:
        raise FixError(path, 1, "JSON nested too deeply") from None
    node, _ = _value(text, _WS.match(text, 0).end(), 0)  # type: ignore[union-attr]
    if node.kind != "object":
        raise FixError(path, 1, "the top level is not a JSON object")
    return node


def _value(text: str, i: int, depth: int) -> tuple[Node, int]:
    if depth > MAX_DEPTH:
        raise RecursionError
    ch = text[i]
    if ch == '"':
        value, end = scanstring(text, i + 1)
        return Node("string", i, end, value), end
    if ch in "{[":
        return _container(text, i, depth)
    m = _SCALAR.match(text, i)
    assert m is not None  # json.loads accepted the text
    return Node("scalar", i, m.end()), m.end()


def _container(text: str, i: int, depth: int) -> tuple[Node, int]:
    is_object = text[i] == "{"
    node = Node("object" if is_object else "array", i, i)
    close = "}" if is_object else "]"
    j = _WS.match(text, i + 1).end()  # type: ignore[union-attr]
    while text[j] != close:
        key = ""
        if is_object:
            key, j = scanstring(text, j + 1)
            j = _WS.match(text, j).end()  # type: ignore[union-attr]
            j = _WS.match(text, j + 1).end()  # past ':'
        child, j = _value(text, j, depth + 1)
        node.members.append((key, child))
        j = _WS.match(text, j).end()  # type: ignore[union-attr]
        if text[j] == ",":
            j = _WS.match(text, j + 1).end()  # type: ignore[union-attr]
    node.end = j + 1
    return node, j + 1


def replace_string(text: str, node: Node, value: str) -> str:
    """``text`` with the string ``node`` replaced by ``value`` (JSON-escaped, quotes kept)."""
    return text[: node.start] + json.dumps(value, ensure_ascii=False) + text[node.end :]


def add_member(text: str, obj: Node, key: str, value: str, unit: str) -> tuple[str, int]:
    """``text`` with ``"key": value`` (``value`` is JSON text, possibly several lines joined by ``\\n``)
    appended to the object ``obj``, laid out like the file: one member per line, indented one
    ``unit`` deeper than the line that opens the object. Returns the new text and the member's line."""
    lines = Lines(text)
    nl = newline(text)
    open_line = lines.line_of(obj.start)
    inner = lines.indent(open_line) + unit
    if obj.members and lines.line_of(obj.members[-1][1].start) == open_line:  # a one-line object
        inner = None
    body = value.replace("\n", nl + (inner or ""))
    member = f"{json.dumps(key, ensure_ascii=False)}: {body}"
    if obj.members:
        last = obj.members[-1][1]
        if inner is None:
            new = text[: last.end] + ", " + member + text[last.end :]
            return new, open_line
        new = text[: last.end] + "," + nl + inner + member + text[last.end :]
        return new, lines.line_of(last.end) + 1
    if inner is None or lines.line_of(obj.end - 1) == open_line:  # "{}": open it up
        closing = lines.indent(open_line)
        new = text[: obj.start + 1] + nl + (inner or unit) + member + nl + closing + text[obj.end - 1 :]
        return new, open_line + 1
    new = text[: obj.start + 1] + nl + inner + member + text[obj.start + 1 :]
    return new, open_line + 1


def line_of(text: str, node: Node) -> int:
    """The line a value starts on."""
    return Lines(text).line_of(node.start)
