"""Gradle build scripts: ``build.gradle`` (Groovy) and ``build.gradle.kts`` (Kotlin DSL).

The script's project is described by :mod:`loaders.gradle._project` (key, coordinates, kind), the
same way the settings, lockfile and dependency-output loaders describe it. Every ``dependencies {}``
block is read without running Gradle:

* ``conf("g:a:v")``, ``conf 'g:a:v', 'h:b:w'``, ``conf group: 'g', name: 'a', version: 'v'``,
  ``"conf"("g:a:v")``, ``add("conf", "g:a:v")`` → ``Declared`` with the version as written
  (``1.0!!``, ``[1.0,2.0)``; a ``version { strictly("1.2") }`` closure gives ``strictly 1.2``).
* ``libs.x.y`` catalog aliases and ``libs.bundles.x`` bundles → one ``Declared`` per library, the
  version's catalog line as ``version_location`` (no version in the catalog: a BOM manages it, range None).
* ``platform(x)`` / ``enforcedPlatform(x)`` → ``Constrains`` with mechanism ``gradle-platform`` /
  ``gradle-enforced-platform`` and no ``Declared``: a platform puts constraints, not artifacts, on the
  classpath (Gradle's analogue of a Maven ``bom-import``).
* ``constraints { conf("g:a:v") }`` → ``Constrains`` with mechanism ``gradle-constraint``.
* ``project(":x")`` and type-safe ``projects.a.bC`` → ``ProjectDependency`` to that project's key.
* Versions from ``val``/``def``/``ext``/``extra`` bindings, root ``ext`` and ``gradle.properties`` are
  resolved when static (``version_location`` = where they are set); otherwise ``range=None`` and
  ``unresolved`` = the expression as written. A dependency whose *coordinates* are computed is a
  warning (no package can be named).

Scopes (``raw_scope`` keeps the configuration): ``implementation``/``api``/``runtimeOnly``/``compile``
and variant forms (``debugImplementation``, ``releaseRuntimeOnly``) → runtime; ``compileOnly``,
``compileOnlyApi``, ``providedCompile`` → provided; any ``test``/``androidTest``/``*Test*``
configuration → test; annotation processors (``kapt*``, ``ksp*``, ``annotationProcessor``),
``classpath``, ``lintChecks``, ``detektPlugins``, ``baselineProfile`` → build; ``developmentOnly`` → dev;
anything else → unknown. In a Kotlin Multiplatform ``*Test { dependencies {} }`` source set → test.
Blocks inside ``allprojects``/``subprojects``/``configure``/``project(...)`` configure other projects
and are skipped with a warning.
"""

from __future__ import annotations

import posixpath
import re

from loaders.base import EMPTY_CONTEXT, Loader, SourceContext
from loaders.gradle import _describe as gd
from loaders.gradle import _eval as ev
from loaders.gradle import _lex as lex
from loaders.gradle import _project as gp
from loaders.gradle._jib import gradle_images
from loaders.gradle.catalog import Catalog, CatalogLibrary, parse_catalog
from planner.errors import ParseError
from planner.model import (
    Constrains,
    Declared,
    Location,
    ParseResult,
    ParseWarning,
    ProjectDependency,
    Publishes,
    Record,
    Source,
)

_CONTROL = frozenset({"if", "else", "for", "while", "when", "try", "catch", "finally", "do"})
_SKIP_WORDS = frozenset({"val", "var", "def", "return", "println", "print", "logger", "configurations", "ext", "extra"})
_OTHER_PROJECTS = frozenset({"allprojects", "subprojects", "configure", "project"})
_TEST = re.compile(r"(?:^test|^androidTest|Test(?:[A-Z]|$)|^integrationTest|^functionalTest|^jmh)")
_RUNTIME_SUFFIXES = ("implementation", "api", "runtimeonly", "compile", "runtime", "wearapp")


def scope_of(conf: str, in_test_source_set: bool = False) -> str:
    """The normalised scope of a Gradle configuration name (see the module docstring)."""
    lower = conf.lower()
    if gp.is_tool_configuration(conf):
        return "build"
    if in_test_source_set or _TEST.search(conf) or lower.startswith("testfixtures"):
        return "test"
    if lower == "developmentonly":
        return "dev"
    if lower.endswith(("compileonly", "compileonlyapi")) or lower.startswith("provided"):
        return "provided"
    if lower == "coreLibraryDesugaring".lower():
        return "runtime"
    if lower.endswith(_RUNTIME_SUFFIXES):
        return "runtime"
    return "unknown"


