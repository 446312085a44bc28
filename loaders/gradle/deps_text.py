"""Resolved Gradle classpaths as text: ``gradle dependencies`` output and dependency-guard baselines.

* ``gradle dependencies`` / ``gradle :app:dependencies --configuration runtimeClasspath`` output:
  a ``Project ':app'`` header (optional), a configuration line (``runtimeClasspath - ...``), then a
  tree of ``+--- `` / ``\\--- `` entries indented by ``|    `` / ``     ``. Each module entry becomes
  ``Resolved`` with the **resolved** version (``1.0 -> 1.2`` gives 1.2, ``g:a -> 1.2`` too), its depth
  (1 = direct) and the chain of versioned purls from the direct dependency down to it; ``(*)``
  (already shown) entries count, ``(c)`` (a constraint, not a dependency) and ``(n)`` (not resolved)
  entries and ``FAILED`` ones do not. ``project :core`` entries are not packages: they are left out
  of chains (so a chain through a project is shorter than its depth) and a direct one becomes a
  ``ProjectDependency``.
* dependency-guard baselines (``<module>/dependencies/<conf>.txt``, flat ``group:artifact:version``
  lines) → ``Resolved`` with depth None; ``<conf>.tree.txt`` baselines are trees as above.

The project: the ``Project ':x'`` header when there is one (looked up in the build's settings), else
the module directory (the parent of ``dependencies/`` for baselines), else the file's directory; its
key is computed by :mod:`loaders.gradle._project` like every Gradle loader's. Scope from the
configuration (``*RuntimeClasspath`` → runtime, test classpaths → test, ...; see
:func:`loaders.gradle.lockfile.classpath_scope`), ``raw_scope`` = the configuration. One record per
version and project: the most runtime-like scope, then the smallest depth.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

from loaders.base import EMPTY_CONTEXT, Loader, Precedence, SourceContext
from loaders.gradle import _describe as gd
from loaders.gradle import _project as gp
from loaders.gradle.lockfile import _RANK, classpath_scope
from planner.errors import ParseError
from planner.model import Location, ParseResult, ParseWarning, ProjectDependency, Record, Resolved, Source

_ENTRY = re.compile(r"^(?P<indent>[| ]*)[+\\]--- (?P<body>.+?)\s*$")
_MARKER = re.compile(r"\s+\((?:\*|c|n|[^()]*)\)$")
_HEADER = re.compile(r"^(?:Root project|Project)\s+'?(?P<path>[^'\s]+)'?")
_CONF = re.compile(r"^(?P<conf>[A-Za-z][A-Za-z0-9_]*)(?:\s+-\s+.*)?$")
_FLAT = re.compile(r"^([^:\s]+):([^:\s]+):([^:\s]+)$")
_NAMES = ("gradle-dependencies.txt", "gradle_dependencies.txt", "dependencies-gradle.txt")


@dataclass(slots=True)
class _Unit:
    project: gd.GradleProject
    resolved: dict[str, Resolved] = field(default_factory=dict)
    links: set[ProjectDependency] = field(default_factory=set)


class GradleDepsTextLoader(Loader):
    """``gradle dependencies`` output files and dependency-guard baselines."""

    name = "gradle-deps-text"
    file_names = frozenset(_NAMES)
    file_globs = ("*.gradle-dependencies.txt",)
    other_files = Precedence.LOCATION

    def matches(self, path: str) -> bool:
        """``gradle-dependencies.txt`` and the like, ``*.gradle-dependencies.txt``, and dependency-guard
        baselines ``dependencies/<conf>Classpath.txt`` / ``dependencies/<conf>Classpath.tree.txt``."""
        base = posixpath.basename(path)
        if base in _NAMES or base.endswith(".gradle-dependencies.txt"):
            return True
        parent = posixpath.basename(posixpath.dirname(path))
        return parent == "dependencies" and base.endswith(("Classpath.txt", "Classpath.tree.txt")) and len(base) > 13

    def parse(self, text: str, source: Source, context: SourceContext = EMPTY_CONTEXT) -> ParseResult:
        """A tree (any ``+---`` line) or a flat baseline."""
        if "\x00" in text:
            raise ParseError(
                source.display, text.count("\n", 0, text.index("\x00")) + 1, "binary content in a dependency list"
            )
        lines = text.splitlines()
        directory = posixpath.dirname(source.path) or "."
        default_conf = None
        if (
            posixpath.basename(directory) == "dependencies" and directory != "dependencies"
        ) or directory == "dependencies":
            default_conf = posixpath.basename(source.path).removesuffix(".txt").removesuffix(".tree")
            directory = posixpath.dirname(directory) or "."
        result = ParseResult()
        self.source, self.context, self.result = source, context, result
        units: dict[str, _Unit] = {}
        unit = self._unit(units, gd.describe(source.repo, directory, context))
        if any(_ENTRY.match(line) for line in lines):
            self._tree(lines, unit, units, default_conf, directory)
        else:
            self._flat(lines, unit, default_conf)
        records: list[Record] = []
        for key in sorted(units):
            u = units[key]
            if not u.resolved and not u.links and len(units) > 1:
                continue
            records.append(u.project.record())
            records.extend(u.resolved[v] for v in sorted(u.resolved))
            records.extend(sorted(u.links, key=lambda d: (d.target, d.raw_scope or "")))
        result.extend(records)
        return result

    def _unit(self, units: dict[str, _Unit], project: gd.GradleProject) -> _Unit:
        return units.setdefault(project.key, _Unit(project))

    def _add(self, unit: _Unit, rec: Resolved) -> None:
        prev = unit.resolved.get(rec.version)
        if prev is None or (_RANK[rec.scope], rec.depth or 10**6) < (_RANK[prev.scope], prev.depth or 10**6):
            unit.resolved[rec.version] = rec

    def _flat(self, lines: list[str], unit: _Unit, conf: str | None) -> None:
        src = self.source
        bad: list[int] = []
        good = 0
        scope = classpath_scope([conf]) if conf else "unknown"
        for no, raw in enumerate(lines, 1):
            line = raw.strip()
            if not line or line.startswith("#") or line.startswith(":"):
                continue  # ":core:data" lines name projects of the same build
            m = _FLAT.match(line)
            if not m:
                bad.append(no)
                continue
            try:
                version = gp.maven_purl(m.group(1), m.group(2), m.group(3))
            except ValueError as exc:
                self.result.warnings.append(ParseWarning(src.display, no, str(exc)))
                continue
            good += 1
            self._add(unit, Resolved(unit.project.key, version, scope, conf, None, (), Location(src.path, no)))
        if bad and not good:
            raise ParseError(
                src.display, bad[0], "not a Gradle dependency list: no group:artifact:version line or tree"
            )
        if bad:
            self.result.warnings.append(
                ParseWarning(src.display, bad[0], f"{len(bad)} line(s) are not group:artifact:version; skipped")
            )

    def _tree(self, lines: list[str], unit: _Unit, units: dict[str, _Unit], conf: str | None, directory: str) -> None:
        src, ctx = self.source, self.context
        settings = _nearest_settings(src.repo, directory, ctx)
        chain: list[str | None] = []
        failed: list[int] = []
        for no, raw in enumerate(lines, 1):
            header = _HEADER.match(raw)
            if header:
                if settings is not None:
                    path = header.group("path")
                    target = path if path.startswith(":") else ":"
                    unit = self._unit(units, gd.describe_path(src.repo, settings, target, ctx))
                continue
            m = _ENTRY.match(raw)
            if not m:
                c = _CONF.match(raw.strip())
                if c and raw == raw.lstrip() and c.group("conf") not in ("BUILD", "No"):
                    conf = c.group("conf")
                    chain = []
                continue
            depth = len(m.group("indent")) // 5 + 1
            del chain[depth - 1 :]
            while len(chain) < depth - 1:
                chain.append(None)
            body, markers = _strip_markers(m.group("body"))
            left, arrow, right = body.partition(" -> ")
            left, right = left.strip(), right.strip()
            key = None
            if body.endswith(" FAILED"):
                failed.append(no)
            elif "(c)" in markers or "(n)" in markers:
                pass
            elif left.startswith("project ") or right.startswith("project "):
                if depth == 1 and settings is not None:
                    self._link(unit, settings, right if right.startswith("project ") else left, conf, no)
            else:
                key = self._module_key(body, left, arrow, right, no)
            chain.append(key)
            if key is not None:
                scope = classpath_scope([conf]) if conf else "unknown"
                path = tuple(k for k in chain if k is not None)
                self._add(unit, Resolved(unit.project.key, key, scope, conf, depth, path, Location(src.path, no)))
        if failed:
            self.result.warnings.append(
                ParseWarning(src.display, failed[0], f"{len(failed)} FAILED entr(y/ies) could not be resolved; skipped")
            )

    def _link(self, unit: _Unit, settings: gp.Settings, target: str, conf: str | None, no: int) -> None:
        """Record a direct ``project :core`` entry as the unit's ``ProjectDependency``."""
        src = self.source
        dest = gd.describe_path(src.repo, settings, target.removeprefix("project ").strip(), self.context)
        scope = classpath_scope([conf]) if conf else "unknown"
        unit.links.add(ProjectDependency(unit.project.key, dest.key, target, scope, conf, Location(src.path, no)))

    def _module_key(self, body: str, left: str, arrow: str, right: str, no: int) -> str | None:
        """The versioned purl of a module entry (``g:a:1.0``, ``g:a:1.0 -> 1.2``, ``g:a -> 1.2``), or None
        after a warning when it has no resolved version or is not a valid coordinate."""
        src = self.source
        parts = left.split(":", 2)
        version = right if arrow else (parts[2] if len(parts) == 3 else "")
        if len(parts) < 2 or not version or " " in version:
            self.result.warnings.append(ParseWarning(src.display, no, f"no resolved version in {body!r}; skipped"))
            return None
        try:
            return gp.maven_purl(parts[0], parts[1], version)
        except ValueError as exc:
            self.result.warnings.append(ParseWarning(src.display, no, str(exc)))
            return None


def _strip_markers(body: str) -> tuple[str, list[str]]:
    """A tree entry without its trailing ``(*)``/``(c)``/``(n)``/``(...)`` markers, and the markers."""
    markers = []
    while True:
        mk = _MARKER.search(body)
        if not mk:
            return body, markers
        markers.append(mk.group(0).strip())
        body = body[: mk.start()]


def _nearest_settings(repo: str, directory: str, context: SourceContext) -> gp.Settings | None:
    d = gp.join(directory)
    while True:
        for name in gp.SETTINGS_FILES:
            path = gp.join(d, name)
            text = context.read(repo, path)
            if text is not None:
                return gp.parse_settings(text, path)
        if d == ".":
            return None
        d = gp.join(posixpath.dirname(d) or ".")
