"""``pyproject.toml``: a PEP 621 / PEP 735 requirement string, or a Poetry dependency, moved to the fix."""

from __future__ import annotations

from dataclasses import dataclass

from loaders.python._common import canonical
from planner.fix import toml_lines
from planner.fix.model import Change, Edit, FixError, on_line
from planner.fix.requirements import move_specifier, python_name, specifier
from planner.fix.spec import move

_POETRY_SECTIONS = ("dependencies", "dev-dependencies")


@dataclass(frozen=True, slots=True)
class _Found:
    string: toml_lines.Str
    style: str  # pep508 (a requirement string) | poetry (a version constraint)


def bump(text: str, change: Change) -> Edit:
    """Move the requirement of the package (the one on ``change.line`` when given)."""
    name = python_name(change)
    found = _candidates(toml_lines.read(text, change.path), name)
    found = on_line(found, change.line, lambda f: f.string.line, change.path, name)
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
    array: tuple[str, ...] = ()  # full dotted key of the array a line is in (or assigns)
    depth = 0
    for ln in lines:
        key = ln.key()
        full = ln.table + key if key else ln.table
        if depth == 0:
            array = full
        depth = max(0, depth + _brackets(ln))
        if _requirement_list(array):
            for s in ln.strings:
                spec = specifier(s.value)
                if spec is not None and canonical(spec.name) == name:
                    out.append(_Found(s, "pep508"))
        elif key and (s := _poetry_version(ln, full, name)) is not None:
            out.append(_Found(s, "poetry"))
    return out


def _requirement_list(full: tuple[str, ...]) -> bool:
    """Arrays of PEP 508 strings: ``project.dependencies``, ``project.optional-dependencies.<extra>``,
    ``dependency-groups.<group>`` (PEP 735), ``build-system.requires``."""
    return (
        full in (("project", "dependencies"), ("build-system", "requires"))
        or (len(full) == 3 and full[:2] == ("project", "optional-dependencies"))
        or (len(full) == 2 and full[0] == "dependency-groups")
    )


def _poetry_version(ln: toml_lines.Line, full: tuple[str, ...], name: str) -> toml_lines.Str | None:
    """The version constraint of ``name`` in a Poetry dependency table, whichever way it is written:
    ``name = "^1.2"``, ``name = { version = "^1.2", ... }``, ``name.version = "^1.2"`` or ``version =``
    under ``[tool.poetry.dependencies.name]`` (groups and dev-dependencies alike)."""
    if full[:2] != ("tool", "poetry") or not ln.strings:
        return None
    if len(full) >= 5 and full[-1] == "version" and full[-3] in _POETRY_SECTIONS and canonical(full[-2]) == name:
        return ln.strings[0]
    if len(full) >= 4 and full[-2] in _POETRY_SECTIONS and canonical(full[-1]) == name:
        rest = ln.text.split("=", 1)[1].lstrip()
        return ln.strings[0] if rest.startswith(("'", '"')) else toml_lines.after_key(ln, "version")
    return None


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
