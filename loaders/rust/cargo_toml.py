"""Cargo manifests (``Cargo.toml``).

``[package]`` is the project (``pkg:cargo/<name>``), published unless ``publish = false`` (or
``[]``) or it has no version. A virtual manifest (only ``[workspace]``) is a ``pkg:generic``
project named after its directory. ``*.workspace = true`` fields and dependencies are inherited
from the workspace root (the nearest ancestor ``Cargo.toml`` with ``[workspace]``, or
``package.workspace``), read through the context.

Dependencies of ``[dependencies]`` / ``[dev-dependencies]`` / ``[build-dependencies]`` and their
``[target.'cfg(..)'.*]`` variants (the cfg goes into ``profile``) are ``Declared``. A ``path``
dependency is a ``ProjectDependency`` on the crate in that directory; when it also has a
``version`` it is *also* ``Declared`` with that range, because that is what the published crate
requires from crates.io (and what an upgrade must bump). ``git`` dependencies are ``Declared``
with the source in ``unresolved``. Workspace members are linked from the root with scope
``build`` (raw ``workspace.members``); ``[workspace.dependencies]`` are ``Constrains``
(``cargo-workspace``); ``[patch.*]`` and ``[replace]`` are ``Constrains`` (``cargo-patch``).
"""

from __future__ import annotations

import posixpath
import re
import tomllib
from dataclasses import dataclass
from typing import Any

from loaders.base import EMPTY_CONTEXT, Loader, SourceContext
from loaders.go.modfile import join_dir
from planner import purl as purls
from planner.errors import ParseError
from planner.model import (
    Constrains,
    Declared,
    Location,
    ParseResult,
    ParseWarning,
    Project,
    ProjectDependency,
    Publishes,
    Record,
    Source,
    project_key,
)

DEP_TABLES = {
    "dependencies": "runtime",
    "dev-dependencies": "dev",
    "dev_dependencies": "dev",
    "build-dependencies": "build",
    "build_dependencies": "build",
}
_TOML_AT = re.compile(r"at line (\d+)")
_KEY = re.compile(r"""\s*("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+)\s*""")
_HEADER = re.compile(r"^\s*\[(\[)?(.*?)\]\]?\s*(#.*)?$")


def load_toml(text: str, source: Source) -> dict[str, Any]:
    """Parse TOML; a syntax error (duplicate keys included) is a ``ParseError`` with its line."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = _TOML_AT.search(str(exc))
        line = int(m.group(1)) if m else max(1, len(text.splitlines())) if "end of document" in str(exc) else 1
        raise ParseError(source.display, line, f"malformed TOML: {exc}") from None
    except RecursionError:
        raise ParseError(source.display, 1, "TOML nested too deeply") from None


def _split_keys(text: str) -> list[str] | None:
    """``a."b.c".d`` -> ``['a', 'b.c', 'd']`` (None when not a dotted key)."""
    keys: list[str] = []
    pos = 0
    while True:
        m = _KEY.match(text, pos)
        if not m:
            return None
        raw = m.group(1)
        keys.append(raw[1:-1] if raw[0] in "\"'" else raw)
        pos = m.end()
        if pos >= len(text) or text[pos] != ".":
            return keys if pos >= len(text) else None
        pos += 1


class TomlLines:
    """Line numbers of TOML table headers and keys (tomllib gives none)."""

    def __init__(self, text: str) -> None:
        self._lines: dict[tuple[str, ...], int] = {}
        self.array_headers: dict[tuple[str, ...], list[int]] = {}
        table: tuple[str, ...] = ()
        in_string: str | None = None
        for number, line in enumerate(text.splitlines(), 1):
            if in_string:
                if line.count(in_string) % 2 == 1:
                    in_string = None
                continue
            header = _HEADER.match(line)
            if header:
                keys = _split_keys(header.group(2))
                if keys is not None:
                    table = tuple(keys)
                    self._lines.setdefault(table, number)
                    if header.group(1):
                        self.array_headers.setdefault(table, []).append(number)
                    continue
            if "=" in line:
                key_text, _, value = line.partition("=")
                keys = _split_keys(key_text.strip())
                if keys is not None:
                    self._lines.setdefault((*table, *keys), number)
                    for quote in ('"""', "'''"):
                        if value.count(quote) % 2 == 1:
                            in_string = quote

    def line(self, *keys: str) -> int | None:
        """The line of the key or table ``keys``, or of its nearest enclosing table."""
        for end in range(len(keys), 0, -1):
            found = self._lines.get(tuple(keys[:end]))
            if found is not None:
                return found
        return None


