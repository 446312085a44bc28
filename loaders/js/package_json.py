"""npm ``package.json`` manifests (npm, Yarn and pnpm projects).

The file is one project (keyed by directory and npm name, see :mod:`loaders.js._common`); its
dependency sections become ``Declared`` records with the spec kept as written. Specs that point
at other build units become ``ProjectDependency`` links instead of registry packages:

* ``workspace:^``/``workspace:*``/``workspace:~1.2.3`` -> the workspace member of that name;
* a plain range naming a workspace sibling whose version satisfies it (npm and Yarn link those);
* ``file:``/``link:``/``portal:`` and relative paths that reach a package.json of the ingest.

``npm:real@^1`` aliases are declared on the real package with the aliased range (the local alias
name is not kept). ``catalog:`` specs are resolved through ``pnpm-workspace.yaml`` or
``.yarnrc.yml``. Git, tarball URL and other unresolvable specs are ``Declared`` with no range and
the spec in ``unresolved``. ``overrides`` (npm), ``resolutions`` (Yarn) and ``pnpm.overrides`` are
``Constrains``. A workspace root is linked to every member with spec ``workspace-member``.
"""

from __future__ import annotations

import json
import posixpath
import re
from typing import Any

from loaders.base import EMPTY_CONTEXT, LineIndex, Loader, SourceContext, expect, load_json
from loaders.js._common import (
    SECTIONS,
    Spec,
    classify,
    is_own_file,
    join_dir,
    loosely_satisfies,
    make_project,
    npm_purl,
    package_key,
    parse_override_selector,
    read_json,
    split_locator,
    valid_name,
)
from loaders.js._workspace import Workspace, find_workspace
from planner import purl as purls
from planner.model import (
    Constrains,
    Declared,
    Location,
    ParseResult,
    ParseWarning,
    Project,
    ProjectDependency,
    Publishes,
    Source,
)


