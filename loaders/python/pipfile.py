"""Pipenv: ``Pipfile`` (what a project declares) and ``Pipfile.lock`` (what it resolves).

``Pipfile`` is TOML: ``[packages]`` (runtime) and ``[dev-packages]`` (dev) map names to ``"*"``,
a range, or a table with ``version``, ``extras``, ``markers`` and PEP 508 environment keys
(``sys_platform = "== 'linux'"``), ``git``/``ref``, ``path``/``editable`` or ``file``. Other tables
(besides ``source``, ``requires``, ``scripts``, ``pipenv``) are Pipenv >= 2022.10 package categories.
Markers become the declaration's condition (``Declared.profile``).

``Pipfile.lock`` is JSON: ``default`` and ``develop`` (and custom categories) map names to
``{"version": "==x", "hashes": [...], "markers": ...}``. It has no dependency graph: the packages
named in the ``Pipfile`` beside it (read through the context) are direct (depth 1), the others are
transitive with unknown depth.
"""

from __future__ import annotations

import json
import posixpath
from typing import Any

from loaders.base import EMPTY_CONTEXT, LineIndex, Loader, SourceContext, expect, load_json
from loaders.python._common import (
    canonical,
    load_toml,
    normalise_marker,
    pypi,
    scope_for_group,
    stronger_scope,
)
from loaders.python._project import join, make_project, project_in_dir
from planner import hashes
from planner.errors import ParseError
from planner.model import (
    Declared,
    Location,
    ParseResult,
    ParseWarning,
    Project,
    ProjectDependency,
    Resolved,
    Source,
)

NOT_CATEGORIES = ("source", "requires", "scripts", "pipenv", "pipfile")
KNOWN_PIPFILE_SPECS = (6,)
_MARKER_KEYS = (
    "os_name",
    "sys_platform",
    "platform_machine",
    "platform_python_implementation",
    "platform_release",
    "platform_system",
    "platform_version",
    "python_version",
    "python_full_version",
    "implementation_name",
    "implementation_version",
)


def category_scope(category: str) -> tuple[str, str]:
    """``(scope, raw_scope)`` of a Pipfile category / Pipfile.lock section."""
    if category in ("packages", "default"):
        return "runtime", category
    if category in ("dev-packages", "develop"):
        return "dev", category
    scope = scope_for_group(category)
    return ("unknown" if scope == "runtime" else scope), category


def _categories(data: dict[str, Any]) -> list[str]:
    return [k for k, v in data.items() if isinstance(v, dict) and k not in NOT_CATEGORIES]