@dataclass(frozen=True, slots=True)
class Manifest:
    """A parsed Cargo.toml with where it lives."""

    data: dict[str, Any]
    path: str  # repo-relative manifest path
    directory: str
    lines: TomlLines


def _dir_manifest(directory: str) -> str:
    return "Cargo.toml" if directory == "." else f"{directory}/Cargo.toml"


def read_manifest(repo: str, directory: str, context: SourceContext) -> Manifest | None:
    """The Cargo.toml of ``directory`` through the context, or None when absent or unparsable."""
    path = _dir_manifest(directory)
    text = context.read(repo, path)
    if text is None:
        return None
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError):
        return None
    return Manifest(data, path, directory, TomlLines(text))


def find_workspace_root(
    repo: str, directory: str, package: dict[str, Any], own: Manifest, context: SourceContext
) -> Manifest | None:
    """The workspace root manifest of a package: itself, ``package.workspace``, or the nearest ancestor."""
    if isinstance(own.data.get("workspace"), dict):
        return own
    explicit = package.get("workspace")
    if isinstance(explicit, str):
        target = join_dir(directory, explicit)
        return read_manifest(repo, target, context) if target is not None else None
    current = directory
    while current not in (".", ""):
        current = posixpath.dirname(current) or "."
        found = read_manifest(repo, current, context)
        if found is not None and isinstance(found.data.get("workspace"), dict):
            return found
    return None


def _inherit(value: Any, field: str, root: Manifest | None) -> Any:
    if isinstance(value, dict) and value.get("workspace") is True:
        ws = root.data.get("workspace", {}) if root else {}
        pkg = ws.get("package") if isinstance(ws, dict) else None
        return pkg.get(field) if isinstance(pkg, dict) else None
    return value


def manifest_project(source: Source, data: dict[str, Any], root: Manifest | None) -> Project:
    """The project a manifest defines (shared with the Cargo.lock loader)."""
    directory = source.directory
    pkg = data.get("package") if isinstance(data.get("package"), dict) else data.get("project")
    if isinstance(pkg, dict):
        name = pkg.get("name")
        if not isinstance(name, str) or not name:
            raise ParseError(source.display, 1, "[package] has no name")
        version = _inherit(pkg.get("version"), "version", root)
        version = version if isinstance(version, str) else None
        try:
            p = purls.build("cargo", None, name, version)
        except ValueError as exc:
            raise ParseError(source.display, 1, f"invalid package name {name!r}: {exc}") from None
        kind = "library" if "lib" in data else "application" if "bin" in data else "unknown"
    else:
        name = posixpath.basename(directory) if directory != "." else source.repo
        p = purls.build("generic", None, name or "workspace")
        kind = "unknown"
    return Project(
        key=project_key(source.repo, directory, p.package),
        name=p.name,
        ecosystem=p.type,
        repo=source.repo,
        path=directory,
        manifest=source.path,
        purl=p.key,
        version=p.version,
        kind=kind,
    )


def _glob_regex(pattern: str) -> re.Pattern[str]:
    out = []
    for ch in pattern.strip("/"):
        out.append("[^/]*" if ch == "*" else "[^/]" if ch == "?" else re.escape(ch))
    return re.compile("^" + "".join(out).replace("[^/]*[^/]*", ".*") + "$")


