"""``Cargo.toml``: a dependency's version requirement moved to the fix, wherever Cargo lets it be
written: ``name = "1.2"``, an inline table ``name = { version = "1.2", ... }``, a ``[dependencies.name]``
table, a renamed dependency (``alias = { package = "name", ... }``), target-specific tables and the
workspace's ``[workspace.dependencies]``."""

from __future__ import annotations

from dataclasses import dataclass

from planner import purl as purls
from planner.fix import toml_lines
from planner.fix.model import Change, Edit, FixError, on_line
from planner.fix.spec import move

_SECTIONS = ("dependencies", "dev-dependencies", "build-dependencies", "dev_dependencies", "build_dependencies")


@dataclass(frozen=True, slots=True)
class _Found:
    string: toml_lines.Str
    mechanism: str
    header: int | None = None  # the [dependencies.name] line of the table form (where loaders point)


def crate_name(change: Change) -> str:
    """The crate name (``-`` and ``_`` compared alike, as Cargo does for lookups)."""
    p = purls.parse(change.package)
    if p.type != "cargo":
        raise FixError(change.path, change.line, f"{change.package} is not a Cargo crate")
    return _norm(p.name)


def bump(text: str, change: Change) -> Edit:
    """Move the requirement of the crate (the one on ``change.line`` when given)."""
    name = crate_name(change)
    lines = toml_lines.read(text, change.path)
    found = _candidates(lines, name)
    found = on_line(found, change.line, lambda f: (f.header or f.string.line, f.string.line), change.path, name)
    if not found:
        inherited = _inherits(lines, name)
        if inherited:
            raise FixError(
                change.path, inherited, f"{name} comes from the workspace: change the workspace's Cargo.toml"
            )
        raise FixError(change.path, change.line, f"{name} is not a dependency in this Cargo.toml")
    f = found[0]
    s = f.string
    moved = move(s.value, change.target, "cargo")
    if moved.text == s.value:
        return Edit(text, f.mechanism, s.line, s.value, s.value)
    notes = (f"the requirement {s.value} became {moved.text}",) if moved.rewritten else ()
    return Edit(text[: s.start] + moved.text + text[s.end :], f.mechanism, s.line, s.value, moved.text, notes)


def _candidates(lines: list[toml_lines.Line], name: str) -> list[_Found]:
    out = []
    headers: dict[tuple[str, ...], int] = {}
    for ln in lines:
        headers.setdefault(ln.table, ln.number)
    for ln in lines:
        table, key = ln.table, ln.key()
        if not table or key is None:
            continue
        mechanism = "cargo-workspace" if table[0] == "workspace" else "direct-dependency"
        if table[-1] in _SECTIONS:  # name = "1.2" | name = { version = ... } | alias = { package = "name", ... }
            s = _in_entry(ln, key, name)
        elif len(table) >= 2 and table[-2] in _SECTIONS and key == ("version",):  # [dependencies.name]
            s = ln.strings[0] if ln.strings and _norm(_table_package(lines, ln) or table[-1]) == name else None
        else:
            s = None
        if s is not None:
            out.append(_Found(s, mechanism, headers[table] if key == ("version",) else None))
    return out


def _in_entry(ln: toml_lines.Line, key: tuple[str, ...], name: str) -> toml_lines.Str | None:
    if len(key) == 2 and key[1] == "version" and _norm(key[0]) == name:  # name.version = "1.2"
        return ln.strings[0] if ln.strings else None
    if len(key) != 1:
        return None
    package = toml_lines.after_key(ln, "package")
    if _norm(package.value if package is not None else key[0]) != name:
        return None
    rest = ln.text.split("=", 1)[1].lstrip()
    if rest.startswith(("'", '"')):
        return ln.strings[0]
    return toml_lines.after_key(ln, "version")


def _table_package(lines: list[toml_lines.Line], ln: toml_lines.Line) -> str | None:
    """``package = "real-name"`` in the same ``[dependencies.alias]`` table."""
    for other in lines:
        if other.table == ln.table and other.key() == ("package",) and other.strings:
            return other.strings[0].value
    return None


def _inherits(lines: list[toml_lines.Line], name: str) -> int | None:
    """The line of ``name.workspace = true`` / ``name = { workspace = true }``, if any."""
    for ln in lines:
        key = ln.key()
        if ln.table and ln.table[-1] in _SECTIONS and key and _norm(key[0]) == name and "workspace" in ln.text:
            return ln.number
    return None


def _norm(name: str) -> str:
    return name.lower().replace("_", "-")
