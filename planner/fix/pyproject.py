"""``pyproject.toml``: a PEP 621 / PEP 735 requirement string, or a Poetry dependency, moved to the fix."""

from __future__ import annotations

from dataclasses import dataclass

from loaders._python_common import canonical
from planner.fix import toml_lines
from planner.fix.model import Change, Edit, FixError
from planner.fix.requirements import move_specifier, python_name, specifier
from planner.fix.spec import move

_PEP621_LISTS = (("project", "optional-dependencies"), ("dependency-groups",))
_POETRY_SECTIONS = ("dependencies", "dev-dependencies")


@dataclass(frozen=True, slots=True)
class _Found:
    string: toml_lines.Str
    style: str  # pep508 (a requirement string) | poetry (a version constraint)


def bump(text: str, change: Change) -> Edit:
    """Move the requirement of the package (the one on ``change.line`` when given)."""
    name = python_name(change)
    found = _candidates(toml_lines.read(text, change.path), name)
    if change.line:
        found = [f for f in found if f.string.line == change.line] or found
    if not found:
        raise FixError(change.path, change.line, f"{name} is not a dependency in this pyproject.toml")
    f = found[0]
    s = f.string
    if f.style == "poetry":
        moved = move(s.value, change.target, "poetry")
        new_value, note = moved.text, (f"the constraint {s.value} became {moved.text}" if moved.rewritten else None)
        before, after = s.value, new_value
    else:
        spec = specifier(s.value)
        assert spec is not None
        new_spec, note = move_specifier(spec.text(s.value), change.target)
        new_value = s.value[: spec.start] + new_spec + s.value[spec.end :]
        before, after = spec.text(s.value).strip(), new_spec.strip()
    if new_value == s.value:
        return Edit(text, "direct-dependency", s.line, before, before)
    new = text[: s.start] + new_value + text[s.end :]
    return Edit(new, "direct-dependency", s.line, before, after, (note,) if note else ())


def _candidates(lines: list[toml_lines.Line], name: str) -> list[_Found]:
    out: list[_Found] = []
    array_key: str | None = None
    depth = 0
    for ln in lines:
        key = ln.key()
        if depth == 0:
            array_key = key[-1] if key else None
        depth = max(0, depth + _brackets(ln))
        table = ln.table
        if (table == ("project",) and array_key == "dependencies") or table in _PEP621_LISTS:
            for s in ln.strings:
                spec = specifier(s.value)
                if spec is not None and canonical(spec.name) == name:
                    out.append(_Found(s, "pep508"))
        elif table[:2] == ("tool", "poetry") and table[-1] in _POETRY_SECTIONS and key and canonical(key[0]) == name:
            s = _poetry_version(ln, len(key))
            if s is not None:
                out.append(_Found(s, "poetry"))
        elif _poetry_table_form(table, name) and key == ("version",) and ln.strings:
            out.append(_Found(ln.strings[0], "poetry"))
    return out


def _poetry_table_form(table: tuple[str, ...], name: str) -> bool:
    """``[tool.poetry.dependencies.<name>]`` (or a group's or dev-dependencies')."""
    return (
        table[:2] == ("tool", "poetry")
        and len(table) >= 4
        and table[-2] in _POETRY_SECTIONS
        and (canonical(table[-1]) == name)
    )


def _poetry_version(ln: toml_lines.Line, key_parts: int) -> toml_lines.Str | None:
    """``name = "^1.2"`` (the first string after the key) or ``name = { version = "^1.2", ... }``."""
    if key_parts == 2 and ln.key() and ln.key()[-1] == "version":  # type: ignore[index]
        return ln.strings[0] if ln.strings else None
    rest = ln.text.split("=", 1)[1].lstrip()
    if rest.startswith(("'", '"')):
        return ln.strings[0] if ln.strings else None
    return toml_lines.after_key(ln, "version")


def _brackets(ln: toml_lines.Line) -> int:
    """``[`` minus ``]`` outside strings and comments on the line (array nesting); 0 for a table header."""
    if ln.key() is None and ln.text.lstrip().startswith("["):
        return 0
    depth = 0
    quote = None
    escaped = False
    for ch in ln.text:
        if quote:
            if escaped:
                escaped = False
            elif ch == "\\" and quote == '"':
                escaped = True
            elif ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            break
        elif ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
    return depth
