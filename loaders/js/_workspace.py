"""npm/Yarn/pnpm workspaces, read through the SourceContext.

The workspace root of a directory is the nearest ancestor (or the directory itself) whose
package.json has ``workspaces`` (npm, Yarn) or that holds a ``pnpm-workspace.yaml``, and whose
globs cover the directory. Members are the package.json files *of this ingest* (``context.sources()``)
under the root whose directories match the globs. Catalogs come from ``pnpm-workspace.yaml``
(``catalog``/``catalogs``) or Yarn's ``.yarnrc.yml``.
"""

from __future__ import annotations

import copy
import posixpath
import re
import weakref
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from loaders.js._common import dir_of, read_json, valid_name
from loaders.js._yaml import load_yaml
from planner.errors import ParseError
from planner.model import Source


@dataclass(frozen=True, slots=True)
class Member:
    """One workspace package: its directory, name and version."""

    directory: str
    name: str | None
    version: str | None


@dataclass(slots=True)
class Workspace:
    """A workspace root, its member packages and its catalogs."""

    root: str
    patterns: tuple[str, ...]
    members: dict[str, Member] = field(default_factory=dict)  # directory -> member
    catalogs: dict[str, dict[str, str]] = field(default_factory=dict)  # catalog name -> package -> range
    catalog_file: str | None = None
    covers: bool = True  # False: the directory is outside the globs (still resolves ``workspace:``)

    def by_name(self, name: str) -> Member | None:
        """The member package called ``name`` (the lowest directory on a tie)."""
        for directory in sorted(self.members):
            if self.members[directory].name == name:
                return self.members[directory]
        return None


def patterns_of(workspaces: Any) -> tuple[str, ...]:
    """npm/Yarn ``workspaces`` (a list, or ``{packages: [...]}``) as a tuple of globs."""
    if isinstance(workspaces, dict):
        workspaces = workspaces.get("packages")
    if not isinstance(workspaces, list):
        return ()
    return tuple(p for p in workspaces if isinstance(p, str) and p.strip())


@lru_cache(maxsize=512)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    p = pattern.strip().removeprefix("./").rstrip("/")
    out: list[str] = []
    i = 0
    while i < len(p):
        if p.startswith("**/", i):
            out.append("(?:[^/]+/)*")
            i += 3
        elif p.startswith("**", i):
            out.append(".*")
            i += 2
        elif p[i] == "*":
            out.append("[^/]*")
            i += 1
        elif p[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(p[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")


def glob_matches(rel_dir: str, patterns: tuple[str, ...]) -> bool:
    """Whether a directory (relative to the workspace root) is covered by the globs (``!x`` excludes)."""
    hit = False
    for pattern in patterns:
        negative = pattern.startswith("!")
        body = pattern[1:] if negative else pattern
        if _glob_regex(body).match(rel_dir):
            hit = not negative
    return hit


def _rel(directory: str, root: str) -> str | None:
    if root == ".":
        return directory
    if directory == root:
        return "."
    return directory[len(root) + 1 :] if directory.startswith(root + "/") else None


def _ancestors(directory: str) -> list[str]:
    out = [directory]
    while directory not in (".", ""):
        directory = posixpath.dirname(directory) or "."
        out.append(directory)
    return out


def _yaml_doc(context: Any, repo: str, path: str) -> dict[str, Any] | None:
    text = context.read(repo, path)
    if text is None:
        return None
    data = _yaml_text(text, repo, path)
    return copy.deepcopy(data) if data is not None else None


@lru_cache(maxsize=64)
def _yaml_text(text: str, repo: str, path: str) -> dict[str, Any] | None:
    """Parsed workspace YAML (pnpm-workspace.yaml, .yarnrc.yml), once per content."""
    try:
        data = load_yaml(text, Source(repo, path, path), [])
    except ParseError:
        return None
    return data if isinstance(data, dict) else None


#: per ingest context: (repo, workspace root, patterns) -> member manifest paths
_MEMBER_PATHS: weakref.WeakKeyDictionary[Any, dict[tuple[str, str, tuple[str, ...]], list[str]]] = (
    weakref.WeakKeyDictionary()
)


def _member_paths(context: Any, repo: str, anc: str, patterns: tuple[str, ...]) -> list[str]:
    """The package.json paths under a workspace root that its globs cover (computed once per context)."""
    try:
        per_context = _MEMBER_PATHS.setdefault(context, {})
    except TypeError:  # a context that cannot be weakly referenced: no caching
        per_context = {}
    key = (repo, anc, patterns)
    if key not in per_context:
        paths = []
        for src in context.sources():
            if src.repo != repo or posixpath.basename(src.path) != "package.json":
                continue
            mdir = dir_of(src.path)
            mrel = _rel(mdir, anc)
            if mrel in (None, ".") or "node_modules" in mdir.split("/"):
                continue
            if glob_matches(mrel, patterns):
                paths.append(src.path)
        per_context[key] = paths
    return per_context[key]


def _catalogs(doc: dict[str, Any] | None) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    if not doc:
        return out
    if isinstance(doc.get("catalog"), dict):
        out["default"] = {str(k): str(v) for k, v in doc["catalog"].items() if isinstance(v, (str, int, float))}
    named = doc.get("catalogs")
    if isinstance(named, dict):
        for cname, entries in named.items():
            if isinstance(entries, dict):
                out[str(cname)] = {str(k): str(v) for k, v in entries.items() if isinstance(v, (str, int, float))}
    return out


def _join(directory: str, name: str) -> str:
    return name if directory == "." else f"{directory}/{name}"


def find_workspace(context: Any, repo: str, directory: str) -> Workspace | None:
    """The workspace ``directory`` belongs to (or is the root of), or None.

    When no root's globs cover the directory, the nearest root is returned with ``covers=False``:
    Yarn still resolves ``workspace:`` specs of such linked packages against the project.
    """
    fallback: Workspace | None = None
    for anc in _ancestors(directory):
        manifest = read_json(context, repo, _join(anc, "package.json"))
        patterns = patterns_of(manifest.get("workspaces")) if manifest else ()
        pnpm = _yaml_doc(context, repo, _join(anc, "pnpm-workspace.yaml"))
        if not patterns and pnpm is not None:
            pkgs = pnpm.get("packages")
            patterns = tuple(p for p in pkgs if isinstance(p, str)) if isinstance(pkgs, list) else ()
            if not patterns:
                patterns = ("__pnpm_root_only__",)
        if not patterns:
            continue
        rel = _rel(directory, anc)
        covers = rel is not None and (rel == "." or glob_matches(rel, patterns))
        if not covers and fallback is not None:
            continue
        ws = Workspace(anc, patterns, covers=covers)
        catalog_file = _join(anc, "pnpm-workspace.yaml") if pnpm is not None else _join(anc, ".yarnrc.yml")
        ws.catalogs = _catalogs(pnpm) or _catalogs(_yaml_doc(context, repo, catalog_file))
        ws.catalog_file = catalog_file if ws.catalogs else None
        for path in _member_paths(context, repo, anc, patterns):
            mdir = dir_of(path)
            data = read_json(context, repo, path) or {}  # read (not peeked): members are this file's inputs
            name = data.get("name") if valid_name(data.get("name")) else None
            version = data.get("version") if isinstance(data.get("version"), str) else None
            ws.members[mdir] = Member(mdir, name, version)
        if covers:
            return ws
        fallback = ws
    return fallback