class PipfileLoader(Loader):
    """``Pipfile``."""

    name = "pipfile"
    file_names = frozenset({"Pipfile"})

    def matches(self, path: str) -> bool:
        """Exactly ``Pipfile``."""
        return posixpath.basename(path) == "Pipfile"

    def parse(self, text: str, source: Source, context: SourceContext = EMPTY_CONTEXT) -> ParseResult:
        """Read one ``Pipfile``."""
        result = ParseResult()
        warn = result.warnings
        data = load_toml(text, source, "Pipfile")
        lines = LineIndex(text)
        info = project_in_dir(context, source.repo, source.directory)
        project = make_project(source.repo, info, source.directory, source.path)
        result.records.append(project)
        records: set[Any] = set()
        for category in _categories(data):
            scope, raw_scope = category_scope(category)
            for name, spec in data[category].items():
                line = _toml_key_line(text, lines, category, str(name))
                self._entry(str(name), spec, scope, raw_scope, line, source, context, project, records, warn)
        result.extend(sorted(records, key=_sort_key))
        return result

    def _entry(
        self,
        name: str,
        spec: Any,
        scope: str,
        raw_scope: str,
        line: int | None,
        source: Source,
        context: SourceContext,
        project: Project,
        records: set[Any],
        warn: list[ParseWarning],
    ) -> None:
        where = Location(source.path, line)
        try:
            package = pypi(name).package
        except ValueError as exc:
            warn.append(ParseWarning(source.display, line, str(exc)))
            return
        if isinstance(spec, str):
            records.add(Declared(project.key, package, spec.strip() or None, scope, raw_scope, location=where))
            return
        if not isinstance(spec, dict):
            warn.append(ParseWarning(source.display, line, f"{name}: unsupported value {spec!r}; skipped"))
            return
        marker = _pipfile_marker(spec)
        if isinstance(spec.get("path"), str):
            target_dir = posixpath.normpath(join(source.directory, spec["path"]))
            if target_dir == posixpath.normpath(source.directory):
                return  # the project itself, installed in development mode
            target_info = project_in_dir(context, source.repo, target_dir)
            if target_dir.startswith("..") or target_info is None:
                warn.append(
                    ParseWarning(source.display, line, f"{name}: path {spec['path']!r} is not a Python project here")
                )
                return
            target = make_project(source.repo, target_info, target_dir, target_dir)
            records.add(ProjectDependency(project.key, target.key, spec["path"], scope, raw_scope, where))
            return
        unresolved = None
        if isinstance(spec.get("git"), str):
            ref = spec.get("ref")
            url = spec["git"] if spec["git"].startswith("git+") else f"git+{spec['git']}"
            unresolved = f"{url}@{ref}" if isinstance(ref, str) and ref else url
        elif isinstance(spec.get("file"), str):
            unresolved = spec["file"]
        version = spec.get("version")
        rng = version.strip() if isinstance(version, str) and version.strip() else None
        if rng is None and unresolved is None:
            rng = "*"
        optional = scope == "optional"
        records.add(Declared(project.key, package, rng, scope, raw_scope, optional, where, None, marker, unresolved))


def _pipfile_marker(spec: dict[str, Any]) -> str | None:
    parts: list[str] = []
    if isinstance(spec.get("markers"), str) and spec["markers"].strip():
        parts.append(spec["markers"].strip())
    for key in _MARKER_KEYS:
        value = spec.get(key)
        if isinstance(value, str) and value.strip():
            parts.append(f"{key} {value.strip()}")
    if not parts:
        return None
    joined = " and ".join(f"({p})" if " or " in p and len(parts) > 1 else p for p in parts)
    return normalise_marker(joined)


def _toml_key_line(text: str, lines: LineIndex, section: str, key: str) -> int | None:
    from loaders.python._common import line_of_key

    return line_of_key(text, lines, section, key)


def _sort_key(rec: Any) -> tuple[str, ...]:
    return (type(rec).__name__, str(getattr(rec, "package", getattr(rec, "target", ""))), str(rec))


