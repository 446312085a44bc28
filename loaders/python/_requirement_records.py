"""The records of a requirements file: each entry read as a requirement, a path or URL, or a pin of compiled output."""

from __future__ import annotations

import posixpath
import re
from collections import deque
from dataclasses import dataclass, field

from loaders.base import SourceContext
from loaders.python._common import canonical, exact_pin, parse_pep508, pypi, stronger_scope
from loaders.python._project import ProjectInfo, make_project, project_in_dir
from planner import purl as purls
from planner.model import (
    Constrains,
    Declared,
    Location,
    ParseWarning,
    Project,
    ProjectDependency,
    Resolved,
    Source,
    VersionDependency,
)

_EGG = re.compile(r"[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)")
_WHEEL = re.compile(r"/([A-Za-z0-9][A-Za-z0-9._]*)-([0-9][^-/]*)(?:-[^/]*)?\.whl(?:[#?].*)?$")


@dataclass(slots=True)
class Entry:
    """One requirement line (after joining continuations)."""

    path: str
    line: int
    text: str
    constraint: bool
    compiled: bool
    scope: str
    raw_scope: str
    via: list[str] = field(default_factory=list)
    editable: bool = False


@dataclass(slots=True)
class RequirementsFile:
    """One physical file of the include tree."""

    path: str
    compiled: bool
    entries: list[Entry] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Parsed:
    name: str
    specifier: str | None
    marker: str | None
    url: str | None
    path: str | None  # a local directory/file requirement


def _parse_entry(entry: Entry) -> _Parsed:
    """A requirement line (options after it dropped) as name/spec/marker/url, or a local path."""
    tokens = entry.text.split()
    args: list[str] = []
    for token in tokens:
        if token.startswith("-") and args:
            break
        args.append(token)
    text = " ".join(args)
    if entry.editable or _looks_like_path_or_url(text):
        return _parse_url_or_path(text)
    req = parse_pep508(text)
    return _Parsed(req.name, req.specifier, req.marker, req.url, None)


def _looks_like_path_or_url(text: str) -> bool:
    head = text.split(";", 1)[0].strip()
    if " @ " in text or re.match(r"^[A-Za-z0-9][A-Za-z0-9._-]*\s*(\[[^\]]*\])?\s*@", text):
        return False
    return (
        "://" in head
        or head.startswith(("git+", "hg+", "svn+", "bzr+", "file:", ".", "/", "~"))
        or head.endswith((".whl", ".zip", ".tar.gz", ".tar.bz2", ".tgz"))
    )


def _parse_url_or_path(text: str) -> _Parsed:
    head, _, marker_text = text.partition(";")
    head = head.strip()
    marker = None
    if marker_text.strip():
        from loaders.python._common import normalise_marker

        marker = normalise_marker(marker_text)
    if re.match(r"^[A-Za-z0-9][A-Za-z0-9._-]*\s*(\[[^\]]*\])?\s*@", head) and "://" not in head.split("@", 1)[0]:
        req = parse_pep508(text)
        return _Parsed(req.name, req.specifier, req.marker, req.url, None)
    egg = _EGG.search(head)
    if "://" in head or head.startswith(("git+", "hg+", "svn+", "bzr+")):
        if egg:
            return _Parsed(egg.group(1), None, marker, head, None)
        wheel = _WHEEL.search(head)
        if wheel:
            return _Parsed(wheel.group(1), f"=={wheel.group(2)}", marker, head, None)
        if head.startswith("file:"):
            return _Parsed("", None, marker, None, head.removeprefix("file://").removeprefix("file:"))
        raise ValueError(f"cannot tell the package name of {head!r} (no #egg=)")
    return _Parsed(egg.group(1) if egg else "", None, marker, None, head.split("#", 1)[0].split("[", 1)[0])


def emit_file(
    f: RequirementsFile,
    project: Project,
    info: ProjectInfo | None,
    source: Source,
    context: SourceContext,
    records: set[object],
    resolved: dict[str, Resolved],
    warnings: list[ParseWarning],
) -> None:
    """The records of one file of the include tree: declarations, path links and compiled pins."""
    display = source.display if f.path == source.path else f.path
    pins: dict[str, tuple[Entry, purls.Purl]] = {}
    for entry in f.entries:
        where = Location(f.path, entry.line)
        try:
            parsed = _parse_entry(entry)
        except ValueError as exc:
            warnings.append(ParseWarning(display, entry.line, str(exc)))
            continue
        if parsed.path is not None:
            _path_link(parsed, entry, project, info, source, context, records, warnings, display)
            continue
        try:
            package = pypi(parsed.name)
        except ValueError as exc:
            warnings.append(ParseWarning(display, entry.line, str(exc)))
            continue
        pin = exact_pin(parsed.specifier)
        if entry.constraint:
            records.add(
                Constrains(project.key, package.package, parsed.specifier, "pip-constraint", where, None, parsed.url)
            )
            continue
        if pin is not None and entry.compiled:
            versioned = pypi(parsed.name, pin)
            pins[canonical(parsed.name)] = (entry, versioned)
            continue
        records.add(
            Declared(
                project.key,
                package.package,
                parsed.specifier,
                entry.scope,
                entry.raw_scope,
                False,
                where,
                None,
                parsed.marker,
                parsed.url,
            )
        )
        if pin is not None:
            versioned = pypi(parsed.name, pin)
            _add_resolved(
                resolved, Resolved(project.key, versioned.key, entry.scope, entry.raw_scope, 1, (versioned.key,), where)
            )
    if pins:
        _emit_compiled(pins, project, f.path, records, resolved)


