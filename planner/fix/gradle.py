"""Gradle build scripts (Groovy and Kotlin DSL) and ``gradle.properties``.

Bump: the version part of a ``"group:name:version"`` string, the ``version:`` of map notation, or
the variable that sets them (``ext``/``extra`` properties, ``def``/``val`` locals, a
``gradle.properties`` key). Override: a ``constraints { }`` entry with ``because`` (OpenRewrite's
shape), in the script's top-level ``dependencies { }`` block, updated when one exists already. The
script is tokenized with the loaders' Gradle lexer, which knows strings, templates and comments;
the edit replaces characters inside one string token.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from loaders.gradle import _lex as lex
from planner import purl as purls
from planner.fix.model import Change, Edit, FixError, on_line
from planner.fix.text import Lines, indent_unit, insert_before_line, splice

_PROPERTY_LINE = re.compile(r"^(\s*)([^\s=:#!][^=:]*?)(\s*[=:]\s*|\s+)(.*?)(\s*)$")


@dataclass(frozen=True, slots=True)
class _Site:
    """Characters ``[start, end)`` of the text hold the version (or a variable reference)."""

    start: int
    end: int
    value: str
    mechanism: str
    variable: str | None = None  # the value is ``$name`` / ``${name}`` / an identifier


def coordinates(change: Change) -> tuple[str, str]:
    """``(group, name)`` of a Maven package."""
    p = purls.parse(change.package)
    if p.type != "maven" or not p.namespace:
        raise FixError(change.path, change.line, f"{change.package} is not a Maven package")
    return p.namespace, p.name


def bump(text: str, change: Change) -> Edit:
    """Move the version where this script sets it."""
    script = lex.tokenize(text, change.path.endswith(".kts"))
    group, name = coordinates(change)
    if change.property:
        site = _variable(script, change.property)
        if site is None:
            raise FixError(change.path, change.line, f"{change.property} is not set in this script")
    else:
        site = _find(script, change.path, group, name, change.line)
    if site.variable is not None:
        var = _variable(script, site.variable)
        if var is None:
            raise FixError(
                change.path,
                script.line(site.start),
                f"the version is {site.value}, set outside this script (gradle.properties or the root script)",
            )
        site = var
    return _replace(text, change, site)


def bump_property(text: str, change: Change) -> Edit:
    """``gradle.properties``: the value of the key on ``change.line`` (or named ``change.property``)."""
    lines = Lines(text)
    for n in range(1, lines.count + 1):
        raw = lines.line_text(n)
        m = _PROPERTY_LINE.match(raw)
        if m is None or raw.lstrip().startswith(("#", "!")):
            continue
        if (change.property and m.group(2) == change.property) or (not change.property and n == change.line):
            start = lines.start(n) + m.start(4)
            return _replace(text, change, _Site(start, start + len(m.group(4)), m.group(4), "property", None))
    what = change.property or f"a property at line {change.line}"
    raise FixError(change.path, change.line, f"no {what} in this file")


def override(text: str, change: Change) -> Edit:
    """Add (or move) ``implementation("g:a:v") { because("...") }`` in ``dependencies { constraints { } }``."""
    kotlin = change.path.endswith(".kts")
    script = lex.tokenize(text, kotlin)
    group, name = coordinates(change)
    for site in _string_sites(script, group, name):
        if "constraints" in lex.enclosing_labels(script, site[0]):
            return _replace(text, change, site[1], "gradle-constraint")
    lines = Lines(text)
    unit = indent_unit(text)
    q = '"' if kotlin else "'"
    reason = ", ".join(change.because) or "depwave fix"
    because = f'because("{reason}")' if kotlin else f"because {q}{reason}{q}"
    entry = [f"implementation({q}{group}:{name}:{change.target}{q}) {{", f"{unit}{because}", "}"]
    top = [b for b in lex.find_blocks(script, "dependencies") if not _nested(script, b[0])]
    if not top:
        block = ["", "dependencies {", f"{unit}constraints {{", *(unit * 2 + x for x in entry), f"{unit}}}", "}"]
        at = lines.count + 1
        return Edit(insert_before_line(text, at, block), "gradle-constraint", at + 3, None, change.target)
    opening, closing = top[0]
    inner = [b for b in lex.find_blocks(script, "constraints", opening, closing) if b[0] > opening]
    if inner:
        c_open, c_close = inner[0]
        at = _closing_line(script, lines, c_close, change.path)
        base = lines.indent(script.token_line(c_open)) + unit
        return Edit(
            insert_before_line(text, at, [base + x for x in entry]), "gradle-constraint", at, None, change.target
        )
    at = _closing_line(script, lines, closing, change.path)
    base = lines.indent(script.token_line(opening)) + unit
    block = [f"{base}constraints {{", *(base + unit + x for x in entry), f"{base}}}"]
    return Edit(insert_before_line(text, at, block), "gradle-constraint", at + 1, None, change.target)


# ----------------------------------------------------------------------------------------- finding


def _find(script: lex.Script, path: str, group: str, name: str, line: int | None) -> _Site:
    sites = list(_string_sites(script, group, name)) + list(_map_sites(script, group, name))
    if line:
        var = _variable_at(script, line)
        if var is not None and not any(script.line(s[1].start) == line for s in sites):
            return var
        sites = on_line(sites, line, lambda s: script.line(s[1].start), path, f"{group}:{name}")
    outside = [s for s in sites if "constraints" not in lex.enclosing_labels(script, s[0])]
    sites = outside or sites
    if not sites:
        raise FixError(path, line, f"{group}:{name} is not declared with a version in this script")
    return sites[0][1]


def _string_sites(script: lex.Script, group: str, name: str):
    """``(token index, site)`` for each ``"group:name:version..."`` string."""
    prefix = f"{group}:{name}:"
    for i, tok in enumerate(script.tokens):
        if tok.kind != lex.STRING or not tok.parts or tok.parts[0].is_expr or not tok.parts[0].text.startswith(prefix):
            continue
        quote = len(tok.text) - len(tok.text.lstrip("'\""))
        start = tok.offset + quote + len(prefix)
        rest = tok.text[quote + len(prefix) : len(tok.text) - quote]
        m = re.match(r"\$\{\s*([A-Za-z_][\w.]*)\s*\}|\$([A-Za-z_]\w*)|[^:@'\"]+", rest)
        if m is None:
            continue
        variable = m.group(1) or m.group(2)
        yield i, _Site(start, start + m.end(), m.group(0), "direct-dependency", variable)


def _map_sites(script: lex.Script, group: str, name: str):
    """``(token index, site)`` for map notation ``group: 'g', name: 'a', version: 'v'`` (``=`` in Kotlin)."""
    tokens = script.tokens
    for i in range(len(tokens) - 2):
        if not (_is_key(tokens, i, "name") and tokens[i + 2].kind == lex.STRING and tokens[i + 2].value == name):
            continue
        line = script.line(tokens[i].offset)
        window = [
            j for j in range(max(0, i - 12), min(len(tokens) - 2, i + 12)) if script.line(tokens[j].offset) == line
        ]
        if not any(_is_key(tokens, j, "group") and tokens[j + 2].value == group for j in window):
            continue
        for j in window:
            if _is_key(tokens, j, "version"):
                v = tokens[j + 2]
                if v.kind == lex.STRING:
                    if not v.is_static_string:
                        break
                    q = len(v.text) - len(v.text.lstrip("'\""))
                    yield j + 2, _Site(v.offset + q, v.offset + len(v.text) - q, v.value, "direct-dependency")
                elif v.kind == lex.IDENT:
                    yield j + 2, _Site(v.offset, v.offset + len(v.text), v.text, "direct-dependency", v.text)
                break


def _is_key(tokens: list[lex.Token], i: int, key: str) -> bool:
    return tokens[i].kind == lex.IDENT and tokens[i].text == key and tokens[i + 1].text in (":", "=")


def _variable(script: lex.Script, name: str) -> _Site | None:
    """Where ``name`` is given a string: ``name = '…'`` (``ext``, ``def``, ``val``, ``ext.name``),
    or ``extra["name"] = "…"``."""
    name = name.split(".")[-1]
    tokens = script.tokens
    for i in range(len(tokens) - 2):
        tok = tokens[i]
        named = (tok.kind == lex.IDENT and tok.text == name) or (
            tok.kind == lex.STRING and tok.value == name and tokens[i + 1].text == "]" and i + 3 < len(tokens)
        )
        if not named:
            continue
        j = i + 2 if tokens[i + 1].text == "]" else i + 1
        if tokens[j].text == "=" and tokens[j + 1].kind == lex.STRING and tokens[j + 1].is_static_string:
            v = tokens[j + 1]
            q = len(v.text) - len(v.text.lstrip("'\""))
            return _Site(v.offset + q, v.offset + len(v.text) - q, v.value, "property")
    return None


def _variable_at(script: lex.Script, line: int) -> _Site | None:
    """A variable definition ``x = '…'`` on ``line``."""
    for tok in script.tokens[:-2]:
        if script.line(tok.offset) == line and tok.kind in (lex.IDENT, lex.STRING):
            site = _variable(script, tok.value if tok.kind == lex.STRING else tok.text)
            if site is not None and script.line(site.start) == line:
                return site
    return None


def _nested(script: lex.Script, open_idx: int) -> bool:
    """A block inside another one (``buildscript``, ``subprojects``, ``allprojects`` …)."""
    return bool(lex.enclosing_labels(script, open_idx))


def _closing_line(script: lex.Script, lines: Lines, close_idx: int, path: str) -> int:
    """The line of a closing brace, which must start its line for an insertion before it."""
    line = script.token_line(close_idx)
    if not lines.line_text(line).lstrip().startswith("}"):
        raise FixError(path, line, "the block does not close on a line of its own; edit the script by hand")
    return line


def _replace(text: str, change: Change, site: _Site, mechanism: str | None = None) -> Edit:
    line = Lines(text).line_of(site.start)
    mechanism = mechanism or site.mechanism
    if site.value == change.target:
        return Edit(text, mechanism, line, site.value, site.value)
    if change.current and site.value != change.current:
        raise FixError(change.path, line, f"expected {change.current} here, found {site.value}")
    return Edit(splice(text, site.start, site.end, change.target), mechanism, line, site.value, change.target)