class PipfileLockLoader(Loader):
    """``Pipfile.lock``."""

    name = "pipfile-lock"
    file_names = frozenset({"Pipfile.lock"})

    def matches(self, path: str) -> bool:
        """Exactly ``Pipfile.lock``."""
        return posixpath.basename(path) == "Pipfile.lock"

    def parse(self, text: str, source: Source, context: SourceContext = EMPTY_CONTEXT) -> ParseResult:
        """Read one ``Pipfile.lock`` (and the ``Pipfile`` beside it through ``context``)."""
        result = ParseResult()
        warn = result.warnings
        doc = load_json(text, source, warn)
        expect(isinstance(doc, dict), source, 1, "not a Pipfile.lock: top level is not an object")
        lines = LineIndex(text)
        meta = doc.get("_meta")
        expect(
            isinstance(meta, dict) or "default" in doc or "develop" in doc,
            source,
            1,
            "not a Pipfile.lock: no _meta, default or develop",
        )
        spec = meta.get("pipfile-spec") if isinstance(meta, dict) else None
        if spec not in KNOWN_PIPFILE_SPECS:
            warn.append(ParseWarning(source.display, lines.line_of('"pipfile-spec"'), f"unknown pipfile-spec {spec!r}"))
        info = project_in_dir(context, source.repo, source.directory)
        project = make_project(source.repo, info, source.directory, source.path)
        result.records.append(project)
        direct = self._direct(context, source)
        if direct is None and any(isinstance(v, dict) and v for k, v in doc.items() if k != "_meta"):
            warn.append(ParseWarning(source.display, None, "no Pipfile beside the lock: direct dependencies unknown"))

        resolved: dict[str, Resolved] = {}
        links: set[ProjectDependency] = set()
        for section, entries in doc.items():
            if section == "_meta" or not isinstance(entries, dict):
                continue
            scope, raw_scope = category_scope(section)
            start = text.find(json.dumps(section) + ":")
            for name, entry in entries.items():
                pos = text.find(json.dumps(name) + ":", max(start, 0))
                line = lines.line_of_offset(pos) if pos >= 0 else None
                rec = self._entry(name, entry, scope, raw_scope, line, source, context, project, direct, links, warn)
                if rec is None:
                    continue
                prev = resolved.get(rec.version)
                if prev is not None and stronger_scope(prev.scope, rec.scope) == prev.scope:
                    continue
                resolved[rec.version] = rec
        result.extend(sorted(links, key=lambda r: r.target))
        result.extend(resolved[k] for k in sorted(resolved))
        return result

    def _direct(self, context: SourceContext, source: Source) -> set[str] | None:
        text = context.read(source.repo, join(source.directory, "Pipfile"))
        if text is None:
            return None
        try:
            data = load_toml(text, Source(source.repo, join(source.directory, "Pipfile"), "Pipfile"), "Pipfile")
        except ParseError:  # a broken Pipfile only costs the depth information
            return None
        return {canonical(str(n)) for c in _categories(data) for n in data[c]}

    def _entry(
        self,
        name: str,
        entry: Any,
        scope: str,
        raw_scope: str,
        line: int | None,
        source: Source,
        context: SourceContext,
        project: Project,
        direct: set[str] | None,
        links: set[ProjectDependency],
        warn: list[ParseWarning],
    ) -> Resolved | None:
        if not isinstance(entry, dict):
            warn.append(ParseWarning(source.display, line, f"{name}: entry is not an object; skipped"))
            return None
        if isinstance(entry.get("path"), str):
            target_dir = posixpath.normpath(join(source.directory, entry["path"]))
            if target_dir != posixpath.normpath(source.directory) and not target_dir.startswith(".."):
                target = make_project(
                    source.repo, project_in_dir(context, source.repo, target_dir), target_dir, target_dir
                )
                links.add(
                    ProjectDependency(
                        project.key, target.key, entry["path"], scope, raw_scope, Location(source.path, line)
                    )
                )
            return None
        version = entry.get("version")
        if not isinstance(version, str) or not version.startswith("=="):
            if isinstance(entry.get("git"), str) or isinstance(entry.get("file"), str):
                return None  # a VCS/URL pin without a version: nothing to resolve to
            warn.append(ParseWarning(source.display, line, f"{name}: no '==' version; skipped"))
            return None
        try:
            purl = pypi(name, version.lstrip("="))
        except ValueError as exc:
            warn.append(ParseWarning(source.display, line, str(exc)))
            return None
        is_direct = direct is not None and canonical(name) in direct
        return Resolved(
            project=project.key,
            version=purl.key,
            scope=scope,
            raw_scope=raw_scope,
            depth=1 if is_direct else None,
            path=(purl.key,) if is_direct else (),
            location=Location(source.path, line),
            hashes=tuple(
                sorted({h for x in _list(entry.get("hashes")) if isinstance(x, str) and (h := hashes.from_prefixed(x))})
            ),
        )


def _list(value: object) -> list:
    """``value`` when the file has a list there, else nothing (a hostile or broken file)."""
    return value if isinstance(value, list) else []
