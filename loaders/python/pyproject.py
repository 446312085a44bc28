"""``pyproject.toml``: PEP 621 ``[project]``, PEP 735 ``[dependency-groups]``, Poetry and build requirements.

The project is named by ``[project].name`` (else ``[tool.poetry].name``); one without a name (a
file holding only tool settings or dependency groups) is a generic project named after its
directory and publishes nothing. Declarations:

* ``[project] dependencies`` -> runtime; ``optional-dependencies.<extra>`` -> optional (raw scope
  ``optional-dependencies.<extra>``); ``[dependency-groups]`` (with ``{include-group = ...}``) ->
  scope by group name (``test*`` -> test, ``dev``/``lint``/``docs``/``typing`` -> dev);
  ``[build-system] requires`` -> build.
* Poetry ``[tool.poetry.dependencies]`` (``python`` is not a dependency), ``group.<g>.dependencies``
  and legacy ``dev-dependencies``; values are ranges (``^2.13``, ``~1.2``, ``*``) or tables with
  ``version``/``optional``/``extras``/``markers``/``python``/``git``/``path``/``url``.

Environment markers (and Poetry's ``python``/``platform``) are the condition of the declaration
(``Declared.profile``). A URL/VCS requirement keeps its URL in ``unresolved``; when a lockfile beside
the file (``poetry.lock``, ``uv.lock``, ``pdm.lock``, read through the context) pins it, the line of
the locked reference is the ``version_location``. Path dependencies (Poetry ``path``, uv
``[tool.uv.sources]`` ``path``, ``name @ file:...``) are ``USES_PROJECT`` links.
"""

from __future__ import annotations

import posixpath
import re
from typing import Any

from loaders.base import EMPTY_CONTEXT, LineIndex, Loader, SourceContext
from loaders.python._common import (
    canonical,
    group_scope,
    load_toml,
    normalise_marker,
    parse_pep508,
    pypi,
)
from loaders.python._project import ProjectInfo, join, make_project, project_in_dir, pyproject_name_version
from planner.model import (
    Declared,
    Location,
    ParseResult,
    ParseWarning,
    Project,
    ProjectDependency,
    Publishes,
    Source,
)

MAX_GROUP_DEPTH = 32
_POETRY_SIMPLE_PYTHON = re.compile(r"^\s*(==|!=|<=|>=|<|>|~=)\s*([0-9][0-9.*]*)\s*$")


class _Context:
    """Per-parse state: where to report, what has been collected."""

    def __init__(self, text: str, source: Source, context: SourceContext, project: Project) -> None:
        self.text = text
        self.lines = LineIndex(text)
        self.source = source
        self.context = context
        self.project = project
        self.records: set[Any] = set()
        self.warnings: list[ParseWarning] = []
        self._locks: dict[str, str | None] = {}
        self.uv_sources: dict[str, Any] = {}

    def line_after(self, *needles: str) -> int | None:
        """The line of the last needle, each searched after the previous one."""
        pos = 0
        for needle in needles:
            found = self.text.find(needle, pos)
            if found < 0:
                return None
            pos = found + len(needle)
        return self.lines.line_of_offset(pos - 1)

    def warn(self, line: int | None, message: str) -> None:
        self.warnings.append(ParseWarning(self.source.display, line, message))

    def lock_text(self, name: str) -> str | None:
        if name not in self._locks:
            self._locks[name] = self.context.read(self.source.repo, join(self.source.directory, name))
        return self._locks[name]


