"""Maven property interpolation with provenance.

``${name}`` is looked up among the model's pseudo-properties (``project.version``,
``project.groupId``, ``project.parent.version`` ...), then the properties inherited down the
parent chain (a child's definition wins). ``${env.X}`` and anything else unknown stays
unresolved: a loader never sees the build's environment or command line. Every value remembers
where it was set (the property definition, or the ``<version>`` element for a literal), which
is the place to edit when the version has to change, and the property defined there (``log4j2.version``
for ``${log4j2.version}``), which is what to change.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from planner.model import Location

EXPRESSION = re.compile(r"\$\{([^${}]*)\}")
MAX_VALUE = 100_000  # characters: interpolation must not be a way to build gigabyte strings

# Maven 2 spellings that Maven 3 still resolves (with a deprecation warning) when no property has the name.
_LEGACY = {"version": "project.version", "groupId": "project.groupId", "artifactId": "project.artifactId"}


@dataclass(frozen=True, slots=True)
class Value:
    """An interpolated text: ``value`` None when some expression is unresolved (``unresolved`` = the text);
    ``property`` = the property whose definition is the ``origin`` (None for a literal, and for the
    ``project.*`` model values, which are elements, not properties)."""

    value: str | None
    origin: Location | None = None
    unresolved: str | None = None
    property: str | None = None


#: (value, where it is written, the property written there)
_Found = tuple[str | None, Location | None, str | None]


def _editable(name: str | None) -> str | None:
    """A property a person edits; the ``project.*``/``pom.*`` model values are elements, not properties."""
    return None if name is None or name.startswith(("project.", "pom.")) else name


@dataclass(frozen=True, slots=True)
class Definition:
    """A property (or pseudo-property) definition: its raw text and where it is written."""

    text: str
    location: Location | None


class Interpolator:
    """Resolves ``${...}`` against a fixed set of definitions; cycles become a warning."""

    def __init__(self, definitions: Mapping[str, Definition], warn: Callable[[str], None]) -> None:
        self._defs = definitions
        self._warn = warn
        self._memo: dict[str, _Found] = {}

    def overlay(self, extra: Mapping[str, Definition]) -> Interpolator:
        """A new interpolator where ``extra`` overrides these definitions (a profile's properties)."""
        if not extra:
            return self
        merged = dict(self._defs)
        for name, d in extra.items():
            if not name.startswith(("project.", "pom.")):
                merged[name] = d
        return Interpolator(merged, self._warn)

    def __call__(self, text: str | None, where: Location | None = None) -> Value:
        """Interpolate ``text`` written at ``where``; a text without expressions is its own origin."""
        if text is None:
            return Value(None)
        value, origin, prop = self._expand(text, where, ())
        return Value(value, origin, text if value is None else None, _editable(prop))

    def lookup(self, name: str) -> Value:
        """The value of one property (``log4j.version``)."""
        value, origin, prop = self._property(name, ())
        return Value(value, origin, None if value is not None else "${" + name + "}", _editable(prop))

    def _expand(self, text: str, where: Location | None, stack: tuple[str, ...]) -> _Found:
        if "${" not in text:
            return text, where, None
        out: list[str] = []
        pos = 0
        origin: Location | None = None
        prop: str | None = None
        first = True
        ok = True
        size = 0
        for m in EXPRESSION.finditer(text):
            out.append(text[pos : m.start()])
            value, loc, found = self._property(m.group(1).strip(), stack)
            if first:
                origin, prop, first = loc, found, False
            if value is None:
                ok = False
            else:
                out.append(value)
                size += len(value)
                if size > MAX_VALUE:
                    self._warn(f"expanding {text[:60]!r} gives over {MAX_VALUE:,} characters; left unresolved")
                    return None, origin, prop
            pos = m.end()
        out.append(text[pos:])
        if not ok:
            return None, origin, prop
        return "".join(out), origin, prop

    def _property(self, name: str, stack: tuple[str, ...]) -> _Found:
        if name in self._memo:
            return self._memo[name]
        if name in stack:
            cycle = " -> ".join((*stack[stack.index(name) :], name))
            self._warn(f"property cycle {cycle}; left unresolved")
            return None, None, None
        d, defined = self._defs.get(name), name
        if d is None and name.startswith("pom."):
            d, defined = self._defs.get("project." + name[4:]), "project." + name[4:]
        if d is None and name in _LEGACY:
            d, defined = self._defs.get(_LEGACY[name]), _LEGACY[name]
        if d is None or name.startswith("env."):
            result: _Found = (None, None, None)
        else:
            value, origin, inner = self._expand(d.text, d.location, (*stack, name))
            result = (value, origin, inner or defined)  # the innermost property holds the text to edit
        # Definitions are fixed, so a name's value does not depend on the path that reached it: a
        # name that is part of (or leads into) a cycle is unresolvable from everywhere.
        self._memo[name] = result
        return result