def _path_link(
    parsed: _Parsed,
    entry: Entry,
    project: Project,
    info: ProjectInfo | None,
    source: Source,
    context: SourceContext,
    records: set[object],
    warnings: list[ParseWarning],
    display: str,
) -> None:
    """``-e .`` / ``./lib``: a link to the Python project there (pip resolves it from the working directory,
    so the file's directory, the project's directory and the repository root are tried in that order)."""
    raw = parsed.path or "."
    if raw.startswith(("/", "~")):
        warnings.append(ParseWarning(display, entry.line, f"absolute path {raw!r} is not a project of this repository"))
        return
    bases = [posixpath.dirname(entry.path) or ".", project.path, "."]
    for base in dict.fromkeys(bases):
        target_dir = posixpath.normpath(posixpath.join(base, raw))
        if target_dir.startswith(".."):
            continue
        target_info = project_in_dir(context, source.repo, target_dir)
        if target_info is None:
            continue
        target = make_project(source.repo, target_info, target_dir, target_dir)
        if target.key == project.key:
            return  # the project installs itself (``-e .``)
        records.add(
            ProjectDependency(
                project.key,
                target.key,
                entry.text.split()[0] if not entry.editable else f"-e {raw}",
                entry.scope,
                entry.raw_scope,
                Location(entry.path, entry.line),
            )
        )
        return
    warnings.append(
        ParseWarning(
            display, entry.line, f"{'-e ' if entry.editable else ''}{raw!r} is not a Python project in this ingest"
        )
    )


def _add_resolved(resolved: dict[str, Resolved], rec: Resolved) -> None:
    prev = resolved.get(rec.version)
    if prev is None:
        resolved[rec.version] = rec
        return
    better_depth = (rec.depth or 10**9) < (prev.depth or 10**9)
    same_depth = (rec.depth or 10**9) == (prev.depth or 10**9)
    if better_depth or (same_depth and stronger_scope(rec.scope, prev.scope) == rec.scope and rec.scope != prev.scope):
        resolved[rec.version] = rec


def _emit_compiled(
    pins: dict[str, tuple[Entry, purls.Purl]],
    project: Project,
    path: str,
    records: set[object],
    resolved: dict[str, Resolved],
) -> None:
    """Resolved pins of one compiled file, with depth/chain from the ``# via`` parents."""
    children: dict[str, set[str]] = {}
    direct: list[str] = []
    for name, (entry, _purl) in pins.items():
        parents = [_via_name(v) for v in entry.via]
        if not entry.via or any(v.startswith("-") for v in entry.via):
            direct.append(name)
        for parent in parents:
            if parent and parent in pins:
                children.setdefault(parent, set()).add(name)
    chains: dict[str, tuple[str, ...]] = {}
    queue: deque[str] = deque()
    for name in sorted(direct):
        chains[name] = (name,)
        queue.append(name)
    while queue:
        name = queue.popleft()
        for child in sorted(children.get(name, ())):
            if child not in chains:
                chains[child] = (*chains[name], child)
                queue.append(child)
    for name, (entry, versioned) in pins.items():
        chain = chains.get(name)
        _add_resolved(
            resolved,
            Resolved(
                project.key,
                versioned.key,
                entry.scope,
                entry.raw_scope,
                len(chain) if chain else None,
                tuple(pins[n][1].key for n in chain) if chain else (),
                Location(path, entry.line),
            ),
        )
    for parent, kids in children.items():
        for child in kids:
            records.add(
                VersionDependency(pins[parent][1].key, pins[child][1].package, None, pins[child][1].version, "runtime")
            )


def _via_name(via: str) -> str | None:
    """The canonical package name of a ``# via`` item, None for ``-r file`` / ``-c file`` items."""
    if via.startswith("-"):
        return None
    token = via.split()[0] if via.split() else ""
    token = token.split("[", 1)[0]
    try:
        return canonical(token) if token else None
    except Exception:  # canonicalize_name accepts any string; defensive only
        return None
