"""A bounded, safe YAML reader for JavaScript lockfiles (pnpm-lock.yaml, Yarn Berry yarn.lock).

``yaml.load`` with a ``SafeLoader``-family subclass (the libyaml-backed ``CSafeLoader`` when it is
built, which shares ``SafeConstructor``) that:

* refuses documents whose alias expansion would be huge (billion laughs): the composed node graph
  is measured with aliases expanded, memoised per node, before anything is constructed;
* refuses unknown/custom tags (``!!python/object``) as a ``ParseError`` with the line;
* records duplicate mapping keys (the last one wins, as YAML readers do) so the caller can warn.
"""

from __future__ import annotations

from typing import Any

import yaml

from planner.errors import ParseError
from planner.model import ParseWarning, Source

#: the most nodes a document may expand to (aliases counted as copies); real lockfiles are far below
MAX_EXPANDED_NODES = 5_000_000
#: the most alias references a document may hold
MAX_ALIASES = 10_000

_Base: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class BoundedSafeLoader(_Base):  # type: ignore[misc, valid-type]
    """SafeLoader that guards alias bombs and remembers duplicate keys."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates: list[tuple[str, int]] = []

    def construct_document(self, node: yaml.Node) -> Any:
        """Measure the expanded size of ``node`` first, then construct it."""
        _check_size(node)
        return super().construct_document(node)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        """Like SafeConstructor's, but records duplicate scalar keys with their line."""
        if isinstance(node, yaml.MappingNode):
            seen: set[Any] = set()
            for key_node, _ in node.value:
                if isinstance(key_node, yaml.ScalarNode):
                    key = key_node.value
                    if key in seen and key != "<<":
                        self.duplicates.append((key, key_node.start_mark.line + 1))
                    seen.add(key)
        return super().construct_mapping(node, deep=deep)


BoundedSafeLoader.add_constructor(None, BoundedSafeLoader.construct_undefined)


def _check_size(root: yaml.Node) -> None:
    sizes: dict[int, int] = {}
    refs: dict[int, int] = {}
    # iterative post-order walk over the node graph (shared nodes = aliases)
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    on_path: set[int] = set()
    while stack:
        node, done = stack.pop()
        nid = id(node)
        if done:
            on_path.discard(nid)
            total = 1
            for child in _children(node):
                total += sizes.get(id(child), 1)
                if total > MAX_EXPANDED_NODES:
                    raise _too_big(node)
            sizes[nid] = total
            continue
        if nid in sizes:
            refs[nid] = refs.get(nid, 0) + 1
            if sum(refs.values()) > MAX_ALIASES:
                raise _too_big(node, "too many aliases")
            continue
        if nid in on_path:
            raise _too_big(node, "recursive alias")
        on_path.add(nid)
        stack.append((node, True))
        for child in _children(node):
            stack.append((child, False))


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


class _YamlTooBig(yaml.YAMLError):
    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason


def _too_big(node: yaml.Node, reason: str = "alias expansion too large") -> _YamlTooBig:
    return _YamlTooBig(node.start_mark.line + 1, f"YAML refused: {reason} (possible alias bomb)")


def load_yaml(text: str, source: Source, warnings: list[ParseWarning]) -> Any:
    """Parse one YAML document safely; syntax errors, bombs and custom tags raise ``ParseError``."""
    loader = BoundedSafeLoader(text)
    try:
        data = loader.get_single_data()
    except _YamlTooBig as exc:
        raise ParseError(source.display, exc.line, exc.reason) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = exc.problem or exc.context or "syntax error"
        raise ParseError(source.display, line, f"malformed YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise ParseError(source.display, 1, f"malformed YAML: {exc}") from None
    except RecursionError:
        raise ParseError(source.display, 1, "YAML nested too deeply") from None
    finally:
        loader.dispose()
    for key, line in sorted(set(loader.duplicates), key=lambda d: (d[1], str(d[0]))):
        warnings.append(ParseWarning(source.display, line, f"duplicate key {key!r}: last one used"))
    return data
