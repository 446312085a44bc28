"""npm ``package-lock.json`` (lockfileVersion 1, 2, 3) and ``npm-shrinkwrap.json``.

The lockfile's directory is the project (same key as its package.json). Every installed
``node_modules/...`` entry is a ``Resolved`` version with the scope npm computed (``dev``,
``optional``, ``devOptional``, ``peer`` flags). Depth and chain come from the dependency graph:
each dependency name is resolved the way Node does, from the dependent's own ``node_modules`` up
through its ancestors, and folder entries (the root and workspace members) are the roots, so
what a workspace member requires is direct. ``link: true`` entries are workspace/path links:
``ProjectDependency`` (root -> member with spec ``workspace-member``, member -> member with the range
as written), never registry packages. Each registry package's ``dependencies`` become
``VersionDependency`` metadata with the version the resolution picks.

Version 1 (nested ``dependencies`` with ``requires``) is converted to the same flat layout; its
direct dependencies come from the package.json beside it (through the context) when readable.

The work is split by job: the entry table (``_npm_lock_entries``), reading a big file entry by entry
(``_npm_lock_stream``: a lockfile of :data:`STREAM_CHARS` or more, whose records then come as a
:class:`~planner.record_stream.RecordStream` made part by part as the ingest loads them), and the graph
walk and records (``_npm_lock_graph``).
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Iterator
from itertools import chain
from typing import Any

from loaders.base import EMPTY_CONTEXT, LineIndex, Loader, SourceContext, expect, load_json
from loaders.js._common import is_own_file, join_dir, make_project, npm_purl, read_json
from loaders.js._npm_lock_entries import Entry, flat_entries, not_objects_warning, v1_entries
from loaders.js._npm_lock_graph import LockGraph, entry_purl
from loaders.js._npm_lock_stream import NotStreamable, stream_entries
from planner.model import ParseResult, ParseWarning, Project, ProjectDependency, Publishes, Record, Source
from planner.record_stream import RecordStream

KNOWN_VERSIONS = (1, 2, 3)
#: a lockfile of at least this many characters is read entry by entry and its records made on demand
#: (a :class:`RecordStream`): its JSON tree and all its records at once would take ~8x the file
STREAM_CHARS = 8_000_000


class NpmLockLoader(Loader):
    """``package-lock.json`` and ``npm-shrinkwrap.json``."""

    name = "npm-lock"
    file_names = frozenset({"package-lock.json", "npm-shrinkwrap.json"})

    def matches(self, path: str) -> bool:
        """``package-lock.json`` / ``npm-shrinkwrap.json`` outside ``node_modules`` (not ``.package-lock.json``)."""
        return is_own_file(path, "package-lock.json", "npm-shrinkwrap.json")

    def parse(self, text: str, source: Source, context: SourceContext = EMPTY_CONTEXT) -> ParseResult:
        """Read one npm lockfile (package.json beside it read through ``context`` when present). A big one
        (:data:`STREAM_CHARS`) is read entry by entry, telling ``context.progress``, and its records come
        as a :class:`RecordStream`."""
        result = ParseResult()
        read = _read_streamed(text, source, context, result.warnings) if len(text) >= STREAM_CHARS else None
        entries, doc_name, doc_version = read or _read_whole(text, source, context, result.warnings)
        root = entries.get("")
        directory = source.directory
        manifest = read_json(
            context, source.repo, posixpath.join("" if directory == "." else directory, "package.json")
        )
        name = (root.name if root else None) or doc_name
        ver = (root.version if root else None) or doc_version
        private = bool(manifest and manifest.get("private") is True)
        project = make_project(source.repo, directory, source.path, name, ver, private)
        first: list[Record] = [project]
        if project.ecosystem == "npm" and not private and project.purl:
            first.append(Publishes(project.key, npm_purl(str(name)).package))
        first.extend(_member_projects(entries, source, context))
        graph = LockGraph(entries, project.key, source)
        result.warnings.extend(graph.warnings())
        links = graph.links(result.warnings)
        if read is None:
            result.extend(_records(first, links, graph))
        else:
            estimate = len(first) + len(links) + sum(1 + len(e.deps) // 3 for e in entries.values() if e.installed)
            result.records = RecordStream(lambda: _records(first, links, graph), estimate)  # type: ignore[assignment]
        return result


def _records(first: list[Record], links: list[ProjectDependency], graph: LockGraph) -> Iterator[Record]:
    """Every record of a lockfile, in order: projects, Resolved, workspace links, VersionDependency."""
    return chain(first, graph.resolved(), links, graph.version_edges())


def _read_whole(
    text: str, source: Source, context: SourceContext, warn: list[ParseWarning]
) -> tuple[dict[str, Entry], Any, Any]:
    """The entry table, name and version of a lockfile parsed whole (``json.loads``)."""
    doc = load_json(text, source, warn)
    expect(isinstance(doc, dict), source, 1, "not an npm lockfile: top level is not an object")
    lines = LineIndex(text)
    version = doc.get("lockfileVersion")
    if version not in KNOWN_VERSIONS:
        expect(
            isinstance(doc.get("packages"), dict) or isinstance(doc.get("dependencies"), dict),
            source,
            1,
            "not an npm lockfile: neither packages nor dependencies",
        )
        warn.append(_unknown_version(version, source, lines.line_of('"lockfileVersion"')))
    if isinstance(doc.get("packages"), dict):
        entries = flat_entries(doc["packages"], text, lines, source, warn)
    else:
        entries = v1_entries(doc, text, lines, source, context)
    return entries, doc.get("name"), doc.get("version")


def _read_streamed(
    text: str, source: Source, context: SourceContext, warn: list[ParseWarning]
) -> tuple[dict[str, Entry], Any, Any] | None:
    """Like :func:`_read_whole` for a big lockfile with a ``packages`` object, entry by entry; None when
    the text is not one (the whole read then reports why, or reads version 1)."""
    try:
        streamed = stream_entries(text, context.progress, entry_purl)
    except NotStreamable:
        return None
    for key in sorted(streamed.duplicates):  # as load_json says it
        line = _line_of(text, json.dumps(key))
        warn.append(ParseWarning(source.display, line, f"duplicate key {key!r}: last one used"))
    top = streamed.top
    if top.get("lockfileVersion") not in KNOWN_VERSIONS:
        warn.append(_unknown_version(top.get("lockfileVersion"), source, _line_of(text, '"lockfileVersion"')))
    if streamed.not_objects:
        warn.append(not_objects_warning(len(streamed.not_objects), source, _line_of(text, '"packages"')))
    return streamed.entries, top.get("name"), top.get("version")


def _unknown_version(version: Any, source: Source, line: int | None) -> ParseWarning:
    return ParseWarning(source.display, line or 1, f"unknown lockfileVersion {version!r}; read as 3")


def _line_of(text: str, needle: str) -> int | None:
    """The line of the first ``needle`` in ``text`` (without indexing every line of a big text)."""
    pos = text.find(needle)
    return None if pos < 0 else text.count("\n", 0, pos) + 1


def _member_projects(entries: dict[str, Entry], source: Source, context: SourceContext) -> list[Project]:
    """The Project records of the workspace members (folder entries other than the root), the same as
    their package.json gives when it is in the ingest: each resolves its own dependencies."""
    out = []
    for loc, e in sorted(entries.items()):
        if loc == "" or e.installed or e.is_link:
            continue
        directory = join_dir(source.directory, loc)
        if directory is None:
            continue
        path = posixpath.join("" if directory == "." else directory, "package.json")
        manifest = read_json(context, source.repo, path) or {}
        name = manifest.get("name") if isinstance(manifest.get("name"), str) else e.name
        version = manifest.get("version") if isinstance(manifest.get("version"), str) else e.version
        out.append(make_project(source.repo, directory, path, name, version, manifest.get("private") is True))
    return out