class CargoTomlLoader(Loader):
    """``Cargo.toml`` manifests."""

    name = "cargo-toml"
    file_names = frozenset({"Cargo.toml"})

    def matches(self, path: str) -> bool:
        """Exactly ``Cargo.toml``."""
        return posixpath.basename(path) == "Cargo.toml"

    def parse(self, text: str, source: Source, context: SourceContext = EMPTY_CONTEXT) -> ParseResult:
        """Read one Cargo.toml; workspace inheritance and members go through ``context``."""
        result = ParseResult()
        warn = result.warnings
        data = load_toml(text, source)
        lines = TomlLines(text)
        pkg = data.get("package") if isinstance(data.get("package"), dict) else data.get("project")
        ws = data.get("workspace")
        if not isinstance(pkg, dict) and not isinstance(ws, dict):
            raise ParseError(source.display, 1, "not a Cargo manifest: no [package] or [workspace] table")
        own = Manifest(data, source.path, source.directory, lines)
        root = find_workspace_root(source.repo, source.directory, pkg if isinstance(pkg, dict) else {}, own, context)
        project = manifest_project(source, data, root)
        records: list[Record] = [project]
        if isinstance(pkg, dict) and project.version and _publishable(pkg, root):
            records.append(Publishes(project.key, purls.parse(project.purl or "").package))
        if isinstance(ws, dict):
            records.extend(self._members(project, ws, source, lines, context, warn))
            records.extend(self._workspace_dependencies(project, ws, source, lines, warn))
        for table, scope in DEP_TABLES.items():
            records.extend(self._deps(project, data.get(table), (table,), scope, None, source, lines, root, warn))
        targets = data.get("target")
        if isinstance(targets, dict):
            for cfg, tables in targets.items():
                if not isinstance(tables, dict):
                    continue
                for table, scope in DEP_TABLES.items():
                    where = ("target", cfg, table)
                    records.extend(self._deps(project, tables.get(table), where, scope, cfg, source, lines, root, warn))
        records.extend(self._patches(project, data, source, lines, warn))
        result.extend(dict.fromkeys(records))
        return result

    def _members(
        self,
        project: Project,
        ws: dict[str, Any],
        source: Source,
        lines: TomlLines,
        context: SourceContext,
        warn: list[ParseWarning],
    ) -> list[Record]:
        members = (
            [m for m in ws.get("members", []) if isinstance(m, str)] if isinstance(ws.get("members"), list) else []
        )
        excluded = {join_dir(source.directory, e) for e in ws.get("exclude", []) if isinstance(e, str)}
        candidates = sorted(
            {posixpath.dirname(s.path) or "." for s in context.sources() if s.repo == source.repo}
            | {
                d
                for m in members
                if (d := join_dir(source.directory, m)) is not None and not any(c in m for c in "*?[")
            }
        )
        out: list[Record] = []
        line = lines.line("workspace", "members")
        for member in members:
            target = join_dir(source.directory, member)
            if target is None:
                warn.append(
                    ParseWarning(source.display, line, f"workspace member {member!r} is outside the repository")
                )
                continue
            regex = _glob_regex(target if target != "." else "")
            matched = [d for d in candidates if regex.match("" if d == "." else d) and d not in excluded]
            found = False
            for directory in matched:
                manifest = read_manifest(source.repo, directory, context)
                if manifest is None or not isinstance(manifest.data.get("package"), dict):
                    continue
                found = True
                if directory == source.directory:
                    continue
                name = manifest.data["package"].get("name")
                if not isinstance(name, str) or not name:
                    continue
                key = project_key(source.repo, directory, purls.build("cargo", None, name).package)
                out.append(
                    ProjectDependency(
                        project.key, key, member, "build", "workspace.members", Location(source.path, line)
                    )
                )
            if not found:
                warn.append(
                    ParseWarning(source.display, line, f"workspace member {member!r}: no Cargo.toml in this ingest")
                )
        return out

    def _workspace_dependencies(
        self, project: Project, ws: dict[str, Any], source: Source, lines: TomlLines, warn: list[ParseWarning]
    ) -> list[Record]:
        deps = ws.get("dependencies")
        out: list[Record] = []
        if not isinstance(deps, dict):
            return out
        for name, spec in deps.items():
            spec = {"version": spec} if isinstance(spec, str) else spec
            if not isinstance(spec, dict) or "path" in spec:
                continue
            real = spec.get("package") if isinstance(spec.get("package"), str) else name
            line = lines.line("workspace", "dependencies", name)
            package = _cargo_package(real, source, line, warn)
            if package is None:
                continue
            version = spec.get("version") if isinstance(spec.get("version"), str) else None
            out.append(
                Constrains(
                    project.key,
                    package,
                    version,
                    "cargo-workspace",
                    Location(source.path, line),
                    unresolved=_git_spec(spec),
                )
            )
        return out

    def _deps(
        self,
        project: Project,
        table: Any,
        where: tuple[str, ...],
        scope: str,
        cfg: str | None,
        source: Source,
        lines: TomlLines,
        root: Manifest | None,
        warn: list[ParseWarning],
    ) -> list[Record]:
        """Declared versions and path links (``ProjectDependency``) of one dependency table at ``where``."""
        out: list[Record] = []
        if table is None:
            return out
        if not isinstance(table, dict):
            warn.append(ParseWarning(source.display, lines.line(*where), f"[{'.'.join(where)}] is not a table"))
            return out
        raw_scope = where[-1]
        for name, spec in table.items():
            line = lines.line(*where, name)
            found = _dependency_spec(name, spec, root, source, line, warn)
            if found is None:
                continue
            spec, base_dir, version_location = found
            real = spec.get("package") if isinstance(spec.get("package"), str) else name
            package = _cargo_package(real, source, line, warn)
            if package is None:
                continue
            version = spec.get("version") if isinstance(spec.get("version"), str) else None
            location = Location(source.path, line)
            path = spec.get("path")
            if isinstance(path, str):
                target = join_dir(base_dir, path)
                if target is None:
                    warn.append(
                        ParseWarning(source.display, line, f"path {path!r} of {name} is outside the repository")
                    )
                else:
                    dest = project_key(source.repo, target, package)
                    out.append(ProjectDependency(project.key, dest, f"path = {path}", scope, raw_scope, location))
                if version is None:
                    continue
            optional = spec.get("optional") is True
            git = _git_spec(spec)
            out.append(
                Declared(
                    project.key, package, version, scope, raw_scope, optional, location, version_location, cfg, git
                )
            )
        return out

    def _patches(
        self, project: Project, data: dict[str, Any], source: Source, lines: TomlLines, warn: list[ParseWarning]
    ) -> list[Record]:
        out: list[Record] = []
        entries: list[tuple[str, Any, int | None, str | None]] = []
        patch = data.get("patch")
        if isinstance(patch, dict):
            for registry, table in patch.items():
                if isinstance(table, dict):
                    for name, spec in table.items():
                        entries.append((name, spec, lines.line("patch", registry, name), None))
        replace = data.get("replace")
        if isinstance(replace, dict):
            for key, spec in replace.items():
                name, _, version = key.partition(":")
                entries.append((name, spec, lines.line("replace", key), version or None))
        for name, spec, line, replaced in entries:
            if isinstance(spec, str):
                spec = {"version": spec}
            if not isinstance(spec, dict):
                continue
            real = spec.get("package") if isinstance(spec.get("package"), str) else name
            package = _cargo_package(real, source, line, warn)
            if package is None:
                continue
            version = spec.get("version") if isinstance(spec.get("version"), str) else None
            how = _git_spec(spec) or (f"path {spec['path']}" if isinstance(spec.get("path"), str) else None)
            if replaced:
                how = f"replaces {replaced}" + (f"; {how}" if how else "")
            out.append(
                Constrains(project.key, package, version, "cargo-patch", Location(source.path, line), unresolved=how)
            )
        return out


