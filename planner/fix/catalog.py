"""Gradle version catalogs (``libs.versions.toml``): the ``[versions]`` entry a library refers to, or
the version written in the library's own entry (``version = "…"`` or ``"group:name:version"``).

The catalog is read with the loaders' own catalog parser, which says where each library's version
is written; the editor replaces that one string.
"""

from __future__ import annotations

from loaders.gradle.catalog import parse_catalog
from planner.errors import ParseError
from planner.fix import toml_lines
from planner.fix.gradle import coordinates
from planner.fix.model import Change, Edit, FixError, on_line

_RICH = ("require", "prefer", "strictly")


def bump(text: str, change: Change) -> Edit:
    """Move the version of the package's library entry (the ``[versions]`` entry it refers to)."""
    try:
        cat = parse_catalog(text, change.path)
    except ParseError as exc:
        raise FixError(change.path, exc.line, exc.reason) from None
    group, name = coordinates(change)
    libs = [lib for lib in cat.libraries.values() if (lib.group, lib.name) == (group, name) and lib.version_line]
    if change.line and any(change.line == lib.line for lib in libs):
        libs = [lib for lib in libs if lib.line == change.line]
    else:
        libs = on_line(libs, change.line, lambda lib: lib.version_line or 0, change.path, f"{group}:{name}")
    if not libs:
        raise FixError(change.path, change.line, f"{group}:{name} has no version in this catalog")
    lib = libs[0]
    line = next(ln for ln in toml_lines.read(text, change.path) if ln.number == lib.version_line)
    site = _version_string(line, lib.version_line != lib.line, f"{group}:{name}:", change.current)
    if site is None:
        raise FixError(change.path, line.number, "cannot find the version string on this line; edit it by hand")
    value = site.value.rsplit(":", 1)[-1] if site.value.startswith(f"{group}:{name}:") else site.value
    start = site.end - len(value)
    mechanism = "version-catalog"
    if value == change.target:
        return Edit(text, mechanism, line.number, value, value)
    if change.current and value != change.current:
        raise FixError(change.path, line.number, f"expected {change.current} here, found {value}")
    shared = sorted(
        f"{x.group}:{x.name}"
        for x in cat.libraries.values()
        if x.version_line == lib.version_line and (x.group, x.name) != (group, name) and lib.version_line != lib.line
    )
    notes = (f"the same version entry sets {', '.join(shared)}: they move too",) if shared else ()
    new = text[:start] + change.target + text[site.end :]
    return Edit(new, mechanism, line.number, value, change.target, notes)


def _version_string(
    line: toml_lines.Line, in_versions: bool, prefix: str, current: str | None
) -> toml_lines.Str | None:
    if in_versions:  # key = "1.2" | key = { require = "1.2", prefer = ... }: the part that names the version
        rest = line.text.split("=", 1)[1].lstrip() if "=" in line.text else ""
        if rest.startswith(("'", '"')):
            return line.strings[0]
        rich = [s for key in _RICH if (s := toml_lines.after_key(line, key)) is not None]
        return next((s for s in rich if s.value == current), rich[0] if rich else None)
    for s in line.strings:  # "group:name:version"
        if s.value.startswith(prefix):
            return s
    return toml_lines.after_key(line, "version")