class PyprojectTomlLoader(Loader):
    """``pyproject.toml``."""

    name = "pyproject-toml"
    file_names = frozenset({"pyproject.toml"})

    def matches(self, path: str) -> bool:
        """Exactly ``pyproject.toml``."""
        return posixpath.basename(path) == "pyproject.toml"

    def parse(self, text: str, source: Source, context: SourceContext = EMPTY_CONTEXT) -> ParseResult:
        """Read one ``pyproject.toml``."""
        data = load_toml(text, source, "pyproject.toml")
        name, version = pyproject_name_version(data)
        info = ProjectInfo(source.directory, source.path, name, version)
        if name is None:
            info = project_in_dir(context, source.repo, source.directory) or info  # a setup.py may name it
            info = ProjectInfo(source.directory, source.path, info.name, info.version)
        project = make_project(source.repo, info, source.directory, source.path)
        ctx = _Context(text, source, context, project)
        ctx.uv_sources = _uv_sources(data)
        if name is not None and project.ecosystem == "pypi" and _publishable(data):
            ctx.records.add(Publishes(project.key, project.purl.rsplit("@", 1)[0] if project.purl else ""))
        elif name is not None and project.ecosystem != "pypi":
            ctx.warn(ctx.line_after("name"), f"not a valid Python package name: {name!r}")

        pep621 = data.get("project")
        if pep621 is not None and not isinstance(pep621, dict):
            ctx.warn(ctx.line_after("[project]"), "[project] is not a table; ignored")
            pep621 = {}
        pep621 = pep621 or {}
        self._pep508_list(ctx, pep621.get("dependencies"), "runtime", "dependencies", ("[project]", "dependencies"))
        optional = pep621.get("optional-dependencies")
        if isinstance(optional, dict):
            for extra, items in optional.items():
                self._pep508_list(
                    ctx,
                    items,
                    "optional",
                    f"optional-dependencies.{extra}",
                    ("optional-dependencies", str(extra)),
                )
        groups = data.get("dependency-groups")
        if isinstance(groups, dict):
            for group in groups:
                items = _expand_group(ctx, groups, str(group))
                scope = group_scope(str(group))
                self._pep508_list(ctx, items, scope, f"dependency-groups.{group}", ("[dependency-groups]",))
        build = data.get("build-system")
        if isinstance(build, dict):
            self._pep508_list(ctx, build.get("requires"), "build", "build-system.requires", ("[build-system]",))
        self._poetry(ctx, data)

        result = ParseResult()
        result.records.append(project)
        result.extend(sorted(ctx.records, key=lambda r: (type(r).__name__, repr(r))))
        result.warnings.extend(ctx.warnings)
        return result

    # ------------------------------------------------------------------------------- PEP 508 lists

    def _pep508_list(self, ctx: _Context, items: Any, scope: str, raw_scope: str, anchors: tuple[str, ...]) -> None:
        if items is None:
            return
        if not isinstance(items, list):
            ctx.warn(ctx.line_after(*anchors), f"{raw_scope} is not a list; ignored")
            return
        for item in items:
            if not isinstance(item, str):
                continue
            line = ctx.line_after(*anchors, item) or ctx.line_after(item)
            try:
                req = parse_pep508(item)
                package = pypi(req.name).package
            except ValueError as exc:
                ctx.warn(line, str(exc))
                continue
            where = Location(ctx.source.path, line)
            uv_source = ctx.uv_sources.get(canonical(req.name))
            if isinstance(uv_source, dict) and isinstance(uv_source.get("path"), str):
                self._path_link(ctx, req.name, uv_source["path"], scope, raw_scope, where)
                continue
            if req.url and req.url.startswith("file:"):
                self._path_link(
                    ctx, req.name, req.url.removeprefix("file://").removeprefix("file:"), scope, raw_scope, where
                )
                continue
            version_location = _locked_reference_in(ctx, req.name) if req.url else None
            ctx.records.add(
                Declared(
                    ctx.project.key,
                    package,
                    req.specifier,
                    scope,
                    raw_scope,
                    scope == "optional",
                    where,
                    version_location,
                    req.marker,
                    req.url,
                )
            )

    def _path_link(self, ctx: _Context, name: str, path: str, scope: str, raw_scope: str, where: Location) -> None:
        target_dir = posixpath.normpath(join(ctx.source.directory, path))
        if target_dir.startswith("..") or path.startswith("/"):
            ctx.warn(where.line, f"{name}: path {path!r} is outside the repository; skipped")
            return
        if target_dir == posixpath.normpath(ctx.source.directory):
            return
        info = project_in_dir(ctx.context, ctx.source.repo, target_dir)
        if info is None or info.name is None:
            info = ProjectInfo(target_dir, None, name, None)
        target = make_project(ctx.source.repo, info, target_dir, target_dir)
        ctx.records.add(ProjectDependency(ctx.project.key, target.key, path, scope, raw_scope, where))

    # ------------------------------------------------------------------------------------- Poetry

    def _poetry(self, ctx: _Context, data: dict[str, Any]) -> None:
        tool = data.get("tool") if isinstance(data.get("tool"), dict) else {}
        poetry = tool.get("poetry") if isinstance(tool.get("poetry"), dict) else {}
        tables: list[tuple[Any, str, str, str]] = [
            (poetry.get("dependencies"), "runtime", "tool.poetry.dependencies", "tool.poetry.dependencies"),
            (poetry.get("dev-dependencies"), "dev", "tool.poetry.dev-dependencies", "tool.poetry.dev-dependencies"),
        ]
        groups = poetry.get("group")
        if isinstance(groups, dict):
            for group, body in groups.items():
                if isinstance(body, dict):
                    scope = group_scope(str(group))
                    header = f"tool.poetry.group.{group}.dependencies"
                    tables.append((body.get("dependencies"), scope, f"tool.poetry.group.{group}", header))
        for table, scope, raw_scope, header in tables:
            if table is None:
                continue
            if not isinstance(table, dict):
                ctx.warn(ctx.line_after(header), f"{raw_scope} is not a table; ignored")
                continue
            for name, spec in table.items():
                if canonical(str(name)) == "python":
                    continue
                line = ctx.line_after(f"[{header}]", f"{name}") or ctx.line_after(f"{name}")
                for one in spec if isinstance(spec, list) else [spec]:
                    self._poetry_entry(ctx, str(name), one, scope, raw_scope, line)

    def _poetry_entry(self, ctx: _Context, name: str, spec: Any, scope: str, raw_scope: str, line: int | None) -> None:
        where = Location(ctx.source.path, line)
        try:
            package = pypi(name).package
        except ValueError as exc:
            ctx.warn(line, str(exc))
            return
        if isinstance(spec, str):
            ctx.records.add(Declared(ctx.project.key, package, spec.strip() or None, scope, raw_scope, location=where))
            return
        if not isinstance(spec, dict):
            ctx.warn(line, f"{name}: unsupported value {spec!r}; skipped")
            return
        if isinstance(spec.get("path"), str):
            target = spec["path"]
            if target.endswith((".whl", ".zip", ".tar.gz")):
                ctx.records.add(
                    Declared(ctx.project.key, package, None, scope, raw_scope, location=where, unresolved=target)
                )
            else:
                self._path_link(ctx, name, target, scope, raw_scope, where)
            return
        unresolved = None
        if isinstance(spec.get("git"), str):
            url = spec["git"] if spec["git"].startswith("git+") else f"git+{spec['git']}"
            ref = next((spec[k] for k in ("rev", "tag", "branch") if isinstance(spec.get(k), str)), None)
            unresolved = f"{url}@{ref}" if ref else url
        elif isinstance(spec.get("url"), str):
            unresolved = spec["url"]
        version = spec.get("version")
        rng = version.strip() if isinstance(version, str) and version.strip() else None
        optional = spec.get("optional") is True
        effective_scope = "optional" if optional and scope == "runtime" else scope
        ctx.records.add(
            Declared(
                ctx.project.key,
                package,
                rng,
                effective_scope,
                raw_scope,
                optional,
                where,
                _locked_reference_in(ctx, name) if unresolved else None,
                _poetry_marker(spec),
                unresolved,
            )
        )