def _publishable(pkg: dict[str, Any], root: Manifest | None) -> bool:
    publish = _inherit(pkg.get("publish", True), "publish", root)
    return not (publish is False or publish == [])


def _workspace_dep(root: Manifest | None, name: str) -> dict[str, Any] | None:
    if root is None:
        return None
    ws = root.data.get("workspace")
    deps = ws.get("dependencies") if isinstance(ws, dict) else None
    spec = deps.get(name) if isinstance(deps, dict) else None
    if isinstance(spec, str):
        return {"version": spec}
    return dict(spec) if isinstance(spec, dict) else None


def _dependency_spec(
    name: str, spec: Any, root: Manifest | None, source: Source, line: int | None, warn: list[ParseWarning]
) -> tuple[dict[str, Any], str, Location | None] | None:
    """A dependency's spec as a table (``"1.0"`` is ``{version = "1.0"}``; ``workspace = true`` merged over
    the root's ``[workspace.dependencies]`` entry), the directory its ``path`` is relative to, and where
    an inherited version is written; None after a warning when it is unusable."""
    if isinstance(spec, str):
        spec = {"version": spec}
    if not isinstance(spec, dict):
        warn.append(ParseWarning(source.display, line, f"dependency {name!r} is neither a string nor a table"))
        return None
    if spec.get("workspace") is not True:
        return spec, source.directory, None
    inherited = _workspace_dep(root, name)
    if inherited is None or root is None:
        warn.append(ParseWarning(source.display, line, f"{name} inherits from a workspace root not in this ingest"))
        return None
    version_location = Location(root.path, root.lines.line("workspace", "dependencies", name))
    return {**inherited, **{k: v for k, v in spec.items() if k != "workspace"}}, root.directory, version_location


def _cargo_package(name: str, source: Source, line: int | None, warn: list[ParseWarning]) -> str | None:
    try:
        return purls.build("cargo", None, name).package
    except ValueError as exc:
        warn.append(ParseWarning(source.display, line, f"invalid crate name {name!r}: {exc}"))
        return None


def _git_spec(spec: dict[str, Any]) -> str | None:
    git = spec.get("git")
    if not isinstance(git, str):
        return None
    for ref in ("branch", "tag", "rev"):
        if isinstance(spec.get(ref), str):
            return f"git {git} {ref}={spec[ref]}"
    return f"git {git}"
