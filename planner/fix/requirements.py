"""pip requirements and constraints files: a pin or range moved to the fix, or a pin added.

Also the PEP 508 helpers the ``pyproject.toml`` editor shares: where the version specifier of a
requirement string is, so that only it is replaced (extras, markers, comments stay).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from loaders.python._common import canonical
from planner import purl as purls
from planner.fix.model import Change, Edit, FixError, NeedsCommand, on_line
from planner.fix.spec import move
from planner.fix.text import Lines, insert_before_line

_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(\[[^\]]*\])?\s*")
_SPEC_END = re.compile(r"\s*(;|\s#|\s--|$)")
_COMMENT = re.compile(r"(^|\s)#.*$")


@dataclass(frozen=True, slots=True)
class Specifier:
    """Where the version specifier of one PEP 508 requirement is: ``[start, end)`` in its string."""

    name: str  # as written
    start: int
    end: int

    def text(self, requirement: str) -> str:
        """The specifier as written (may be empty: any version)."""
        return requirement[self.start : self.end]


def specifier(requirement: str) -> Specifier | None:
    """The name and specifier span of a PEP 508 string (``name[extras] spec ; marker``), or None for
    a URL requirement (``name @ https://...``) or something that is not a requirement."""
    m = _REQUIREMENT.match(requirement)
    if m is None:
        return None
    start = m.end()
    if requirement[start : start + 1] == "@":
        return None
    if requirement[start : start + 1] == "(":  # name (>=1.0) : the old parenthesised form
        close = requirement.find(")", start)
        if close < 0:
            return None
        return Specifier(m.group(1), start + 1, close)
    end = _SPEC_END.search(requirement, start)
    return Specifier(m.group(1), start, end.start() if end else len(requirement))


def python_name(change: Change) -> str:
    """The canonical (PEP 503) name of the change's package."""
    p = purls.parse(change.package)
    if p.type != "pypi":
        raise FixError(change.path, change.line, f"{change.package} is not a PyPI package")
    return canonical(p.name)


def move_specifier(old: str, target: str) -> tuple[str, str | None]:
    """The new specifier text and a note when its form changed (empty = any version: pinned)."""
    stripped = old.strip()
    if not stripped:
        return f"=={target}", "the requirement had no version; pinned"
    moved = move(stripped, target, "pep440")
    note = f"the specifier {stripped} became {moved.text}" if moved.rewritten else None
    return old.replace(stripped, moved.text, 1), note


def bump(text: str, change: Change) -> Edit:
    """Move the requirement of the package (the one on ``change.line`` when given)."""
    name = python_name(change)
    found = _find(text, change.path, name, change.line)
    if found is None:
        raise FixError(change.path, change.line, f"{name} is not required in this file")
    line, logical, spec = found
    if "--hash" in logical:
        raise NeedsCommand(change.path, line, "the pins carry --hash values: regenerate the file instead")
    lines = Lines(text)
    old = spec.text(lines.line_text(line))
    new_spec, note = move_specifier(old, change.target)
    mechanism = "pip-constraint" if _is_constraints(change.path) else "direct-dependency"
    if new_spec == old:
        return Edit(text, mechanism, line, old.strip(), old.strip())
    start = lines.start(line)
    new = text[: start + spec.start] + new_spec + text[start + spec.end :]
    return Edit(new, mechanism, line, old.strip(), new_spec.strip(), (note,) if note else ())


def override(text: str, change: Change) -> Edit:
    """Pin the package in this requirements or constraints file: move its line, or add one."""
    name = python_name(change)
    if _find(text, change.path, name, None) is not None:
        edit = bump(text, change)
        return Edit(edit.text, "pip-constraint", edit.line, edit.before, edit.after, edit.notes)
    because = f"  # {', '.join(change.because)}: pinned by depwave fix" if change.because else ""
    lines = Lines(text)
    at = lines.count + 1
    return Edit(
        insert_before_line(text, at, [f"{name}=={change.target}{because}"]),
        "pip-constraint",
        at,
        None,
        f"=={change.target}",
    )


def _find(text: str, path: str, name: str, line: int | None) -> tuple[int, str, Specifier] | None:
    """(first physical line, logical line, specifier) of the requirement of ``name``."""
    lines = Lines(text)
    found = []
    n = 1
    while n <= lines.count:
        first = n
        logical = lines.line_text(n)
        while logical.endswith("\\") and n < lines.count:
            n += 1
            logical = logical[:-1] + " " + lines.line_text(n)
        n += 1
        code = _COMMENT.sub("", lines.line_text(first))
        if code.lstrip().startswith("-"):
            continue
        spec = specifier(code.rstrip("\\"))
        if spec is not None and canonical(spec.name) == name:
            found.append((first, logical, spec))
    found = on_line(found, line, lambda f: f[0], path, name)
    return found[0] if found else None


def _is_constraints(path: str) -> bool:
    return "constraint" in path.rsplit("/", 1)[-1].lower()
