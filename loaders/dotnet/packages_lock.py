"""NuGet lock files: ``packages.lock.json`` and ``packages.<project>.lock.json`` (versions 1 and 2).

``dependencies`` maps each target framework (``net8.0``, ``net8.0/linux-x64``) to the packages
restored for it. ``Direct`` entries are the project's own references (depth 1), ``Transitive``
and ``CentralTransitive`` (version 2, central package management) what they bring in, ``Project``
entries the referenced projects of the same build, whose own dependencies are one level further
down. The depth of a package and the chain that brings it in are read from each entry's
``dependencies`` graph (shallowest over all frameworks); a chain holds packages only, so below a
project reference it is one shorter than the depth. Each package's ``dependencies`` become
``DEPENDS_ON`` metadata with the range as written and the version resolved in the same framework.

The lock belongs to the project file beside it (read through the context: the same ``Project``
record the project loader emits).
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass

from loaders.base import EMPTY_CONTEXT, LineIndex, Loader, SourceContext, expect, load_json
from loaders.dotnet.project import PROJECT_SUFFIXES, project_record, read_project
from loaders.walk import breadth_first
from planner import purl as purls
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

KNOWN_VERSIONS = (1, 2)
_PACKAGE_TYPES = {"direct": "Direct", "transitive": "Transitive", "centraltransitive": "CentralTransitive"}
_LOCK_NAME = re.compile(r"^packages(?:\.(.+))?\.lock\.json$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Entry:
    name: str
    type: str  # Direct | Transitive | CentralTransitive | Project
    resolved: str | None
    dependencies: dict[str, str]
    line: int | None


class NugetLockLoader(Loader):
    """NuGet ``packages.lock.json`` files (``RestorePackagesWithLockFile``)."""

    name = "nuget-lock"
    file_names = frozenset({"packages.lock.json"})
    file_globs = ("packages.*.lock.json",)

    def matches(self, path: str) -> bool:
        """``packages.lock.json`` or ``packages.<project name>.lock.json``."""
        return _LOCK_NAME.match(posixpath.basename(path)) is not None

    def parse(self, text: str, source: Source, context: SourceContext = EMPTY_CONTEXT) -> ParseResult:
        """Read one lock file; the project file beside it is read through ``context``."""
        result = ParseResult()
        warn = result.warnings
        doc = load_json(text, source, warn)
        expect(isinstance(doc, dict), source, 1, "not a NuGet lock file: top level is not an object")
        lines = LineIndex(text)
        version = doc.get("version")
        expect(
            isinstance(version, int) and not isinstance(version, bool),
            source,
            lines.line_of('"version"') or 1,
            f"not a NuGet lock file: version is {version!r}",
        )
        if version not in KNOWN_VERSIONS:
            warn.append(
                ParseWarning(
                    source.display, lines.line_of('"version"'), f"unknown lock file version {version}; read as 2"
                )
            )
        frameworks = doc.get("dependencies")
        expect(
            isinstance(frameworks, dict),
            source,
            lines.line_of('"dependencies"') or 1,
            "not a NuGet lock file: no 'dependencies' object",
        )
        project = self._project(source, context, warn)
        result.records.append(project)

        resolved: dict[str, Resolved] = {}
        edges: set[VersionDependency] = set()
        by_framework: dict[str, dict[str, _Entry]] = {}
        for tfm, packages in sorted(frameworks.items(), key=lambda kv: ("/" in kv[0], kv[0])):
            tfm_offset = text.find(json.dumps(tfm) + ":")
            tfm_line = lines.line_of_offset(tfm_offset) if tfm_offset >= 0 else None
            if not isinstance(packages, dict):
                warn.append(ParseWarning(source.display, tfm_line, f"framework {tfm!r} is not an object; skipped"))
                continue
            entries = self._entries(packages, text, max(tfm_offset, 0), lines, source, warn)
            by_framework[tfm] = entries
            if "/" in tfm:  # a runtime-specific graph lists what differs from its framework's
                entries = {**by_framework.get(tfm.partition("/")[0], {}), **entries}
            self._resolve(entries, project, source, resolved)
            edges.update(self._edges(entries, source, warn))
        result.extend(resolved[k] for k in sorted(resolved))
        result.warnings[:] = list(dict.fromkeys(result.warnings))
        result.extend(sorted(edges, key=lambda e: (e.version, e.package, e.range or "", e.resolved or "", e.scope)))
        return result

    def _project(self, source: Source, context: SourceContext, warn: list[ParseWarning]) -> Project:
        directory = source.directory
        m = _LOCK_NAME.match(posixpath.basename(source.path))
        named = m.group(1) if m else None
        here = [
            s.path
            for s in context.sources()
            if s.repo == source.repo
            and (posixpath.dirname(s.path) or ".") == directory
            and s.path.lower().endswith(PROJECT_SUFFIXES)
        ]
        if named:
            here = [p for p in here if posixpath.splitext(posixpath.basename(p))[0].lower() == named.lower()]
        for path in sorted(here):
            ev = read_project(source.repo, path, context)
            if ev is not None:
                if len(here) > 1:
                    warn.append(
                        ParseWarning(
                            source.display,
                            None,
                            f"{len(here)} project files beside this lock file; it is read as {path}'s"
                            " (name it packages.<project>.lock.json to choose)",
                        )
                    )
                return project_record(source.repo, path, ev)[0]
        name = named or (posixpath.basename(directory) if directory != "." else source.repo)
        try:
            own = purls.build("nuget", None, name)
        except ValueError:
            own = purls.build("generic", None, "project")
        warn.append(
            ParseWarning(
                source.display, None, f"no project file beside this lock file in the ingest; the project is {own.name}"
            )
        )
        return Project(
            project_key(source.repo, directory, own.package),
            own.name,
            own.type,
            source.repo,
            directory,
            source.path,
            own.key,
            None,
            "unknown",
        )

    def _entries(
        self, packages: dict, text: str, start: int, lines: LineIndex, source: Source, warn: list[ParseWarning]
    ) -> dict[str, _Entry]:
        entries: dict[str, _Entry] = {}
        for name, entry in packages.items():
            offset = text.find(json.dumps(name) + ":", start)
            line = lines.line_of_offset(offset) if offset >= 0 else None
            if not isinstance(entry, dict) or not name.strip():
                warn.append(ParseWarning(source.display, line, f"entry {name!r} is not an object; skipped"))
                continue
            raw_type = str(entry.get("type", ""))
            etype = "Project" if raw_type.lower() == "project" else _PACKAGE_TYPES.get(raw_type.lower())
            if etype is None:
                warn.append(
                    ParseWarning(source.display, line, f"{name}: unknown type {raw_type!r}; read as Transitive")
                )
                etype = "Transitive"
            resolved = entry.get("resolved")
            deps = entry.get("dependencies")
            if deps is not None and not isinstance(deps, dict):
                warn.append(ParseWarning(source.display, line, f"{name}: 'dependencies' is not an object; ignored"))
                deps = {}
            entries[name.lower()] = _Entry(
                name,
                etype,
                resolved.strip() if isinstance(resolved, str) and resolved.strip() else None,
                {str(k): v if isinstance(v, str) else "" for k, v in (deps or {}).items()},
                line,
            )
        return entries

    def _purl(self, entry: _Entry) -> purls.Purl | None:
        try:
            return purls.build("nuget", None, entry.name, entry.resolved)
        except ValueError:
            return None

    def _resolve(self, entries: dict[str, _Entry], project: Project, source: Source, out: dict[str, Resolved]) -> None:
        chains: dict[str, tuple[int, tuple[str, ...]]] = {}
        starts = [key for key in sorted(entries) if entries[key].type in ("Direct", "Project")]

        def successors(key: str) -> list[str]:
            lowered = (dep.lower() for dep in sorted(entries[key].dependencies, key=str.lower))
            return [low for low in lowered if low in entries]

        for key, parent in breadth_first(starts, successors):
            entry = entries[key]
            if parent is None:
                purl = self._purl(entry) if entry.type == "Direct" else None
                chains[key] = (1, (purl.key,) if purl else ())
            else:
                depth, path = chains[parent]
                purl = self._purl(entry) if entry.type != "Project" else None
                chains[key] = (depth + 1, (*path, purl.key) if purl else path)
        for key, entry in entries.items():
            if entry.type == "Project":
                continue
            purl = self._purl(entry)
            if purl is None or not purl.version:
                continue
            depth, path = chains.get(key, (None, ()))
            rec = Resolved(
                project=project.key,
                version=purl.key,
                scope="test" if project.kind == "test" else "runtime",  # what a test project restores ships nowhere
                raw_scope=entry.type,
                depth=depth,
                path=path,
                location=Location(source.path, entry.line),
            )
            prev = out.get(rec.version)
            if prev is None or (rec.depth or 10**9, rec.path) < (prev.depth or 10**9, prev.path):
                out[rec.version] = rec

    def _edges(self, entries: dict[str, _Entry], source: Source, warn: list[ParseWarning]) -> set[VersionDependency]:
        edges: set[VersionDependency] = set()
        for entry in entries.values():
            if entry.type == "Project" or entry.resolved is None:
                if entry.type != "Project":
                    warn.append(ParseWarning(source.display, entry.line, f"{entry.name} has no resolved version"))
                continue
            parent = self._purl(entry)
            if parent is None:
                warn.append(ParseWarning(source.display, entry.line, f"{entry.name!r} is not a NuGet package id"))
                continue
            for dep, rng in entry.dependencies.items():
                target = entries.get(dep.lower())
                try:  # the entry's spelling when it is locked too: one purl per package
                    package = purls.build("nuget", None, target.name if target is not None else dep).package
                except ValueError:
                    continue
                edges.add(
                    VersionDependency(
                        version=parent.key,
                        package=package,
                        range=rng or None,
                        resolved=target.resolved if target is not None else None,
                    )
                )
        return edges
