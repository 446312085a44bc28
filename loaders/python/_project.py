"""Which Python project a file belongs to, and the direct dependencies it declares.

Every Python loader keys its project the same way, so a ``pyproject.toml``, the lockfile beside
it and the requirements files under it meet in one ``Project`` node:

* a directory with a ``pyproject.toml`` naming the distribution (``[project].name`` or
  ``[tool.poetry].name``), or a ``setup.cfg`` (``[metadata] name``) or ``setup.py``
  (``name="..."``) -> ``project_key(repo, dir, pkg:pypi/<normalised name>)``;
* otherwise (no project file, or one without a name) -> ``pkg:generic/<directory name>`` (the
  repository name at the root).

Other files are read only through the :class:`~loaders.base.SourceContext`.
"""

from __future__ import annotations

import configparser
import posixpath
import re
import tomllib
from dataclasses import dataclass, field
from typing import Any

from loaders.base import SourceContext
from loaders.python._common import canonical, group_scope, normalise_version, parse_pep508, stronger_scope
from loaders.python._common import pypi as pypi_purl
from planner import purl as purls
from planner.model import Project, project_key

_SETUP_PY_NAME = re.compile(r"""\bname\s*=\s*['"]([A-Za-z0-9][A-Za-z0-9._-]*)['"]""")
_SETUP_PY_VERSION = re.compile(r"""\bversion\s*=\s*['"]([^'"]+)['"]""")
MAX_WALK = 64


@dataclass(frozen=True, slots=True)
class ProjectInfo:
    """What a directory says about the Python project it holds."""

    directory: str
    manifest: str | None  # repo-relative path of the defining file, None when there is none
    name: str | None = None
    version: str | None = None
    direct: dict[str, str] = field(default_factory=dict)  # canonical name -> scope, from pyproject.toml


def join(directory: str, name: str) -> str:
    """``directory/name`` as a repo-relative POSIX path (``name`` at the root)."""
    return name if directory in ("", ".") else f"{directory}/{name}"


def parent(directory: str) -> str:
    """The parent directory, ``.`` for a top-level directory."""
    return posixpath.dirname(directory) or "."


def pyproject_name_version(data: dict[str, Any]) -> tuple[str | None, str | None]:
    """The distribution name and static version of a parsed ``pyproject.toml`` (PEP 621, then Poetry)."""
    project = data.get("project") if isinstance(data.get("project"), dict) else {}
    poetry = _poetry(data)
    name = project.get("name") if isinstance(project.get("name"), str) else None
    if name is None and isinstance(poetry.get("name"), str):
        name = poetry["name"]
    version = project.get("version") if isinstance(project.get("version"), str) else None
    if version is None and isinstance(poetry.get("version"), str):
        version = poetry["version"]
    return (name.strip() or None) if name else None, (normalise_version(version) if version else None)


def _poetry(data: dict[str, Any]) -> dict[str, Any]:
    tool = data.get("tool") if isinstance(data.get("tool"), dict) else {}
    poetry = tool.get("poetry")
    return poetry if isinstance(poetry, dict) else {}


def direct_dependencies(data: dict[str, Any]) -> dict[str, str]:
    """Canonical names of every dependency a parsed ``pyproject.toml`` declares, with the strongest scope.

    Reads PEP 621 ``dependencies``/``optional-dependencies``, PEP 735 ``[dependency-groups]``, Poetry
    ``dependencies``/``group.*.dependencies``/``dev-dependencies``, ``[tool.uv] dev-dependencies`` and
    ``[tool.pdm.dev-dependencies]``. Entries that do not parse are skipped (the pyproject loader warns).
    """
    out: dict[str, str] = {}

    def add(name: str, scope: str) -> None:
        key = canonical(name)
        if key == "python":
            return
        out[key] = stronger_scope(out[key], scope) if key in out else scope

    def add_pep508(items: Any, scope: str) -> None:
        for item in items if isinstance(items, list) else ():
            if isinstance(item, str):
                try:
                    add(parse_pep508(item).name, scope)
                except ValueError:
                    continue

    project = data.get("project") if isinstance(data.get("project"), dict) else {}
    add_pep508(project.get("dependencies"), "runtime")
    optional = project.get("optional-dependencies")
    for items in optional.values() if isinstance(optional, dict) else ():
        add_pep508(items, "optional")
    groups = data.get("dependency-groups")
    for group, items in groups.items() if isinstance(groups, dict) else ():
        add_pep508(items, group_scope(group))
    poetry = _poetry(data)
    for table, scope in ((poetry.get("dependencies"), "runtime"), (poetry.get("dev-dependencies"), "dev")):
        for name in table if isinstance(table, dict) else ():
            add(str(name), scope)
    pgroups = poetry.get("group")
    for group, body in pgroups.items() if isinstance(pgroups, dict) else ():
        deps = body.get("dependencies") if isinstance(body, dict) else None
        for name in deps if isinstance(deps, dict) else ():
            add(str(name), group_scope(str(group)))
    tool = data.get("tool") if isinstance(data.get("tool"), dict) else {}
    uv = tool.get("uv") if isinstance(tool.get("uv"), dict) else {}
    add_pep508(uv.get("dev-dependencies"), "dev")
    pdm = tool.get("pdm") if isinstance(tool.get("pdm"), dict) else {}
    pdm_dev = pdm.get("dev-dependencies")
    for group, items in pdm_dev.items() if isinstance(pdm_dev, dict) else ():
        add_pep508(items, group_scope(str(group)))
    return out