def _poetry_marker(spec: dict[str, Any]) -> str | None:
    parts: list[str] = []
    if isinstance(spec.get("markers"), str) and spec["markers"].strip():
        parts.append(spec["markers"].strip())
    python = spec.get("python")
    if isinstance(python, str) and python.strip():
        m = _POETRY_SIMPLE_PYTHON.match(python)
        parts.append(f"python_version {m.group(1)} '{m.group(2)}'" if m else f"python {python.strip()}")
    platform = spec.get("platform")
    if isinstance(platform, str) and platform.strip():
        parts.append(f"sys_platform == '{platform.strip()}'")
    if not parts:
        return None
    joined = " and ".join(f"({p})" if " or " in p and len(parts) > 1 else p for p in parts)
    return normalise_marker(joined)


def _publishable(data: dict[str, Any]) -> bool:
    """False for Poetry ``package-mode = false`` or a ``Private :: Do Not Upload`` classifier."""
    tool = data.get("tool") if isinstance(data.get("tool"), dict) else {}
    poetry = tool.get("poetry") if isinstance(tool.get("poetry"), dict) else {}
    if poetry.get("package-mode") is False:
        return False
    project = data.get("project") if isinstance(data.get("project"), dict) else {}
    classifiers = [*(project.get("classifiers") or []), *(poetry.get("classifiers") or [])]
    return not any(isinstance(c, str) and c.startswith("Private ::") for c in classifiers)