class GradleBuildLoader(Loader):
    """``build.gradle`` and ``build.gradle.kts``."""

    name = "gradle-build"
    file_names = frozenset(gp.BUILD_FILES)

    def matches(self, path: str) -> bool:
        """``build.gradle`` / ``build.gradle.kts`` (not ``settings.gradle``, not ``*.gradle`` script plugins)."""
        return posixpath.basename(path) in gp.BUILD_FILES

    def parse(self, text: str, source: Source, context: SourceContext = EMPTY_CONTEXT) -> ParseResult:
        """Read one build script; the settings, root script, catalogs and properties come through the context."""
        return _BuildParse(text, source, context).run()


class _BuildParse:
    def __init__(self, text: str, source: Source, context: SourceContext) -> None:
        self.text = text
        self.source = source
        self.context = gd.SelfFirst(context, source.repo, source.path, text)
        self.result = ParseResult()
        self.records: set[Record] = set()

    def warn(self, line: int | None, message: str) -> None:
        self.result.warnings.append(ParseWarning(self.source.display, line, message))

    def run(self) -> ParseResult:
        text, source = self.text, self.source
        if "\x00" in text:
            raise ParseError(
                source.display, text.count("\n", 0, text.index("\x00")) + 1, "binary content in a build script"
            )
        if len(text) > gp.MAX_SCRIPT_CHARS:
            raise ParseError(
                source.display, 1, f"build script too large ({len(text)} characters; limit {gp.MAX_SCRIPT_CHARS})"
            )
        kotlin = source.path.endswith(".kts")
        script = lex.tokenize(text, kotlin)
        for offset, message in script.problems:
            self.warn(script.line(offset), message)
        project = gd.describe(source.repo, source.directory, self.context)
        self.project = project
        self.result.records.append(project.record())
        if project.group and project.publishes:
            self.result.records.append(Publishes(project.key, project.package.package))
        self.scope = self._scope(script, kotlin, project)
        self._dependency_blocks(script)
        self.result.extend(sorted(self.records, key=_sort_key))
        if "jib" in text or "bootBuildImage" in text:
            images, problems = gradle_images(text, source, self._interpolate)
            self.result.extend(images)
            for line, message in problems:
                self.warn(line, message)
        return self.result

    def _interpolate(self, written: str) -> str | None:
        """A string literal with its ``$x`` / ``${...}`` parts filled in, or None when one is unknown."""
        value = ev.evaluate_text(self.scope, '"' + written.replace('"', '\\"') + '"', 0)
        return value.value if isinstance(value, ev.Text) and not value.unknown else None

    # ------------------------------------------------------------------------------------ context

    def _scope(self, script: lex.Script, kotlin: bool, project: gd.GradleProject) -> ev.Scope:
        repo, ctx = self.source.repo, self.context
        settings = project.settings
        root_dir = settings.directory if settings else project.directory
        props_path = gp.join(project.directory, "gradle.properties")
        scope = ev.Scope(
            script,
            self.source.path,
            kotlin,
            ev.collect_defs(script),
            ev.properties_of(ctx.read(repo, props_path)),
            props_path,
        )
        if root_dir != project.directory:
            root_path, root_text = gd.read_build(repo, root_dir, ctx)
            if root_text and root_path and "\x00" not in root_text and len(root_text) <= gp.MAX_SCRIPT_CHARS:
                root_script = lex.tokenize(root_text, root_path.endswith(".kts"))
                root_props_path = gp.join(root_dir, "gradle.properties")
                scope.root = ev.Scope(
                    root_script,
                    root_path,
                    root_path.endswith(".kts"),
                    ev.collect_defs(root_script),
                    ev.properties_of(ctx.read(repo, root_props_path)),
                    root_props_path,
                )
            scope.root_props_path = gp.join(root_dir, "gradle.properties")
            scope.root_props = ev.properties_of(ctx.read(repo, scope.root_props_path))
        if settings is not None:
            for name, path in settings.catalog_paths(lambda p: ctx.read(repo, p) is not None).items():
                catalog = self._catalog(path)
                if catalog is not None:
                    scope.catalogs[name] = catalog
            for name, (path, line) in settings.catalogs.items():
                if path is None:
                    scope.catalogs.setdefault(name, Catalog(f"{settings.path}:{line}"))
        else:
            default = gp.join(project.directory, "gradle/libs.versions.toml")
            catalog = self._catalog(default)
            if catalog is not None:
                scope.catalogs["libs"] = catalog
        return scope

    def _catalog(self, path: str) -> Catalog | None:
        text = self.context.read(self.source.repo, path)
        if text is None:
            return None
        try:
            return parse_catalog(text, path)
        except ParseError as exc:
            self.warn(None, f"version catalog {path} is unusable ({exc}); its aliases stay unresolved")
            return Catalog(path)

    # ------------------------------------------------------------------------------- dependencies

    def _dependency_blocks(self, script: lex.Script) -> None:
        tokens = script.tokens
        parents: list[tuple[str, int]] = []
        for i, tok in enumerate(tokens):
            while parents and i > parents[-1][1]:
                parents.pop()
            if tok.kind != lex.PUNCT or tok.text != "{":
                continue
            label = lex.block_label(script, i)
            close = min(script.match[i], len(tokens))
            if label == "dependencies" and not (parents and parents[-1][0] == "dependencies"):
                outer = [p[0] for p in parents]
                if any(p in _OTHER_PROJECTS for p in outer):
                    self.warn(
                        script.token_line(i),
                        f"dependencies inside {next(p for p in outer if p in _OTHER_PROJECTS)} {{}} configure "
                        "other projects; not attributed to this one",
                    )
                else:
                    in_test = any(p.endswith("Test") or p.endswith("TestFixtures") for p in outer if p)
                    self._walk(script, i + 1, close, constraint=False, in_test=in_test)
            parents.append((label, close))

    def _walk(self, script: lex.Script, start: int, end: int, constraint: bool, in_test: bool) -> None:
        toks = script.tokens
        i = start
        while i < end:
            t = toks[i]
            if t.kind == lex.NL or (t.kind == lex.PUNCT and t.text in ";}"):
                i += 1
                continue
            stop = min(gp.statement_end(script, i), end)
            if stop <= i:
                stop = i + 1
            if t.kind == lex.IDENT and t.text in _CONTROL:
                j = i
                while j < stop:
                    if toks[j].kind == lex.PUNCT and toks[j].text == "{":
                        close = min(script.match[j], end)
                        self._walk(script, j + 1, close, constraint, in_test)
                        j = close + 1
                    elif toks[j].kind == lex.PUNCT and toks[j].text in "([":
                        j = max(j + 1, script.match[j] + 1)
                    else:
                        j += 1
            elif t.kind == lex.IDENT and t.text == "constraints" and i + 1 < end and toks[i + 1].text == "{":
                self._walk(script, i + 2, min(script.match[i + 1], end), True, in_test)
            elif t.kind in (lex.IDENT, lex.STRING) and t.text not in _SKIP_WORDS:
                self._statement(script, i, stop, constraint, in_test)
            i = stop

    def _statement(self, script: lex.Script, i: int, stop: int, constraint: bool, in_test: bool) -> None:
        toks = script.tokens
        head = toks[i]
        if head.kind == lex.STRING and not head.is_static_string:
            return
        conf = head.value if head.kind == lex.STRING else head.text
        nxt = toks[i + 1] if i + 1 < stop else None
        if nxt is None or (nxt.kind == lex.PUNCT and nxt.text in ".=[:") or nxt.kind == lex.NL:
            return
        closure: tuple[int, int] | None = None
        if nxt.kind == lex.PUNCT and nxt.text == "(":
            close = min(script.match[i + 1], stop)
            pieces = lex.split_top(script, i + 2, close)
            after = close + 1
            if after < stop and toks[after].text == "{":
                closure = (after + 1, min(script.match[after], stop))
        elif head.kind == lex.STRING:
            return
        else:
            pieces = lex.split_top(script, i + 1, stop)
        if conf == "add" and pieces and toks[pieces[0][0]].is_static_string and pieces[0][1] - pieces[0][0] == 1:
            conf = toks[pieces[0][0]].value
            pieces = pieces[1:]
        for a, b in list(pieces):
            if toks[a].kind == lex.PUNCT and toks[a].text == "{" and script.match[a] == b - 1:
                pieces.remove((a, b))
                closure = (a + 1, b - 1)
        if not pieces:
            return
        line = script.token_line(i)
        rich = self._closure_version(script, closure) if closure else None
        named = ev.named_args(script, pieces)
        if named is not None:
            self._map_notation(script, named, conf, line, constraint, in_test, rich)
            return
        if script.tokens and len(pieces) == 3 and all(b - a == 1 and toks[a].kind == lex.STRING for a, b in pieces):
            values = [ev.evaluate(self.scope, a, b) for a, b in pieces]
            if all(isinstance(v, ev.Text) and ":" not in v.value for v in values):  # Kotlin ("g", "a", "v")
                g, a_, v = values
                self._coordinates(g.value, a_.value, v, conf, line, constraint, in_test, rich, None)
                return
        for a, b in pieces:
            value = ev.evaluate(self.scope, a, b)
            self._emit(value, conf, script.token_line(a), constraint, in_test, rich, script.source_text(a, b))

    def _closure_version(self, script: lex.Script, closure: tuple[int, int]) -> str | None:
        toks = script.tokens
        parts = []
        for j in range(closure[0], closure[1]):
            t = toks[j]
            if t.kind == lex.IDENT and t.text in ("strictly", "require", "prefer", "reject") and j + 1 < closure[1]:
                k = j + 2 if toks[j + 1].text == "(" and j + 2 < closure[1] else j + 1
                if toks[k].kind == lex.STRING:
                    value = ev.evaluate(self.scope, k, k + 1)
                    shown = value.value if isinstance(value, ev.Text) else toks[k].text
                    parts.append((t.text, shown))
        if not parts:
            return None
        if len(parts) == 1 and parts[0][0] == "require":
            return parts[0][1]
        return "; ".join(f"{k} {v}" for k, v in parts)

    def _map_notation(self, script, named, conf, line, constraint, in_test, rich) -> None:
        values = {k: ev.evaluate(self.scope, a, b) for k, (a, b) in named}
        group, name = values.get("group"), values.get("name")
        if not (isinstance(group, ev.Text) and isinstance(name, ev.Text)) or group.unknown or name.unknown:
            if "path" in values:  # project(path: ...) written without project(): not a dependency notation
                return
            shown = ", ".join(f"{k}: {script.source_text(a, b)}" for k, (a, b) in named)
            self.warn(line, f"{conf} dependency with computed coordinates ({shown}); not recorded")
            return
        version = values.get("version")
        self._coordinates(group.value, name.value, version, conf, line, constraint, in_test, rich, None)

    def _emit(self, value, conf, line, constraint, in_test, rich, written, mechanism=None) -> None:
        if isinstance(value, ev.Text):
            self._notation(value, conf, line, constraint, in_test, rich, written, mechanism)
        elif isinstance(value, ev.Library):
            if value.entry is None:
                self.warn(line, f"{written}: no such library in version catalog {value.catalog!r}; not recorded")
            else:
                self._library(value.entry, conf, line, constraint, in_test, rich, mechanism)
        elif isinstance(value, ev.Bundle):
            if value.entries is None:
                self.warn(line, f"{written}: no such bundle in version catalog {value.catalog!r}; not recorded")
            else:
                for entry in value.entries:
                    self._library(entry, conf, line, constraint, in_test, rich, mechanism)
        elif isinstance(value, ev.ProjectRef):
            if not constraint:
                self._project_dependency(value, conf, line, in_test, written)
        elif isinstance(value, ev.Wrapped):
            if value.kind == "testFixtures":
                self._emit(value.inner, conf, line, constraint, in_test, rich, written, mechanism)
            elif isinstance(value.inner, ev.ProjectRef):
                self._project_dependency(value.inner, conf, line, in_test, written)
            else:
                kind = "gradle-platform" if value.kind == "platform" else "gradle-enforced-platform"
                self._emit(value.inner, conf, line, True, in_test, rich, written, kind)
        elif isinstance(value, ev.Ignored):
            return
        elif isinstance(value, ev.Unknown):
            self.warn(line, f"{conf} dependency computed in code: {value.expression}; not recorded")

    def _notation(self, value: ev.Text, conf, line, constraint, in_test, rich, written, mechanism) -> None:
        notation = value.value.strip()
        if "@" in notation.split(":")[-1]:
            notation = notation.rsplit("@", 1)[0]
        parts = notation.split(":")
        if len(parts) < 2 or len(parts) > 4 or not parts[0] or not parts[1]:
            self.warn(line, f"{conf} {written}: not a group:artifact[:version] notation; not recorded")
            return
        group, artifact = parts[0], parts[1]
        if any(u in group or u in artifact for u in value.unknown):
            self.warn(line, f"{conf} dependency with computed coordinates: {written}; not recorded")
            return
        version: ev.Text | None = None
        if len(parts) >= 3:
            version = ev.Text(parts[2], value.location, tuple(u for u in value.unknown if u in parts[2]))
        self._coordinates(group, artifact, version, conf, line, constraint, in_test, rich, mechanism)

    def _coordinates(self, group, artifact, version, conf, line, constraint, in_test, rich, mechanism) -> None:
        try:
            package = gp.maven_purl(group.strip(), artifact.strip())
        except ValueError as exc:
            self.warn(line, f"{conf} {group}:{artifact}: {exc}")
            return
        range_, unresolved, version_location = None, None, None
        if isinstance(version, ev.Text):
            if version.unknown:
                unresolved = version.value
            elif version.value:
                range_ = version.value
                version_location = version.location
        elif isinstance(version, ev.Unknown):
            unresolved = version.expression
        if rich is not None:
            range_, unresolved, version_location = rich, None, None
        self._add(package, range_, unresolved, version_location, conf, line, constraint, in_test, mechanism)

    def _library(self, entry: CatalogLibrary, conf, line, constraint, in_test, rich, mechanism) -> None:
        try:
            package = gp.maven_purl(entry.group, entry.name)
        except ValueError as exc:
            self.warn(line, f"{conf} {entry.group}:{entry.name}: {exc}")
            return
        catalog_path = next((c.path for c in self.scope.catalogs.values() if entry in c.libraries.values()), None)
        version_location = Location(catalog_path, entry.version_line) if entry.version and catalog_path else None
        range_, unresolved = entry.version, entry.unresolved
        if rich is not None:
            range_, unresolved, version_location = rich, None, None
        self._add(package, range_, unresolved, version_location, conf, line, constraint, in_test, mechanism)

    def _add(self, package, range_, unresolved, version_location, conf, line, constraint, in_test, mechanism) -> None:
        location = Location(self.source.path, line)
        if constraint:
            self.records.add(
                Constrains(
                    project=self.project.key,
                    package=package,
                    range=range_,
                    mechanism=mechanism or "gradle-constraint",
                    location=location,
                    version_location=version_location,
                    unresolved=unresolved,
                )
            )
            return
        self.records.add(
            Declared(
                project=self.project.key,
                package=package,
                range=range_,
                scope=scope_of(conf, in_test),
                raw_scope=conf,
                location=location,
                version_location=version_location,
                unresolved=unresolved,
            )
        )

    def _project_dependency(self, ref: ev.ProjectRef, conf: str, line: int, in_test: bool, written: str) -> None:
        settings = self.project.settings
        if settings is None:
            self.warn(line, f"{written}: no settings.gradle(.kts) includes this project; the link is not recorded")
            return
        path = ref.path
        if ref.accessor is not None:
            path = settings.accessors().get(ref.accessor)
            if path is None:
                self.warn(line, f"{written}: no project of {settings.path} matches this accessor; not recorded")
                return
        assert path is not None
        canonical = ":" + path.strip(":") if path.strip(":") else ":"
        if canonical != ":" and canonical not in settings.projects:
            self.warn(line, f"{written}: {canonical} is not included in {settings.path}; its default directory is used")
        target = gd.describe_path(self.source.repo, settings, canonical, self.context)
        self.records.add(
            ProjectDependency(
                project=self.project.key,
                target=target.key,
                spec=written,
                scope=scope_of(conf, in_test),
                raw_scope=conf,
                location=Location(self.source.path, line),
            )
        )


def _sort_key(rec: Record) -> tuple:
    kind = type(rec).__name__
    loc = getattr(rec, "location", None)
    target = getattr(rec, "package", None) or getattr(rec, "target", "")
    return (kind, target, loc.line if loc and loc.line else 0, repr(rec))
