"""Poetry lockfiles (``poetry.lock``, lock-version 1.0 to 2.1).

Every ``[[package]]`` is a version the project resolves; ``[package.dependencies]`` are its locked
dependency edges. The project is the one defined in the same directory (its ``pyproject.toml``, read
through the context), whose dependencies are the direct ones (depth 1). Scopes come from ``groups``
(Poetry >= 1.2) or ``category`` (older locks); ``optional = true`` packages belong to extras.
A ``[package.source] type = "directory"`` package is a path dependency on another project.
"""

from __future__ import annotations

import posixpath
from typing import Any

from loaders.base import EMPTY_CONTEXT, LineIndex, Loader, SourceContext
from loaders.python._common import canonical, load_toml, pypi, scope_for_group, stronger_scope
from loaders.python._lock import Edge, Locked, emit_package_tables, file_hashes, locked_identity
from loaders.python._project import join, make_project, project_in_dir
from planner.model import Location, ParseResult, ParseWarning, ProjectDependency, Source

KNOWN_LOCK_VERSIONS = ("1.0", "1.1", "1.2", "2.0", "2.1")


class PoetryLockLoader(Loader):
    """``poetry.lock``."""

    name = "poetry-lock"
    file_names = frozenset({"poetry.lock"})

    def matches(self, path: str) -> bool:
        """Exactly ``poetry.lock``."""
        return posixpath.basename(path) == "poetry.lock"

    def parse(self, text: str, source: Source, context: SourceContext = EMPTY_CONTEXT) -> ParseResult:
        """Read one ``poetry.lock`` (and the ``pyproject.toml`` beside it through ``context``)."""
        result = ParseResult()
        warn = result.warnings
        data = load_toml(text, source, "poetry.lock")
        lines = LineIndex(text)
        metadata = data.get("metadata")
        if isinstance(metadata, dict):
            lock_version = str(metadata.get("lock-version", metadata.get("lock_version", "1.0")))
            if lock_version not in KNOWN_LOCK_VERSIONS:
                warn.append(
                    ParseWarning(
                        source.display, lines.line_of("lock-version"), f"unknown lock-version {lock_version!r}"
                    )
                )
        elif data:
            warn.append(ParseWarning(source.display, None, "no [metadata] table: not a complete poetry.lock"))
        emit_package_tables(
            text,
            data,
            lines,
            source,
            context,
            result,
            lambda item, index, line, project: self._package(item, index, line, source, context, project, result),
        )
        return result

    def _package(
        self,
        item: Any,
        index: int,
        line: int | None,
        source: Source,
        context: SourceContext,
        project: str,
        result: ParseResult,
    ) -> Locked | None:
        warn = result.warnings
        identity = locked_identity(item, index, line, source, warn)
        if identity is None:
            return None
        name, purl = identity
        src = item.get("source") if isinstance(item.get("source"), dict) else {}
        if src.get("type") == "directory" and isinstance(src.get("url"), str):
            target_dir = posixpath.normpath(join(source.directory, src["url"]))
            if target_dir.startswith(".."):
                warn.append(ParseWarning(source.display, line, f"path dependency {name} points outside the repository"))
            else:
                target = make_project(
                    source.repo, project_in_dir(context, source.repo, target_dir), target_dir, target_dir
                )
                result.records.append(
                    ProjectDependency(project, target.key, src["url"], "runtime", None, Location(source.path, line))
                )
        groups = item.get("groups")
        raw_scope: str | None
        if isinstance(groups, list) and groups:
            names = [str(g) for g in groups]
            raw_scope = ",".join(names)
            scope = "runtime" if "main" in names else _strongest(scope_for_group(g) for g in names)
        elif isinstance(item.get("category"), str):
            raw_scope = item["category"]
            scope = "runtime" if raw_scope == "main" else scope_for_group(raw_scope)
        else:
            raw_scope, scope = None, "runtime"
        if item.get("optional") is True and scope == "runtime":
            scope = "optional"
        deps = item.get("dependencies")
        edges: list[Edge] = []
        for dep_name, spec in deps.items() if isinstance(deps, dict) else ():
            try:
                pypi(str(dep_name))
            except ValueError as exc:
                warn.append(ParseWarning(source.display, line, str(exc)))
                continue
            edges.append(Edge(canonical(str(dep_name)), *_range_and_scope(spec)))
        return Locked(canonical(name), purl, line, scope, raw_scope, edges, hashes=file_hashes(item))


def _strongest(scopes: Any) -> str:
    out = "unknown"
    for s in scopes:
        out = stronger_scope(out, s)
    return out


def _range_and_scope(spec: Any) -> tuple[str | None, None, str]:
    """A dependency's range (several constraints joined with `` || ``) and whether it is optional."""
    specs = spec if isinstance(spec, list) else [spec]
    ranges: list[str] = []
    optional = True
    for s in specs:
        if isinstance(s, str):
            ranges.append(s)
            optional = False
        elif isinstance(s, dict):
            if isinstance(s.get("version"), str):
                ranges.append(s["version"])
            if s.get("optional") is not True:
                optional = False
    return (" || ".join(ranges) or None), None, ("optional" if optional and specs else "runtime")
