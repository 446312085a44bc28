"""PDM lockfiles (``pdm.lock``, ``lock_version`` 4.x; 3.x read the same way).

Every ``[[package]]`` is a version the project resolves; its ``dependencies`` are PEP 508 strings
(locked edges, with the range as written). ``groups`` (``default`` = runtime, other names -> dev or
test by name) gives the scope. The project is the one in the same directory; the direct
dependencies come from its ``pyproject.toml`` read through the context. PDM repeats a package with
``extras`` as a second entry of the same version: both become one resolved version.
"""

from __future__ import annotations

import posixpath
from typing import Any

from loaders.base import EMPTY_CONTEXT, LineIndex, Loader, SourceContext
from loaders.python._common import (
    canonical,
    load_toml,
    parse_pep508,
    pypi,
    scope_for_group,
    stronger_scope,
)
from loaders.python._lock import Edge, Locked, emit_package_tables, file_hashes, locked_identity
from loaders.python._project import join, make_project, project_in_dir
from planner.model import Location, ParseResult, ParseWarning, ProjectDependency, Source

KNOWN_MAJOR_VERSIONS = ("3", "4")


class PdmLockLoader(Loader):
    """``pdm.lock``."""

    name = "pdm-lock"
    file_names = frozenset({"pdm.lock"})

    def matches(self, path: str) -> bool:
        """Exactly ``pdm.lock``."""
        return posixpath.basename(path) == "pdm.lock"

    def parse(self, text: str, source: Source, context: SourceContext = EMPTY_CONTEXT) -> ParseResult:
        """Read one ``pdm.lock`` (and the ``pyproject.toml`` beside it through ``context``)."""
        result = ParseResult()
        warn = result.warnings
        data = load_toml(text, source, "pdm.lock")
        lines = LineIndex(text)
        metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else None
        lock_version = str((metadata or {}).get("lock_version", ""))
        if metadata is None:
            if data:
                warn.append(ParseWarning(source.display, None, "no [metadata] table: not a complete pdm.lock"))
        elif lock_version.split(".")[0] not in KNOWN_MAJOR_VERSIONS:
            warn.append(
                ParseWarning(source.display, lines.line_of("lock_version"), f"unknown lock_version {lock_version!r}")
            )
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
        if isinstance(item.get("path"), str) and not item["path"].endswith((".whl", ".zip", ".tar.gz")):
            target_dir = posixpath.normpath(join(source.directory, item["path"]))
            if not target_dir.startswith(".."):
                target = make_project(
                    source.repo, project_in_dir(context, source.repo, target_dir), target_dir, target_dir
                )
                result.records.append(
                    ProjectDependency(project, target.key, item["path"], "runtime", None, Location(source.path, line))
                )
        groups = item.get("groups")
        raw_scope = None
        scope = None
        if isinstance(groups, list) and groups:
            names = [str(g) for g in groups]
            raw_scope = ",".join(names)
            scope = "unknown"
            for g in names:
                s = "runtime" if g == "default" else scope_for_group(g)
                scope = stronger_scope(scope, "dev" if s == "runtime" and g != "default" else s)
        edges: list[Edge] = []
        for dep in item.get("dependencies", []) if isinstance(item.get("dependencies"), list) else ():
            if not isinstance(dep, str):
                continue
            try:
                req = parse_pep508(dep)
                pypi(req.name)
            except ValueError as exc:
                warn.append(ParseWarning(source.display, line, str(exc)))
                continue
            edges.append(Edge(canonical(req.name), req.specifier, None, "runtime"))
        return Locked(canonical(name), purl, line, scope, raw_scope, edges, hashes=file_hashes(item))