class _Lines:
    """Line numbers of keys inside named top-level sections of a JSON text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.index = LineIndex(text)

    def section(self, *names: str) -> int:
        """Offset of the section ``names[0]`` (then ``names[1]`` inside it ...), 0 when absent."""
        pos = 0
        for name in names:
            m = re.compile(re.escape(json.dumps(name)) + r"\s*:").search(self.text, pos)
            if not m:
                return pos
            pos = m.end()
        return pos

    def key(self, start: int, key: str) -> int | None:
        """Line of ``"key":`` at or after ``start``."""
        m = re.compile(re.escape(json.dumps(key)) + r"\s*:").search(self.text, start)
        return self.index.line_of_offset(m.start()) if m else None


class NpmPackageJsonLoader(Loader):
    """``package.json`` files (not those inside ``node_modules``)."""

    name = "npm-package-json"
    file_names = frozenset({"package.json"})

    def matches(self, path: str) -> bool:
        """``package.json`` outside ``node_modules``."""
        return is_own_file(path, "package.json")

    def parse(self, text: str, source: Source, context: SourceContext = EMPTY_CONTEXT) -> ParseResult:
        """Read one package.json; workspaces, catalogs and path targets through ``context``."""
        result = ParseResult()
        warn = result.warnings
        doc = load_json(text, source, warn)
        expect(isinstance(doc, dict), source, 1, "not a package.json: top level is not an object")
        lines = _Lines(text)
        directory = source.directory
        name = doc.get("name")
        if name is not None and not valid_name(name):
            warn.append(ParseWarning(source.display, lines.key(0, "name"), f"invalid package name {name!r} ignored"))
            name = None
        private = doc.get("private") is True
        project = make_project(source.repo, directory, source.path, name, doc.get("version"), private)
        result.records.append(project)
        if project.ecosystem == "npm" and not private:
            result.records.append(Publishes(project.key, purls.parse(project.purl or "").package))

        ws = find_workspace(context, source.repo, directory)
        builder = _Builder(project, source, context, lines, warn, ws, doc)
        builder.dependencies()
        builder.workspace_members()
        builder.overrides()
        records = builder.records
        result.extend(sorted(set(records), key=_sort_key))
        return result


def _sort_key(rec: Any) -> tuple[str, str]:
    return (type(rec).__name__, repr(rec))


class _Builder:
    """Turns the sections of one package.json into records."""

    def __init__(
        self,
        project: Project,
        source: Source,
        context: SourceContext,
        lines: _Lines,
        warn: list[ParseWarning],
        ws: Workspace | None,
        doc: dict[str, Any],
    ) -> None:
        self.project = project
        self.source = source
        self.context = context
        self.lines = lines
        self.warn = warn
        self.ws = ws
        self.doc = doc
        self.records: list[Any] = []

    def _loc(self, line: int | None) -> Location:
        return Location(self.source.path, line)

    def _warning(self, line: int | None, message: str) -> None:
        self.warn.append(ParseWarning(self.source.display, line, message))

    # ---------------------------------------------------------------------------- dependencies
    def dependencies(self) -> None:
        """Declared/ProjectDependency records for every dependency section."""
        meta = self.doc.get("peerDependenciesMeta")
        meta = meta if isinstance(meta, dict) else {}
        seen_runtime: set[str] = set()
        for section, (scope, optional) in SECTIONS.items():
            deps = self.doc.get(section)
            if deps is None:
                continue
            start = self.lines.section(section)
            if not isinstance(deps, dict):
                self._warning(self.lines.index.line_of_offset(start), f"{section} is not an object; ignored")
                continue
            for dep_name, raw in deps.items():
                line = self.lines.key(start, dep_name)
                opt = optional or (
                    section == "peerDependencies"
                    and isinstance(meta.get(dep_name), dict)
                    and meta[dep_name].get("optional") is True
                )
                if section in ("dependencies", "optionalDependencies"):
                    seen_runtime.add(dep_name)
                self._dependency(dep_name, raw, scope, section, opt, line)
        bundled = self.doc.get("bundleDependencies", self.doc.get("bundledDependencies"))
        if isinstance(bundled, list):
            start = self.lines.section(
                "bundleDependencies" if "bundleDependencies" in self.doc else "bundledDependencies"
            )
            for dep_name in bundled:
                if isinstance(dep_name, str) and dep_name not in seen_runtime and valid_name(dep_name):
                    line = self.lines.key(start, dep_name) or self.lines.index.line_of_offset(start)
                    self._declare(dep_name, None, "runtime", "bundleDependencies", False, line)

    def _declare(
        self,
        dep_name: str,
        range_: str | None,
        scope: str,
        raw_scope: str,
        optional: bool,
        line: int | None,
        unresolved: str | None = None,
        version_location: Location | None = None,
    ) -> None:
        try:
            package = npm_purl(dep_name).package
        except ValueError as exc:
            self._warning(line, str(exc))
            return
        self.records.append(
            Declared(
                project=self.project.key,
                package=package,
                range=range_,
                scope=scope,
                raw_scope=raw_scope,
                optional=optional,
                location=self._loc(line),
                version_location=version_location,
                unresolved=unresolved,
            )
        )

    def _link(self, target: str, spec: str, scope: str, raw_scope: str, line: int | None) -> None:
        if target == self.project.key:
            return
        self.records.append(ProjectDependency(self.project.key, target, spec, scope, raw_scope, self._loc(line)))

    def _member_key(self, dep_name: str, range_: str | None) -> str | None:
        if self.ws is None:
            return None
        member = self.ws.by_name(dep_name)
        if member is None or member.directory == self.source.directory:
            return None
        if range_ is not None and (not self.ws.covers or not loosely_satisfies(range_, member.version)):
            return None
        return package_key(self.source.repo, member.directory, member.name)[0]

    def _dependency(self, dep_name: Any, raw: Any, scope: str, section: str, optional: bool, line: int | None) -> None:
        if not valid_name(dep_name):
            self._warning(line, f"{section}: invalid package name {dep_name!r} ignored")
            return
        spec = classify(raw)
        if spec.kind == "invalid":
            self._warning(line, f"{section}.{dep_name}: spec {spec.raw} is not a string; ignored")
            return
        if spec.kind == "range":
            target = self._member_key(dep_name, spec.value)
            if target is not None:
                self._link(target, spec.raw, scope, section, line)
            else:
                self._declare(dep_name, spec.value, scope, section, optional, line)
        elif spec.kind == "workspace":
            target = self._member_key(dep_name, None)
            if target is not None:
                self._link(target, spec.raw, scope, section, line)
            else:
                self._warning(line, f"{section}.{dep_name}: {spec.raw} names no workspace package of this ingest")
                self._declare(dep_name, None, scope, section, optional, line, unresolved=spec.raw)
        elif spec.kind == "catalog":
            rng, where = self._catalog(dep_name, spec)
            if rng is not None and classify(rng).kind == "range":
                self._declare(dep_name, rng, scope, section, optional, line, version_location=where)
            else:
                self._declare(dep_name, None, scope, section, optional, line, unresolved=spec.raw)
        elif spec.kind == "alias":
            assert spec.name is not None
            self._declare(spec.name, spec.value, scope, section, optional, line)
        elif spec.kind == "path":
            target = self._path_target(spec)
            if target is not None:
                self._link(target, spec.raw, scope, section, line)
            else:
                self._declare(dep_name, None, scope, section, optional, line, unresolved=spec.raw)
        else:  # git, url
            self._declare(dep_name, None, scope, section, optional, line, unresolved=spec.raw)

    def _catalog(self, dep_name: str, spec: Spec) -> tuple[str | None, Location | None]:
        if self.ws is None or not self.ws.catalogs:
            return None, None
        entries = self.ws.catalogs.get(spec.value or "default", {})
        rng = entries.get(dep_name)
        if rng is None:
            return None, None
        if rng.startswith("npm:") and not classify(rng).name:
            rng = rng[4:]
        return rng, Location(self.ws.catalog_file or "", None)

    def _path_target(self, spec: Spec) -> str | None:
        target_dir = join_dir(self.source.directory, spec.value or "")
        if target_dir is None:
            return None
        manifest_path = posixpath.join("" if target_dir == "." else target_dir, "package.json")
        known = any(s.repo == self.source.repo and s.path == manifest_path for s in self.context.sources())
        if not known:
            return None
        data = read_json(self.context, self.source.repo, manifest_path) or {}
        return package_key(self.source.repo, target_dir, data.get("name"))[0]

    # ------------------------------------------------------------------------------ workspaces
    def workspace_members(self) -> None:
        """A workspace root uses each member (spec ``workspace-member``)."""
        if self.ws is None or self.ws.root != self.source.directory or not self.ws.covers:
            return
        line = self.lines.index.line_of_offset(self.lines.section("workspaces")) if "workspaces" in self.doc else None
        for directory in sorted(self.ws.members):
            member = self.ws.members[directory]
            target = package_key(self.source.repo, directory, member.name)[0]
            self._link(target, "workspace-member", "runtime", "workspaces", line)

    # ------------------------------------------------------------------------------- overrides
    def overrides(self) -> None:
        """npm ``overrides``, Yarn ``resolutions`` and ``pnpm.overrides`` as Constrains."""
        npm = self.doc.get("overrides")
        if isinstance(npm, dict):
            self._npm_overrides(npm, self.lines.section("overrides"))
        yarn = self.doc.get("resolutions")
        if isinstance(yarn, dict):
            start = self.lines.section("resolutions")
            for key, value in yarn.items():
                self._constrain(_last_name(key), value, "yarn-resolution", self.lines.key(start, key))
        pnpm = self.doc.get("pnpm")
        if isinstance(pnpm, dict) and isinstance(pnpm.get("overrides"), dict):
            start = self.lines.section("pnpm", "overrides")
            for key, value in pnpm["overrides"].items():
                parsed = parse_override_selector(key)
                narrowed = key if parsed and (parsed.range or parsed.parent) else None
                name = parsed.name if parsed else key
                self._constrain(name, value, "pnpm-override", self.lines.key(start, key), narrowed)

    def _npm_overrides(self, tree: dict[str, Any], start: int, depth: int = 0) -> None:
        if depth > 50:
            return
        for key, value in tree.items():
            line = self.lines.key(start, key)
            name = split_locator(key)[0] if key != "." else None
            if name is None:
                continue
            if isinstance(value, dict):
                if "." in value:
                    self._constrain(name, value["."], "npm-override", line)
                self._npm_overrides({k: v for k, v in value.items() if k != "."}, start, depth + 1)
            else:
                self._constrain(name, value, "npm-override", line)

    def _constrain(
        self, name: str | None, value: Any, mechanism: str, line: int | None, selector: str | None = None
    ) -> None:
        if not name or not valid_name(name):
            self._warning(line, f"{mechanism}: cannot tell which package {name!r} overrides; ignored")
            return
        if not isinstance(value, str):
            self._warning(line, f"{mechanism}.{name}: value is not a string; ignored")
            return
        raw = value
        if value.startswith("$"):
            value = self._root_spec(value[1:])
            if value is None:
                self._add_constraint(name, None, mechanism, line, raw, selector)
                return
        spec = classify(value)
        if spec.kind == "range":
            self._add_constraint(name, spec.value, mechanism, line, None, selector)
        elif spec.kind == "alias":
            self._add_constraint(spec.name or name, spec.value, mechanism, line, None, selector)
        else:
            self._add_constraint(name, None, mechanism, line, raw, selector)

    def _root_spec(self, dep_name: str) -> str | None:
        for section in SECTIONS:
            deps = self.doc.get(section)
            if isinstance(deps, dict) and isinstance(deps.get(dep_name), str):
                return deps[dep_name]
        return None

    def _add_constraint(
        self, name: str, range_: str | None, mechanism: str, line: int | None, raw: str | None, selector: str | None
    ) -> None:
        try:
            package = npm_purl(name).package
        except ValueError as exc:
            self._warning(line, str(exc))
            return
        self.records.append(
            Constrains(self.project.key, package, range_, mechanism, self._loc(line), unresolved=raw, selector=selector)
        )


def _last_name(selector: str) -> str | None:
    """The package a Yarn resolution path (``**/a/@s/b``) is about."""
    parts = [p for p in selector.split("/") if p and p != "**"]
    names: list[str] = []
    i = 0
    while i < len(parts):
        if parts[i].startswith("@") and i + 1 < len(parts):
            names.append(f"{parts[i]}/{parts[i + 1]}")
            i += 2
        else:
            names.append(parts[i])
            i += 1
    return split_locator(names[-1])[0] if names else None
