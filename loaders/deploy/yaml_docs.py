"""A safe, bounded multi-document YAML reader for deployment descriptors, with line numbers.

* Documents are split on ``---`` lines first and each is read on its own, so one broken document
  (often Helm ``{{ }}`` template syntax) costs only itself: it becomes a ``path:line`` warning.
* Nodes are composed with PyYAML's safe composer (libyaml when built); the size of each document
  with aliases expanded is measured before anything is built, so alias bombs are refused quickly.
* Mappings become :class:`YMap` (a ``dict`` that also knows the line of each key) and sequences
  :class:`YList` (a ``list`` that knows the line of each item). Unknown tags (``!Ref``) are read as
  plain strings. Nothing is ever constructed as a Python object.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor

from planner.model import ParseWarning, Source

#: the most nodes one document may expand to with its aliases
MAX_EXPANDED_NODES = 1_000_000
#: the most documents read from one file
MAX_DOCUMENTS = 200_000
_SEPARATOR = re.compile(r"^(?:---|\.\.\.)(?:[ \t].*)?$")
_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YMap(dict):
    """A mapping that remembers its own line and the line of each key (1-based)."""

    __slots__ = ("line", "lines")

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.lines: dict[Any, int] = {}

    def line_of(self, key: Any) -> int:
        """The line of ``key``, else of the mapping."""
        return self.lines.get(key, self.line)


class YList(list):
    """A sequence that remembers its own line and the line of each item."""

    __slots__ = ("line", "lines")

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.lines: list[int] = []

    def line_of(self, index: int) -> int:
        """The line of item ``index``, else of the sequence."""
        return self.lines[index] if 0 <= index < len(self.lines) else self.line


@dataclass(slots=True)
class Document:
    """One YAML document of a file: its first line and its value (None for an empty document)."""

    line: int
    value: Any
    text: str


class TooLarge(Exception):
    """A document expands beyond :data:`MAX_EXPANDED_NODES` (an alias bomb)."""


def line_of(value: Any, key: Any = None, default: int | None = None) -> int | None:
    """The line of ``value[key]`` (or of ``value``) when the reader recorded it."""
    if isinstance(value, YMap):
        return value.line_of(key) if key is not None else value.line
    if isinstance(value, YList):
        return value.line_of(key) if isinstance(key, int) else value.line
    return default


def split_documents(text: str) -> Iterator[tuple[int, str]]:
    """``(first line, text)`` of each ``---``-separated document; the text keeps its leading blank
    lines out so that line numbers stay exact when added to the first line."""
    start = 1
    buf: list[str] = []
    for n, line in enumerate(text.split("\n"), 1):
        if _SEPARATOR.match(line):
            if any(b.strip() and not b.lstrip().startswith("#") for b in buf):
                yield start, "\n".join(buf)
            rest = line[3:].strip()
            buf = [rest] if rest and not rest.startswith("#") and line.startswith("---") else []
            start = n if buf else n + 1
        else:
            buf.append(line)
    if any(b.strip() and not b.lstrip().startswith("#") for b in buf):
        yield start, "\n".join(buf)


def read_documents(
    text: str,
    source: Source,
    warnings: list[ParseWarning],
    *,
    template_hint: str = "template syntax ({{ }}) in a YAML document; document skipped",
) -> list[Document]:
    """Every readable document of ``text``; unreadable ones become warnings (never raises)."""
    docs: list[Document] = []
    for first, chunk in split_documents(text):
        if len(docs) >= MAX_DOCUMENTS:
            warnings.append(ParseWarning(source.display, first, f"more than {MAX_DOCUMENTS:,} documents; rest skipped"))
            break
        tpl = _template_line(chunk) if "{{" in chunk else None
        if tpl is not None:
            warnings.append(ParseWarning(source.display, first + tpl, template_hint))
            continue
        try:
            value = load_one(chunk, first)
        except TooLarge:
            warnings.append(
                ParseWarning(source.display, first, "document expands beyond the size limit (alias bomb?); skipped")
            )
            continue
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
            line = first + mark.line if mark is not None else first
            if "{{" in chunk:
                tpl = next((first + i for i, ln in enumerate(chunk.split("\n")) if "{{" in ln), line)
                warnings.append(ParseWarning(source.display, tpl, template_hint))
            else:
                problem = getattr(exc, "problem", None) or "malformed YAML"
                warnings.append(ParseWarning(source.display, line, f"malformed YAML ({problem}); document skipped"))
            continue
        except (RecursionError, ValueError, TypeError, OverflowError) as exc:
            warnings.append(ParseWarning(source.display, first, f"unreadable YAML document ({exc}); skipped"))
            continue
        if value is not None:
            docs.append(Document(first, value, chunk))
    return docs


def _template_line(chunk: str) -> int | None:
    """The 0-based line offset of the first ``{{`` outside quotes and comments, if any."""
    for i, line in enumerate(chunk.split("\n")):
        pos = line.find("{{")
        if pos < 0:
            continue
        before = line[:pos]
        if "#" in before.split("'")[0].split('"')[0]:
            continue
        if before.count('"') % 2 == 0 and before.count("'") % 2 == 0:
            return i
    return None


def load_one(chunk: str, first_line: int = 1) -> Any:
    """Read one YAML document into plain values with line numbers (raises ``yaml.YAMLError``,
    :class:`TooLarge`)."""
    loader = _Loader(chunk)
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    if node is None:
        return None
    _measure(node)
    return _Builder(first_line - 1).build(node)


def _measure(root: yaml.Node) -> None:
    """Refuse a node graph whose alias-expanded size exceeds the limit (iterative, memoised)."""
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    on_path: set[int] = set()
    while stack:
        node, done = stack.pop()
        nid = id(node)
        if done:
            on_path.discard(nid)
            total = 1
            if isinstance(node, yaml.MappingNode):
                for k, v in node.value:
                    total += sizes.get(id(k), 1) + sizes.get(id(v), 1)
            elif isinstance(node, yaml.SequenceNode):
                for v in node.value:
                    total += sizes.get(id(v), 1)
            if total > MAX_EXPANDED_NODES:
                raise TooLarge
            sizes[nid] = total
            continue
        if nid in sizes:
            continue
        if nid in on_path:  # a recursive alias: refuse
            raise TooLarge
        on_path.add(nid)
        stack.append((node, True))
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                stack.extend(((k, False), (v, False)))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((v, False) for v in node.value)


class _Builder:
    """Nodes -> YMap/YList/scalars (shared nodes stay shared objects, so aliases cost nothing)."""

    def __init__(self, offset: int) -> None:
        self.offset = offset
        self.memo: dict[int, Any] = {}
        self.scalars = SafeConstructor()

    def build(self, node: yaml.Node) -> Any:
        """Build iteratively-enough: nesting depth is bounded by the composer itself."""
        nid = id(node)
        if nid in self.memo:
            return self.memo[nid]
        line = node.start_mark.line + 1 + self.offset
        if isinstance(node, yaml.MappingNode):
            out = YMap(line)
            self.memo[nid] = out
            for k, v in self._merged(node):
                key = self.build(k)
                try:
                    hash(key)
                except TypeError:
                    key = str(key)
                out[key] = self.build(v)
                out.lines[key] = k.start_mark.line + 1 + self.offset
            return out
        if isinstance(node, yaml.SequenceNode):
            seq = YList(line)
            self.memo[nid] = seq
            for v in node.value:
                seq.append(self.build(v))
                seq.lines.append(v.start_mark.line + 1 + self.offset)
            return seq
        try:
            value = self.scalars.construct_object(node)
        except (ConstructorError, ValueError, TypeError, OverflowError):
            value = node.value
        self.memo[nid] = value
        return value

    def _merged(self, node: yaml.MappingNode) -> list[tuple[yaml.Node, yaml.Node]]:
        """Key/value pairs with ``<<`` merge keys applied (explicit keys win)."""
        pairs: list[tuple[yaml.Node, yaml.Node]] = []
        merged: list[tuple[yaml.Node, yaml.Node]] = []
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.tag == "tag:yaml.org,2002:merge":
                sources = v.value if isinstance(v, yaml.SequenceNode) else [v]
                for s in sources:
                    if isinstance(s, yaml.MappingNode):
                        merged.extend(self._merged(s))
            else:
                pairs.append((k, v))
        return merged + pairs


def text_at(value: Any, *keys: Any) -> Any:
    """``value[k1][k2]…`` or None when any step is missing or of the wrong type."""
    for k in keys:
        if isinstance(value, dict):
            value = value.get(k)
        elif isinstance(value, list) and isinstance(k, int) and -len(value) <= k < len(value):
            value = value[k]
        else:
            return None
    return value
