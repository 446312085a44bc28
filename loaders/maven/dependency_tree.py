"""The text output of ``mvn dependency:tree`` (plain or ``-Dverbose``, with or without ``[INFO]``).

Each tree root is a module (``group:artifact:packaging[:classifier]:version``); its project key is
the one the POM loader gives the module, found by matching the coordinates against the POMs of
the ingest (falling back to the tree file's directory). Every node that won resolution becomes a
``Resolved`` record with its depth and the chain that brings it in. Verbose-mode nodes in
parentheses (``omitted for duplicate``, ``omitted for conflict with 1.18.0``) lost: they are not
resolved, but like every other edge they are kept as ``VersionDependency`` metadata (parent version
-> child package, ``range`` = what the parent asked for, ``resolved`` = what Maven picked).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from loaders.base import EMPTY_CONTEXT, Loader, SourceContext
from loaders.maven._effective import Resolver, is_pom_path, raw_coordinates
from loaders.maven._model import SCOPES, kind_of_packaging
from planner import purl as purls
from planner.errors import ParseError
from planner.model import (
    Location,
    ParseResult,
    ParseWarning,
    Project,
    Resolved,
    Source,
    VersionDependency,
    project_key,
)

_LOG_PREFIX = re.compile(r"^\[(INFO|WARNING|WARN|ERROR|DEBUG)\]\s?")
_BRANCH = re.compile(r"^((?:\|  |   )*)(?:\+- |\\- )(.*)$")
_PART = r"[A-Za-z0-9_.\-+~$\[\](),]+"
_COORDS = re.compile(rf"^{_PART}(?::{_PART}){{3,5}}$")
_MANAGED_FROM = re.compile(r"version managed from ([^;)\s]+)")
_CONFLICT = re.compile(r"omitted for conflict with ([^;)\s]+)")
_GRADLE = re.compile(r"^(?:\+---|\\---) ")
_NAMES = ("dependency-tree.txt", "dependency_tree.txt", "dependencies-tree.txt", "mvn-dependency-tree.txt")
_SUFFIXES = (".dependency-tree.txt", "-dependency-tree.txt", "_dependency_tree.txt", ".deptree.txt")


@dataclass(frozen=True, slots=True)
class _Node:
    purl: purls.Purl
    raw_scope: str | None
    omitted: bool
    requested: str | None  # the version the parent asked for, when the output says it differs
    resolved: str | None  # the version Maven picked instead (omitted for conflict)
    line: int


class MavenDependencyTreeLoader(Loader):
    """``mvn dependency:tree`` text output."""

    name = "maven-dependency-tree"
    file_names = frozenset(_NAMES)
    file_globs = tuple(f"*{suffix}" for suffix in _SUFFIXES)

    def matches(self, path: str) -> bool:
        """``dependency-tree.txt``, ``dependency_tree.txt``, ``mvn-dependency-tree.txt``,
        ``*.dependency-tree.txt``, ``*-dependency-tree.txt``: never a generic ``*.txt``."""
        name = posixpath.basename(path).lower()
        return name in _NAMES or name.endswith(_SUFFIXES)

    def parse(self, text: str, source: Source, context: SourceContext = EMPTY_CONTEXT) -> ParseResult:
        """Read every module tree in the output."""
        result = ParseResult()
        roots: list[tuple[_Node, list[tuple[int, _Node | None, list[_Node | None]]]]] = []
        current: list[tuple[int, _Node | None, list[_Node | None]]] | None = None
        stack: list[_Node | None] = []
        for lineno, raw_line in enumerate(text.splitlines(), 1):
            line = _LOG_PREFIX.sub("", raw_line.rstrip(), count=1)
            if not line.strip():
                continue
            if _GRADLE.match(line):
                raise ParseError(source.display, lineno, "Gradle 'dependencies' output, not mvn dependency:tree")
            m = _BRANCH.match(line)
            if m is None:
                root = _root(line.strip(), lineno)
                if root is not None:
                    current = []
                    roots.append((root, current))
                    stack = [root]
                continue
            if current is None:
                result.warnings.append(ParseWarning(source.display, lineno, "tree line before any module; skipped"))
                continue
            depth = len(m.group(1)) // 3 + 1
            if depth > len(stack):
                result.warnings.append(ParseWarning(source.display, lineno, "tree line indented too deep; skipped"))
                continue
            node = _node(m.group(2).strip(), lineno)
            if node is None:
                result.warnings.append(
                    ParseWarning(source.display, lineno, f"not a dependency: {m.group(2).strip()[:80]!r}")
                )
            del stack[depth:]
            current.append((depth, node, list(stack)))
            stack.append(node)
        if not roots:
            raise ParseError(source.display, 1, "no dependency tree found (not mvn dependency:tree output)")
        edges: set[VersionDependency] = set()
        for root, nodes in roots:
            self._module(root, nodes, source, context, result, edges)
        result.extend(sorted(edges, key=_edge_order))  # across modules: the widest scope of a pair first
        return result

    def _module(
        self,
        root: _Node,
        nodes: list[tuple[int, _Node | None, list[_Node | None]]],
        source: Source,
        context: SourceContext,
        result: ParseResult,
        edges: set[VersionDependency],
    ) -> None:
        """Add one module's project and resolutions to ``result`` and its DEPENDS_ON statements to ``edges``."""
        project = _project(root, source, context)
        resolved: dict[str, Resolved] = {}
        for depth, node, ancestors in nodes:
            if node is None:
                continue
            scope = SCOPES.get(node.raw_scope or "compile", "unknown")
            parent = ancestors[-1] if ancestors else None
            if depth >= 2 and parent is not None:
                edges.add(
                    VersionDependency(
                        version=parent.purl.key,
                        package=node.purl.package,
                        range=node.requested or node.purl.version,
                        resolved=node.resolved or node.purl.version,
                        scope=scope,
                    )
                )
            if node.omitted:
                continue
            chain = [*ancestors[1:], node]
            path = tuple(n.purl.key for n in chain) if all(n is not None for n in chain) else ()
            rec = Resolved(
                project=project.key,
                version=node.purl.key,
                scope=scope,
                raw_scope=node.raw_scope,
                depth=depth,
                path=path,
                location=Location(source.path, node.line),
            )
            prev = resolved.get(rec.version)
            if prev is None or depth < (prev.depth or 10**9):
                resolved[rec.version] = rec
        result.records.append(project)
        result.extend(resolved[k] for k in sorted(resolved))


