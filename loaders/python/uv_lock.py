"""uv lockfiles (``uv.lock``, ``version = 1``, any ``revision``).

The ``[[package]]`` whose source is ``editable = "."`` or ``virtual = "."`` is the project itself;
its ``dependencies``, ``optional-dependencies`` (extras) and ``dev-dependencies`` (PEP 735 groups)
are the direct dependencies. Other editable/virtual/directory packages are workspace members or
path dependencies: ``USES_PROJECT`` links, not packages. Every other package is a version the
project resolves; a name may be locked at several versions (split by ``resolution-markers``), and a
dependency entry then names the version it means. Ranges come from ``[package.metadata]
requires-dist`` / ``requires-dev`` where uv records them.
"""

from __future__ import annotations

import posixpath
from typing import Any

from loaders.base import EMPTY_CONTEXT, LineIndex, Loader, SourceContext, expect
from loaders.python._common import canonical, group_scope, load_toml, pypi, table_lines
from loaders.python._lock import Edge, Locked, emit_locked, file_hashes
from loaders.python._project import ProjectInfo, join, make_project, project_in_dir
from planner.model import Location, ParseResult, ParseWarning, ProjectDependency, Source

KNOWN_VERSIONS = (1,)
_PROJECT_SOURCES = ("editable", "virtual", "directory")


class UvLockLoader(Loader):
    """``uv.lock``."""

    name = "uv-lock"
    file_names = frozenset({"uv.lock"})

    def matches(self, path: str) -> bool:
        """Exactly ``uv.lock``."""
        return posixpath.basename(path) == "uv.lock"

    def parse(self, text: str, source: Source, context: SourceContext = EMPTY_CONTEXT) -> ParseResult:
        """Read one ``uv.lock``."""
        result = ParseResult()
        warn = result.warnings
        data = load_toml(text, source, "uv.lock")
        lines = LineIndex(text)
        version = data.get("version")
        if version not in KNOWN_VERSIONS:
            warn.append(
                ParseWarning(
                    source.display, lines.line_of("version"), f"unknown uv.lock version {version!r}; read as 1"
                )
            )
        items = data.get("package", [])
        expect(isinstance(items, list), source, lines.line_of("package"), "'package' is not an array of tables")
        header_lines = table_lines(text, "package")
        item_lines: list[int | None] = (
            list(header_lines) if len(header_lines) == len(items) else [None] * len(items)
        )  # the header line of each package table, when every table's is known
        root, members = _root_and_members(items, item_lines)

        info = project_in_dir(context, source.repo, source.directory)
        if (info is None or info.name is None) and root is not None and isinstance(root.get("name"), str):
            root_version = root.get("version") if isinstance(root.get("version"), str) else None
            info = ProjectInfo(source.directory, source.path, root["name"], root_version)
        project = make_project(source.repo, info, source.directory, source.path)
        result.records.append(project)
        result.extend(_member_links(project.key, members, root, source, context, warn))

        roots = [root] if root is not None else [m for m, _, _ in members]
        direct: list[tuple[str, str, str | None]] = []
        for r in roots:
            for edge in self._edges(r, source, None, warn, include_dev=True):
                direct.append((edge.name, edge.scope, edge.version))
        packages = self._locked(items, item_lines, root, source, warn)
        emit_locked(result, project.key, source, packages, direct)
        return result

    def _locked(
        self,
        items: list[Any],
        item_lines: list[int | None],
        root: dict[str, Any] | None,
        source: Source,
        warn: list[ParseWarning],
    ) -> list[Locked]:
        """Every package but the project itself as a Locked entry (members as graph nodes only); a
        warning for each entry that is not a table or has no name or version."""
        packages: list[Locked] = []
        for index, item in enumerate(items):
            line = item_lines[index]
            if not isinstance(item, dict):
                warn.append(ParseWarning(source.display, line, f"package #{index + 1} is not a table; skipped"))
                continue
            name, ver = item.get("name"), item.get("version")
            is_member = _project_source(item.get("source")) is not None
            if item is root:
                continue
            if not isinstance(name, str) or (not is_member and (not isinstance(ver, str) or not ver.strip())):
                warn.append(ParseWarning(source.display, line, f"package #{index + 1} has no name or version; skipped"))
                continue
            try:
                purl = pypi(name, ver if isinstance(ver, str) and ver.strip() else "0")
            except ValueError as exc:
                warn.append(ParseWarning(source.display, line, str(exc)))
                continue
            edges = self._edges(item, source, line, warn, include_dev=False)
            packages.append(
                Locked(canonical(name), purl, line, None, None, edges, emit=not is_member, hashes=file_hashes(item))
            )
        return packages

    def _edges(
        self, item: dict[str, Any], source: Source, line: int | None, warn: list[ParseWarning], include_dev: bool
    ) -> list[Edge]:
        ranges = _metadata_ranges(item.get("metadata"))
        out: list[Edge] = []

        def add(entries: Any, scope: str, group: str | None) -> None:
            for entry in entries if isinstance(entries, list) else ():
                if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
                    continue
                try:
                    pypi(entry["name"])
                except ValueError as exc:
                    warn.append(ParseWarning(source.display, line, str(exc)))
                    continue
                name = canonical(entry["name"])
                version = entry.get("version") if isinstance(entry.get("version"), str) else None
                out.append(Edge(name, ranges.get((group, name)), version, scope))

        add(item.get("dependencies"), "runtime", None)
        optional = item.get("optional-dependencies")
        for _extra, entries in optional.items() if isinstance(optional, dict) else ():
            add(entries, "optional", None)
        if include_dev:
            dev = item.get("dev-dependencies")
            for group, entries in dev.items() if isinstance(dev, dict) else ():
                add(entries, group_scope(str(group)), str(group))
        return out