def project_in_dir(context: SourceContext, repo: str, directory: str) -> ProjectInfo | None:
    """The Python project defined in exactly ``directory`` (via the context), or None when there is none."""
    path = join(directory, "pyproject.toml")
    text = context.read(repo, path)
    if text is not None:
        try:
            data = tomllib.loads(text)
        except (tomllib.TOMLDecodeError, RecursionError):
            data = {}
        name, version = pyproject_name_version(data)
        if name is not None or not _setup_defines(context, repo, directory):
            return ProjectInfo(directory, path, name, version, direct_dependencies(data))
    path = join(directory, "setup.cfg")
    text = context.read(repo, path)
    if text is not None:
        name, version = _setup_cfg(text)
        if name:
            return ProjectInfo(directory, path, name, version)
    path = join(directory, "setup.py")
    text = context.read(repo, path)
    if text is not None:
        m = _SETUP_PY_NAME.search(text)
        v = _SETUP_PY_VERSION.search(text)
        return ProjectInfo(directory, path, m.group(1) if m else None, normalise_version(v.group(1)) if v else None)
    if context.read(repo, join(directory, "setup.cfg")) is not None:
        return ProjectInfo(directory, join(directory, "setup.cfg"))
    return None


def _setup_defines(context: SourceContext, repo: str, directory: str) -> bool:
    return any(context.read(repo, join(directory, f)) is not None for f in ("setup.cfg", "setup.py"))


def _setup_cfg(text: str) -> tuple[str | None, str | None]:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
    except configparser.Error:
        return None, None
    name = parser.get("metadata", "name", fallback=None)
    version = parser.get("metadata", "version", fallback=None)
    if version and (version.startswith("attr:") or version.startswith("file:")):
        version = None
    return (name.strip() or None) if name else None, normalise_version(version) if version else None


def find_project_upwards(context: SourceContext, repo: str, directory: str) -> ProjectInfo | None:
    """The nearest Python project in ``directory`` or above it, up to the repository root."""
    current = directory or "."
    for _ in range(MAX_WALK):
        info = project_in_dir(context, repo, current)
        if info is not None:
            return info
        if current == ".":
            return None
        current = parent(current)
    return None


def owner_directory_for_requirements(directory: str) -> str:
    """Where a requirements file without a project belongs: its directory, or the parent of ``requirements/``."""
    parts = directory.split("/") if directory not in ("", ".") else []
    while parts and parts[-1].lower() in ("requirements", "reqs", "requirements.d"):
        parts.pop()
    return "/".join(parts) or "."


def make_project(repo: str, info: ProjectInfo | None, directory: str, fallback_manifest: str) -> Project:
    """The ``Project`` record for ``info`` (or a generic one named after ``directory``)."""
    if info is not None:
        directory = info.directory
    name = info.name if info else None
    purl: purls.Purl | None = None
    if name:
        try:
            purl = pypi_purl(name, info.version if info else None)
        except ValueError:
            purl = None
    if purl is None:
        base = posixpath.basename(directory) if directory not in ("", ".") else repo
        purl = purls.build("generic", None, base or repo or "project")
        return Project(
            key=project_key(repo, directory, purl.package),
            name=purl.name,
            ecosystem="generic",
            repo=repo,
            path=directory or ".",
            manifest=(info.manifest if info and info.manifest else fallback_manifest),
            purl=purl.key,
            version=None,
            kind="unknown",
        )
    return Project(
        key=project_key(repo, directory, purl.package),
        name=purl.name,
        ecosystem="pypi",
        repo=repo,
        path=directory or ".",
        manifest=(info.manifest if info and info.manifest else fallback_manifest),
        purl=purl.key,
        version=purl.version,
        kind="library",
    )