#: a (version, package) pair stated under several modules: the widest scope first, since the first
#: statement of a pair is the one a file keeps (planner/store/record_rows.py). Under each module Maven
#: shows a dependency's own dependencies with the scope it mediated for that module: ``test`` under a
#: module that uses the dependency in tests, ``compile`` under one that ships it.
_SCOPE_ORDER = {"runtime": 0, "provided": 1, "build": 2, "test": 3}


def _edge_order(e: VersionDependency) -> tuple[str, str, int, str, str, str]:
    """Sort key of the DEPENDS_ON statements: by pair, the widest scope first, then what was asked and
    what won; every field takes part, so the order never depends on the set they were gathered in."""
    return (
        e.version,
        e.package,
        _SCOPE_ORDER.get(e.scope, len(_SCOPE_ORDER)),
        e.range or "",
        e.resolved or "",
        e.scope,
    )


def _root(text: str, line: int) -> _Node | None:
    """A module line: ``g:a:packaging:version`` or ``g:a:packaging:classifier:version``."""
    if not _COORDS.match(text):
        return None
    parts = text.split(":")
    if len(parts) not in (4, 5):
        return None
    try:
        p = purls.maven(parts[0], parts[1], parts[-1])
    except ValueError:
        return None
    return _Node(p, parts[2], False, None, None, line)  # raw_scope holds the packaging for a root


def _node(text: str, line: int) -> _Node | None:
    """A dependency: ``g:a:type[:classifier]:version:scope`` plus notes, or all of it in parentheses."""
    omitted = text.startswith("(") and text.endswith(")")
    if omitted:
        coords, _, notes = text[1:-1].partition(" - ")
    else:
        coords, _, notes = text.partition(" ")
    coords = coords.strip()
    if not _COORDS.match(coords):
        return None
    parts = coords.split(":")
    if len(parts) not in (5, 6):
        return None
    group, artifact, version, scope = parts[0], parts[1], parts[-2], parts[-1]
    try:
        p = purls.maven(group, artifact, version)
    except ValueError:
        return None
    managed = _MANAGED_FROM.search(notes)
    conflict = _CONFLICT.search(notes)
    requested = managed.group(1) if managed else (version if conflict else None)
    return _Node(p, scope, omitted, requested, conflict.group(1) if conflict else None, line)


def _project(root: _Node, source: Source, context: SourceContext) -> Project:
    """The module's project, keyed like the POM loader keys it when its POM is in the ingest."""
    group, artifact, version = root.purl.namespace or "", root.purl.name, root.purl.version or ""
    manifest = _find_pom(group, artifact, version, source, context)
    if manifest:
        context.read(source.repo, manifest)  # the key depends on where that POM is: record it as an input
    directory = (posixpath.dirname(manifest) or ".") if manifest else source.directory
    return Project(
        key=project_key(source.repo, directory, root.purl.package),
        name=root.purl.display_name,
        ecosystem="maven",
        repo=source.repo,
        path=directory,
        manifest=manifest or source.path,
        purl=root.purl.key,
        version=root.purl.version,
        kind=kind_of_packaging(root.raw_scope),
    )


def _find_pom(group: str, artifact: str, version: str, source: Source, context: SourceContext) -> str | None:
    """The repo-relative path of the module's POM in the same repository: exact coordinates first,
    then group and artifact alone; the one nearest the tree file wins a tie."""
    resolver = Resolver(context, lambda _line, _message: None)
    candidates: list[tuple[int, int, str]] = []
    for src in context.sources():
        if src.repo != source.repo or not is_pom_path(src.path):
            continue
        raw = resolver.peek(src.repo, src.path)
        coords = raw_coordinates(raw) if raw is not None else None
        if coords is None or coords[0] != group or coords[1] != artifact:
            continue
        distance = _distance(posixpath.dirname(src.path), source.directory)
        candidates.append((0 if coords[2] == version else 1, distance, src.path))
    return min(candidates)[2] if candidates else None


def _distance(a: str, b: str) -> int:
    pa = [p for p in a.split("/") if p not in ("", ".")]
    pb = [p for p in b.split("/") if p not in ("", ".")]
    common = 0
    while common < min(len(pa), len(pb)) and pa[common] == pb[common]:
        common += 1
    return len(pa) + len(pb) - 2 * common