def _root_and_members(
    items: list[Any], item_lines: list[int | None]
) -> tuple[dict[str, Any] | None, list[tuple[dict[str, Any], str, int | None]]]:
    """The project's own package (the first editable/virtual/directory one at ``.``) and every such
    package as ``(item, relative directory, line)``."""
    root: dict[str, Any] | None = None
    members: list[tuple[dict[str, Any], str, int | None]] = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        where = _project_source(item.get("source"))
        if where is not None:
            members.append((item, where, item_lines[index]))
            if posixpath.normpath(where) == "." and root is None:
                root = item
    return root, members


def _member_links(
    project: str,
    members: list[tuple[dict[str, Any], str, int | None]],
    root: dict[str, Any] | None,
    source: Source,
    context: SourceContext,
    warn: list[ParseWarning],
) -> list[ProjectDependency]:
    """The project -> member link of each workspace member or path dependency; a warning for one that
    is outside the repository."""
    out: list[ProjectDependency] = []
    for item, where, line in members:
        if item is root:
            continue
        target_dir = posixpath.normpath(join(source.directory, where))
        if target_dir.startswith(".."):
            warn.append(ParseWarning(source.display, line, f"member {item.get('name')!r} is outside the repository"))
            continue
        target_info = project_in_dir(context, source.repo, target_dir)
        if (target_info is None or target_info.name is None) and isinstance(item.get("name"), str):
            target_info = ProjectInfo(target_dir, None, item["name"], None)
        target = make_project(source.repo, target_info, target_dir, target_dir)
        out.append(ProjectDependency(project, target.key, where, "runtime", None, Location(source.path, line)))
    return out


def _project_source(src: Any) -> str | None:
    """The relative directory of an editable/virtual/directory source, None for anything else."""
    if not isinstance(src, dict):
        return None
    for kind in _PROJECT_SOURCES:
        if isinstance(src.get(kind), str):
            return src[kind]
    return None


def _metadata_ranges(metadata: Any) -> dict[tuple[str | None, str], str]:
    """``(group or None, name) -> specifier`` from ``requires-dist`` and ``requires-dev``."""
    out: dict[tuple[str | None, str], str] = {}
    if not isinstance(metadata, dict):
        return out

    def read(entries: Any, group: str | None) -> None:
        for entry in entries if isinstance(entries, list) else ():
            if isinstance(entry, dict) and isinstance(entry.get("name"), str):
                spec = entry.get("specifier")
                if isinstance(spec, str) and spec:
                    out.setdefault((group, canonical(entry["name"])), spec)

    read(metadata.get("requires-dist"), None)
    dev = metadata.get("requires-dev")
    for group, entries in dev.items() if isinstance(dev, dict) else ():
        read(entries, str(group))
    return out
