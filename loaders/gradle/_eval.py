"""Static evaluation of the few Gradle script expressions a dependency declaration uses.

Nothing is executed. A value is known only when it is a string literal, a template whose parts are
known, a ``+`` of known parts, or a name bound statically: ``val``/``var``/``def``/``String`` locals and
``ext``/``extra`` properties of the same script, ``ext`` properties of the root project's script,
``gradle.properties`` of the project and of the root, and version-catalog entries
(``libs.versions.x``, ``libs.x.y``). Everything else (a function call, a ternary, a value another
plugin sets) evaluates to :class:`Unknown` carrying the expression as written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from loaders.gradle import _lex as lex
from loaders.gradle._project import accessor_key, read_properties, statement_end
from loaders.gradle.catalog import Catalog, CatalogLibrary
from planner.model import Location

_LOCAL_KEYWORDS = ("val", "var", "def")
_GROOVY_TYPES = ("String", "GString", "CharSequence")
_NOT_DEPENDENCIES = ("files", "fileTree", "gradleApi", "localGroovy", "gradleTestKit", "layout")
MAX_DEPTH = 24


@dataclass(frozen=True, slots=True)
class Text:
    """A string value: ``value`` keeps unknown template parts as written (``${x}``); ``unknown`` lists them."""

    value: str
    location: Location | None = None  # where a variable that set (part of) it is defined
    unknown: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Unknown:
    """A value that cannot be known without running the build: the expression as written."""

    expression: str


@dataclass(frozen=True, slots=True)
class Library:
    """A version-catalog library accessor (``libs.androidx.core.ktx``)."""

    catalog: str
    entry: CatalogLibrary | None
    accessor: str


@dataclass(frozen=True, slots=True)
class Bundle:
    """A version-catalog bundle accessor (``libs.bundles.x``)."""

    catalog: str
    entries: tuple[CatalogLibrary, ...] | None
    accessor: str


@dataclass(frozen=True, slots=True)
class ProjectRef:
    """``project(":x")`` (``path``) or ``projects.a.b`` (``accessor``)."""

    spec: str
    path: str | None = None
    accessor: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class Wrapped:
    """``platform(x)``, ``enforcedPlatform(x)``, ``testFixtures(x)``."""

    kind: str
    inner: object


@dataclass(frozen=True, slots=True)
class Ignored:
    """``files(...)``, ``fileTree(...)``, ``gradleApi()``: not a package."""

    what: str


@dataclass(slots=True)
class VarDef:
    """A statically visible binding: a local, an ``ext``/``extra`` property, or ``by project``."""

    name: str
    kind: str  # local | ext | prop
    start: int
    end: int
    line: int


@dataclass(slots=True)
class Scope:
    """One script and what it can see: its bindings, properties, the root script, the catalogs."""

    script: lex.Script
    path: str
    kotlin: bool
    defs: dict[str, list[VarDef]]
    props: dict[str, tuple[str, int]]
    props_path: str | None
    root: Scope | None = None
    root_props: dict[str, tuple[str, int]] = field(default_factory=dict)
    root_props_path: str | None = None
    catalogs: dict[str, Catalog] = field(default_factory=dict)
    visiting: set[tuple[str, str]] = field(default_factory=set)


def collect_defs(script: lex.Script) -> dict[str, list[VarDef]]:
    """Every static binding of a script: ``val x = ...``, ``def x = ...``, ``ext.x = ...``, ``ext { x = ... }``,
    ``extra["x"] = ...``, ``val x by extra(...)``, ``val x: String by project``."""
    toks, match = script.tokens, script.match
    n = len(toks)
    out: dict[str, list[VarDef]] = {}

    def add(name: str, kind: str, start: int, end: int, at: int) -> None:
        out.setdefault(name, []).append(VarDef(name, kind, start, end, script.token_line(at)))

    ext_ranges = []
    for label in ("ext", "apply", "run"):
        for o, c in lex.find_blocks(script, label):
            if label == "ext" or (o >= 3 and toks[o - 2].text == "." and toks[o - 3].text in ("extra", "ext")):
                ext_ranges.append((o, c))
    for i, t in enumerate(toks):
        if t.kind != lex.IDENT:
            continue
        prev = toks[i - 1] if i else None
        after_dot = prev is not None and prev.kind == lex.PUNCT and prev.text == "."
        if t.text in _LOCAL_KEYWORDS and i + 1 < n and toks[i + 1].kind == lex.IDENT and not after_dot:
            name = toks[i + 1].text
            j = i + 2
            while j < n and toks[j].kind != lex.NL and toks[j].text not in ("=", "by") and j < i + 8:
                j += 1
            if j < n and toks[j].text == "=":
                add(name, "local", j + 1, statement_end(script, j + 1), i)
            elif j < n and toks[j].text == "by" and j + 1 < n:
                src = toks[j + 1].text
                if src == "extra" and j + 2 < n and toks[j + 2].text == "(":
                    add(name, "ext", j + 3, min(match[j + 2], n), i)
                elif src in ("project", "rootProject", "settings"):
                    add(name, "prop", j + 1, j + 1, i)
        elif t.text in _GROOVY_TYPES and i + 2 < n and toks[i + 1].kind == lex.IDENT and toks[i + 2].text == "=":
            if not after_dot:
                add(toks[i + 1].text, "local", i + 3, statement_end(script, i + 3), i)
        elif t.text in ("ext", "extra") and i + 1 < n:
            nxt = toks[i + 1]
            if nxt.text == "." and i + 3 < n and toks[i + 2].kind == lex.IDENT and toks[i + 3].text == "=":
                add(toks[i + 2].text, "ext", i + 4, statement_end(script, i + 4), i)
            elif nxt.text == "[" and i + 4 < n and toks[i + 2].is_static_string and toks[i + 3].text == "]":
                if toks[i + 4].text == "=":
                    add(toks[i + 2].value, "ext", i + 5, statement_end(script, i + 5), i)
            elif nxt.text == "." and i + 4 < n and toks[i + 2].text == "set" and toks[i + 3].text == "(":
                _set_call(script, i + 3, add, i)
    for o, c in ext_ranges:
        i = o + 1
        while i < c:
            t = toks[i]
            start_of_statement = toks[i - 1].kind == lex.NL or toks[i - 1].text in ";{"
            if t.kind == lex.IDENT and start_of_statement:
                if i + 1 < c and toks[i + 1].text == "=":
                    add(t.text, "ext", i + 2, statement_end(script, i + 2), i)
                elif t.text == "set" and i + 1 < c and toks[i + 1].text == "(":
                    _set_call(script, i + 1, add, i)
                i = max(i + 1, statement_end(script, i))
            else:
                i += 1
    return out


def _set_call(script: lex.Script, paren: int, add, at: int) -> None:
    toks = script.tokens
    close = min(script.match[paren], len(toks))
    pieces = lex.split_top(script, paren + 1, close)
    if len(pieces) == 2 and pieces[0][1] - pieces[0][0] == 1 and toks[pieces[0][0]].is_static_string:
        add(toks[pieces[0][0]].value, "ext", pieces[1][0], pieces[1][1], at)


def evaluate(scope: Scope, start: int, end: int, depth: int = 0, script: lex.Script | None = None) -> object:
    """The value of tokens ``[start, end)`` of ``script`` (default: the scope's own), names looked up in the scope."""
    script = scope.script if script is None else script
    toks = script.tokens
    while start < end and toks[start].kind == lex.NL:
        start += 1
    while end > start and toks[end - 1].kind == lex.NL:
        end -= 1
    written = script.source_text(start, end)
    if start >= end or depth > MAX_DEPTH:
        return Unknown(written)
    plus = lex.split_top(script, start, end, "+")
    if len(plus) > 1:
        values = [evaluate(scope, a, b, depth + 1, script) for a, b in plus]
        if all(isinstance(v, Text) for v in values):
            loc = next((v.location for v in values if v.location), None)
            unknown = tuple(u for v in values for u in v.unknown)
            return Text("".join(v.value for v in values), loc, unknown)
        return Unknown(written)
    first = toks[start]
    if first.kind == lex.STRING and end == start + 1:
        return _template(scope, first, depth)
    if first.kind == lex.PUNCT and first.text == "(" and script.match[start] == end - 1:
        return evaluate(scope, start + 1, end - 1, depth + 1, script)
    if first.kind != lex.IDENT:
        return Unknown(written)
    return _reference(scope, script, start, end, written, depth)


def _template(scope: Scope, tok: lex.Token, depth: int) -> Text:
    pieces: list[str] = []
    unknown: list[str] = []
    loc = None
    for part in tok.parts:
        if not part.is_expr:
            pieces.append(part.text)
            continue
        value = evaluate_text(scope, part.text, depth + 1)
        if isinstance(value, Text) and not value.unknown:
            pieces.append(value.value)
            loc = value.location or loc
        else:
            as_written = "${" + part.text + "}"
            pieces.append(as_written)
            unknown.append(as_written)
    return Text("".join(pieces), loc, tuple(unknown))


def evaluate_text(scope: Scope, text: str, depth: int) -> object:
    """Evaluate a template expression (``${...}``) with the scope's names."""
    if depth > MAX_DEPTH or len(text) > 500:
        return Unknown(text)
    sub = lex.tokenize(text, scope.kotlin)
    return evaluate(scope, 0, len(sub.tokens), depth, sub)


def _chain(script: lex.Script, start: int, end: int) -> tuple[list[str], list[str | None]] | None:
    """``a.b["c"].d()`` → (names, the static string argument of a call or index after each name, if any)."""
    toks = script.tokens
    names: list[str] = []
    args: list[str | None] = []
    i = start
    while i < end:
        t = toks[i]
        if t.kind != lex.IDENT:
            return None
        names.append(t.text)
        args.append(None)
        i += 1
        while i < end and toks[i].kind == lex.PUNCT and toks[i].text in "([":
            close = script.match[i]
            inner = toks[i + 1 : close]
            if len(inner) == 1 and inner[0].is_static_string:
                args[-1] = inner[0].value
            elif inner:
                args[-1] = "\x00"  # a non-static argument
            else:
                args[-1] = args[-1] or ""
            i = close + 1
        while i < end and toks[i].kind == lex.PUNCT and toks[i].text in "?!":
            i += 1
        if i < end and toks[i].kind == lex.PUNCT and toks[i].text == ".":
            i += 1
            continue
        break
    return (names, args) if i == end and names else None


_PROVIDER_TAILS = ("get", "getOrNull", "toString", "asProvider", "orNull")


def _reference(scope: Scope, script: lex.Script, start: int, end: int, written: str, depth: int) -> object:
    toks = script.tokens
    head = toks[start].text
    if start + 1 < end and toks[start + 1].text == "(" and script.match[start + 1] < end:
        close = script.match[start + 1]
        tail = _chain(script, close + 2, end) if close + 1 < end and toks[close + 1].text == "." else None
        if close == end - 1 or (tail is not None and all(n in _PROVIDER_TAILS for n in tail[0])):
            call = _call(scope, script, head, start + 2, close, written, depth)
            if call is not None:
                return call
    parsed = _chain(script, start, end)
    if parsed is None:
        return Unknown(written)
    names, args = parsed
    while len(names) > 1 and names[-1] in _PROVIDER_TAILS:
        names.pop()
        args.pop()
    if names[0] in scope.catalogs and all(a is None for a in args):
        return _catalog_ref(scope, names, written)
    if names[0] == "projects" and len(names) > 1 and all(a is None for a in args):
        return ProjectRef(written, accessor=accessor_key(names[1:]))
    if names[0] == "providers" and len(names) == 2 and names[1] == "gradleProperty" and args[1]:
        return lookup(scope, args[1], written, False, depth) if args[1] != "\x00" else Unknown(written)
    root_only = False
    if names[0] in ("rootProject", "project") and len(names) > 1:
        root_only = names[0] == "rootProject"
        names, args = names[1:], args[1:]
    if names[0] in ("ext", "extra", "properties"):
        if len(names) == 1 and args[0] and args[0] != "\x00":
            return lookup(scope, args[0], written, root_only, depth)
        if len(names) == 2 and args[1] is None:
            return lookup(scope, names[1], written, root_only, depth)
        return Unknown(written)
    if names[0] in ("property", "findProperty") and len(names) == 1 and args[0] and args[0] != "\x00":
        return lookup(scope, args[0], written, root_only, depth)
    if len(names) == 1 and args[0] is None:
        return lookup(scope, names[0], written, root_only, depth)
    return Unknown(written)


def _call(scope: Scope, script: lex.Script, name: str, a: int, b: int, written: str, depth: int) -> object | None:
    pieces = lex.split_top(script, a, b)
    if name in ("platform", "enforcedPlatform", "testFixtures") and len(pieces) == 1:
        return Wrapped(name, evaluate(scope, pieces[0][0], pieces[0][1], depth + 1, script))
    if name == "project":
        named = named_args(script, pieces)
        target = dict(named).get("path") if named is not None else (pieces[0] if pieces else None)
        if target is None:
            return Unknown(written)
        p = evaluate(scope, target[0], target[1], depth + 1, script)
        return ProjectRef(written, path=p.value) if isinstance(p, Text) and not p.unknown else Unknown(written)
    if name in _NOT_DEPENDENCIES:
        return Ignored(name)
    if name == "kotlin" and 1 <= len(pieces) <= 2:
        module = evaluate(scope, pieces[0][0], pieces[0][1], depth + 1, script)
        if not isinstance(module, Text) or module.unknown:
            return Unknown(written)
        coords = f"org.jetbrains.kotlin:kotlin-{module.value}"
        if len(pieces) == 1:
            return Text(coords)
        version = evaluate(scope, pieces[1][0], pieces[1][1], depth + 1, script)
        if isinstance(version, Text):
            return Text(f"{coords}:{version.value}", version.location, version.unknown)
        as_written = "${" + script.source_text(*pieces[1]) + "}"
        return Text(f"{coords}:{as_written}", None, (as_written,))
    return None


def named_args(script: lex.Script, pieces: list[tuple[int, int]]) -> list[tuple[str, tuple[int, int]]] | None:
    """``key: value`` (Groovy) or ``key = value`` (Kotlin) arguments, or None when positional."""
    toks = script.tokens
    out = []
    for a, b in pieces:
        if b - a >= 3 and toks[a].kind == lex.IDENT and toks[a + 1].kind == lex.PUNCT and toks[a + 1].text in ":=":
            out.append((toks[a].text, (a + 2, b)))
        else:
            return out if out else None
    return out or None


def _catalog_ref(scope: Scope, names: list[str], written: str) -> object:
    catalog_name = names[0]
    catalog = scope.catalogs[catalog_name]
    rest = names[1:]
    if not rest:
        return Unknown(written)
    if rest[0] == "versions":
        found = catalog.version(".".join(rest[1:])) if len(rest) > 1 else None
        if found is None:
            return Unknown(written)
        return Text(found[0], Location(catalog.path, found[1]))
    if rest[0] == "bundles":
        members = catalog.bundles.get(".".join(rest[1:]))
        entries = tuple(catalog.libraries[m] for m in members) if members is not None else None
        return Bundle(catalog_name, entries, written)
    if rest[0] == "plugins":
        return Ignored("plugin")
    return Library(catalog_name, catalog.libraries.get(".".join(rest)), written)


def lookup(scope: Scope, name: str, written: str, root_only: bool, depth: int) -> object:
    """A name's value: own bindings, own ``gradle.properties``, root ``ext``, root ``gradle.properties``."""
    base = scope
    key = (base.path, name)
    if key in base.visiting or depth > MAX_DEPTH:
        return Unknown(written)
    if not root_only:
        found = _from_defs(base, name, written, depth, kinds=("local", "ext", "prop"))
        if found is not None:
            return found
        if name in base.props:
            value, line = base.props[name]
            return Text(value, Location(base.props_path or "gradle.properties", line))
    if base.root is not None:
        found = _from_defs(base.root, name, written, depth, kinds=("ext",))
        if found is not None:
            return found
    if name in base.root_props:
        value, line = base.root_props[name]
        return Text(value, Location(base.root_props_path or "gradle.properties", line))
    if root_only and name in base.props and base.root is None:
        value, line = base.props[name]
        return Text(value, Location(base.props_path or "gradle.properties", line))
    return Unknown(written)


def _from_defs(scope: Scope, name: str, written: str, depth: int, kinds: tuple[str, ...]) -> object | None:
    defs = [d for d in scope.defs.get(name, ()) if d.kind in kinds]
    if not defs:
        return None
    key = (scope.path, name)
    scope.visiting.add(key)
    try:
        values = []
        for d in defs:
            if d.kind == "prop":
                if name in scope.props:
                    value, line = scope.props[name]
                    values.append(Text(value, Location(scope.props_path or "gradle.properties", line)))
                elif name in scope.root_props:
                    value, line = scope.root_props[name]
                    values.append(Text(value, Location(scope.root_props_path or "gradle.properties", line)))
                else:
                    values.append(Unknown(written))
                continue
            v = evaluate(scope, d.start, d.end, depth + 1)
            if isinstance(v, Text):
                v = Text(v.value, v.location or Location(scope.path, d.line), v.unknown)
            values.append(v)
    finally:
        scope.visiting.discard(key)
    texts = {v.value for v in values if isinstance(v, Text) and not v.unknown}
    if len(values) == len([v for v in values if isinstance(v, Text) and not v.unknown]) and len(texts) == 1:
        return values[0]
    if len(values) == 1:
        return values[0] if isinstance(values[0], Text) else Unknown(written)
    return Unknown(written)  # bound more than once to different or unknown values


def properties_of(text: str | None) -> dict[str, tuple[str, int]]:
    """Re-export of the ``.properties`` reader for the build loader."""
    return read_properties(text)