def _expand_group(ctx: _Context, groups: dict[str, Any], group: str) -> list[str]:
    """A PEP 735 group's requirement strings, with ``{include-group = ...}`` expanded (cycles warned)."""
    out: list[str] = []
    by_norm = {canonical(str(k)): k for k in groups}

    def visit(name: str, stack: tuple[str, ...]) -> None:
        key = by_norm.get(canonical(name))
        if key is None:
            ctx.warn(ctx.line_after("include-group", name), f"dependency group {name!r} is not defined")
            return
        if canonical(name) in stack or len(stack) > MAX_GROUP_DEPTH:
            ctx.warn(ctx.line_after("include-group", name), f"dependency group include cycle at {name!r}")
            return
        items = groups[key]
        if not isinstance(items, list):
            ctx.warn(ctx.line_after("[dependency-groups]"), f"dependency group {name!r} is not a list")
            return
        for item in items:
            if isinstance(item, str):
                out.append(item)
            elif isinstance(item, dict) and isinstance(item.get("include-group"), str):
                visit(item["include-group"], (*stack, canonical(name)))

    visit(group, ())
    return out


def _uv_sources(data: dict[str, Any]) -> dict[str, Any]:
    """``[tool.uv.sources]`` keyed by canonical name."""
    tool = data.get("tool") if isinstance(data.get("tool"), dict) else {}
    uv = tool.get("uv") if isinstance(tool.get("uv"), dict) else {}
    sources = uv.get("sources")
    return {canonical(str(k)): v for k, v in sources.items()} if isinstance(sources, dict) else {}


def _locked_reference_in(ctx: _Context, name: str) -> Location | None:
    """Where a lockfile beside the project pins the VCS/URL dependency ``name`` (its resolved commit)."""
    want = canonical(name)
    for lock, key in (("poetry.lock", "resolved_reference"), ("uv.lock", "source"), ("pdm.lock", "revision")):
        text = ctx.lock_text(lock)
        if not text:
            continue
        for m in re.finditer(r'^name\s*=\s*"([^"]+)"', text, re.MULTILINE):
            if canonical(m.group(1)) != want:
                continue
            end = text.find("\n[[package]]", m.end())
            block = text[m.end() : end if end >= 0 else len(text)]
            ref = re.search(r"^" + re.escape(key) + r"\s*=.*(?:#|\"[0-9a-f]{7,40}\")", block, re.MULTILINE)
            if ref is None and key == "source":
                ref = re.search(r"^source\s*=\s*\{\s*git\s*=", block, re.MULTILINE)
            if ref is not None:
                return Location(join(ctx.source.directory, lock), LineIndex(text).line_of_offset(m.end() + ref.start()))
    return None
