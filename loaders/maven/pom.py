"""Maven ``pom.xml`` (and repository-layout ``*.pom``) files.

The POM is the project; its own coordinates are what it publishes. Each ``<dependency>`` of the
project (or of one of its ``<profile>``s, marked with the profile id) is a declaration whose
``range`` is the *effective* version: after property interpolation and ``dependencyManagement``
inherited from in-ingest parents and imported in-ingest BOMs (see :mod:`loaders.maven._effective`).
``version_location`` is where that version is written (a property definition, a managed
``<version>``, possibly in another file). A version that comes from outside the ingest (an external
parent or BOM) or from an undefined property is left as ``range=None`` with ``unresolved`` naming
what it depends on. This POM's own ``<dependencyManagement>`` entries and BOM imports become
``Constrains`` records.
"""

from __future__ import annotations

import posixpath
from dataclasses import replace

from loaders.base import EMPTY_CONTEXT, Loader, SourceContext
from loaders.maven._effective import Effective, Managed, Resolver, is_pom_path, management_key
from loaders.maven._images import maven_images, parent_roots
from loaders.maven._interpolate import Definition, Interpolator, Value
from loaders.maven._model import (
    POM_NAMESPACES,
    SCOPES,
    NotAPom,
    RawDependency,
    RawPom,
    RawProfile,
    XmlError,
    kind_of_packaging,
    read_raw,
)
from loaders.maven._xml import Element, parse_xml
from planner import purl as purls
from planner.errors import ParseError
from planner.model import (
    Constrains,
    Declared,
    Location,
    ParseResult,
    ParseWarning,
    Project,
    Publishes,
    Source,
    project_key,
)


class MavenPomLoader(Loader):
    """Maven POMs, resolved against the other POMs of the same ingest."""

    name = "maven-pom"
    file_names = frozenset({"pom.xml"})
    file_globs = ("*.pom",)

    def matches(self, path: str) -> bool:
        """``pom.xml`` and ``*.pom``; not ``dependency-reduced-pom.xml``, ``effective-pom.xml`` nor
        ``.flattened-pom.xml`` (generated copies of a module's POM: reading them would declare the
        same project twice, with shaded or pre-resolved dependencies)."""
        return is_pom_path(path)

    def parse(self, text: str, source: Source, context: SourceContext = EMPTY_CONTEXT) -> ParseResult:
        """Read one POM; parents and BOMs are read through ``context``."""
        try:
            raw = read_raw(text)
        except (XmlError, NotAPom) as exc:
            raise ParseError(source.display, exc.line, exc.reason) from None
        if not raw.artifact:
            raise ParseError(source.display, raw.line, "not a usable POM: no <artifactId>")
        reader = _PomReader(raw, source, context)
        result = reader.read()
        reader.images(parse_xml(text))
        return result


class _PomReader:
    """The state of one parse."""

    def __init__(self, raw: RawPom, source: Source, context: SourceContext) -> None:
        self.raw = raw
        self.source = source
        self.result = ParseResult()
        self._warned: set[tuple[int | None, str]] = set()
        self.resolver = Resolver(context, self.warn)

    def warn(self, line: int | None, message: str) -> None:
        """Add a warning once."""
        if (line, message) not in self._warned:
            self._warned.add((line, message))
            self.result.warnings.append(ParseWarning(self.source.display, line, message))

    def read(self) -> ParseResult:
        raw, source = self.raw, self.source
        if raw.namespace and raw.namespace not in POM_NAMESPACES:
            self.warn(raw.line, f"unknown namespace {raw.namespace!r}; read as a Maven 4.0.0 POM")
        if raw.parent is not None and not (raw.parent.group and raw.parent.artifact and raw.parent.version):
            self.warn(raw.parent.line, "<parent> lacks groupId, artifactId or version; not followed")
        eff = self.resolver.effective((source.repo, source.path), raw)
        project = self._project(eff)
        records: list = [project]
        deploy_skip = (eff.interpolate.lookup("maven.deploy.skip").value or "").strip().lower() == "true"
        if project.ecosystem == "maven" and not deploy_skip and not source.path.lower().endswith(".pom"):
            records.append(Publishes(project.key, purls.parse(project.purl).package))
        declared: dict[tuple, Declared] = {}
        for dep in raw.dependencies:
            self._declare(dep, eff, eff.interpolate, {}, None, project.key, declared)
        self._inherited(eff, project.key, declared)
        for profile in raw.profiles:
            interp, management = self._profile(profile, eff)
            for dep in profile.dependencies:
                self._declare(dep, eff, interp, management, profile.id, project.key, declared)
        for plugin, dep in raw.plugin_dependencies:  # a build plugin's own classpath: scope build
            self._declare(dep, eff, eff.interpolate, {}, None, project.key, declared, plugin=plugin)
        records.extend(sorted(declared.values(), key=_declared_order))
        records.extend(self._constraints(eff, project.key))
        self.result.extend(records)
        return self.result

    def images(self, root: Element) -> None:
        """Images this module's build plugins make (its own or inherited: Jib, Spring Boot, fabric8,
        Spotify, ``exec docker build``); see :mod:`loaders.maven._images`."""
        eff = self.resolver.effective((self.source.repo, self.source.path), self.raw)
        parents = parent_roots(self.resolver.context, self.source.repo, eff.chain)
        artifact = eff.interpolate(self.raw.artifact).value or self.raw.artifact or ""
        packaging = (eff.interpolate(self.raw.packaging).value if self.raw.packaging else None) or "jar"
        records, problems = maven_images(
            root,
            parents,
            self.source,
            lambda t: eff.interpolate(t).value,
            (eff.group.value, artifact, eff.version.value),
            packaging.strip(),
        )
        self.result.extend(records)
        for line, message in problems:
            self.warn(line, message)

    # ---------------------------------------------------------------------------------- project

    def _project(self, eff: Effective) -> Project:
        raw, source = self.raw, self.source
        group, version = eff.group.value, eff.version.value
        parent = raw.parent
        if group is None:
            written = raw.group or (parent.group if parent else None)
            self.warn(raw.group_line or raw.line, f"groupId {written or '(none)'} cannot be resolved")
        if version is None:
            written = raw.version or (parent.version if parent else None)
            self.warn(raw.version_line or raw.line, f"version {written or '(none)'} cannot be resolved")
        artifact = eff.interpolate(raw.artifact).value
        purl = None
        if group and artifact:
            try:
                purl = purls.maven(group, artifact, version)
            except ValueError as exc:
                self.warn(raw.artifact_line, f"bad coordinates {group}:{artifact}: {exc}")
        if purl is None:
            directory = source.directory
            purl = purls.build("generic", None, posixpath.basename(directory) if directory != "." else source.repo)
        packaging = eff.interpolate(raw.packaging).value if raw.packaging else "jar"
        return Project(
            key=project_key(source.repo, source.directory, purl.package),
            name=purl.display_name,
            ecosystem=purl.type,
            repo=source.repo,
            path=source.directory,
            manifest=source.path,
            purl=purl.key,
            version=purl.version,
            kind=kind_of_packaging(packaging),
        )

    # ----------------------------------------------------------------------------- declarations

    def _profile(self, profile: RawProfile, eff: Effective) -> tuple[Interpolator, dict]:
        """The interpolator and extra management in effect when ``profile`` is active."""
        extra = {n: Definition(v, Location(self.source.path, line)) for n, v, line in profile.properties}
        interp = eff.interpolate.overlay(extra)
        management: dict = {}
        for dep in profile.management:
            entry = self.resolver.managed(dep, self.source.path, interp)
            if entry is not None:
                management.setdefault(entry.key, entry)
        return interp, management

    def _inherited(self, eff: Effective, project: str, out: dict[tuple, Declared]) -> None:
        """The ``<dependencies>`` of the parents in the ingest (same repository), nearest first, as Maven
        inherits them: interpolated in this POM's context, located at the parent's ``<artifactId>`` line;
        an entry of this POM or of a nearer parent with the same key overrides a farther one."""
        interp = eff.interpolate
        seen = {self._dependency_key(dep, interp) for dep in self.raw.dependencies}
        for repo, path in eff.chain[1:]:
            parent = self.resolver.read(repo, path) if repo == self.source.repo else None
            for dep in parent.dependencies if parent is not None else ():
                key = self._dependency_key(dep, interp)
                if key is None or key in seen:
                    continue
                seen.add(key)
                self._declare(dep, eff, interp, {}, None, project, out, where=path)

    @staticmethod
    def _dependency_key(dep: RawDependency, interp: Interpolator) -> tuple | None:
        group, artifact = interp(dep.group).value, interp(dep.artifact).value
        if not group or not artifact:
            return None
        return management_key(group, artifact, interp(dep.type).value, interp(dep.classifier).value)

    def _declare(
        self,
        dep: RawDependency,
        eff: Effective,
        interp: Interpolator,
        extra_management: dict,
        profile: str | None,
        project: str,
        out: dict[tuple, Declared],
        plugin: str | None = None,
        where: str | None = None,
    ) -> None:
        """One declared dependency; ``plugin`` names the build plugin whose own classpath it is on (then
        scope ``build``, raw scope ``plugin:<artifactId>``: a tool's classpath is not shipped); ``where`` is
        the parent POM it is inherited from (its lines; its own parse reports its problems)."""
        path = where or self.source.path
        warn = self.warn if where is None else (lambda _line, _message: None)
        group, artifact = interp(dep.group).value, interp(dep.artifact).value
        if not group or not artifact:
            what = dep.group if not group else dep.artifact
            warn(dep.line, f"dependency {dep.group}:{dep.artifact}: {what or 'a coordinate'} cannot be resolved")
            return
        try:
            package = purls.maven(group, artifact).package
        except ValueError as exc:
            warn(dep.line, f"bad dependency coordinates {group}:{artifact}: {exc}")
            return
        key = management_key(group, artifact, interp(dep.type).value, interp(dep.classifier).value)
        managed: Managed | None = extra_management.get(key) or eff.management.get(key)
        version, unresolved = self._version(dep, interp, managed, eff, group, path)
        raw_scope = interp(dep.scope).value if dep.scope else (managed.scope if managed and managed.scope else None)
        raw_scope = (raw_scope or "compile").strip() if plugin is None else f"plugin:{plugin}"
        scope = SCOPES.get(raw_scope) if plugin is None else "build"
        if scope is None:
            warn(dep.line, f"unknown scope {raw_scope!r} for {group}:{artifact}")
            scope = "unknown"
        optional = (interp(dep.optional).value or "").strip().lower() == "true"
        rec = Declared(
            project=project,
            package=package,
            range=version.value,
            scope=scope,
            raw_scope=raw_scope,
            optional=optional,
            location=Location(path, dep.line),
            version_location=version.origin,
            profile=profile,
            unresolved=unresolved,
            exclusions=tuple(sorted({interp(x).value or x for x in dep.exclusions})),
            version_property=version.property,
        )
        out.setdefault((package, profile, scope, rec.range, unresolved, optional), rec)

    def _version(
        self, dep: RawDependency, interp: Interpolator, managed: Managed | None, eff: Effective, group: str, path: str
    ) -> tuple[Value, str | None]:
        """The effective version and, when it is not known, what it depends on (``path``: the POM it is in)."""
        warn = self.warn if path == self.source.path else (lambda _line, _message: None)
        if dep.version:
            v = interp(dep.version, Location(path, dep.version_line))
            if v.value is not None and not v.value.strip():
                warn(dep.line, f"dependency {group}:{dep.artifact}: version {dep.version} is empty")
                return Value(None, v.origin, dep.version), dep.version
            return v, v.unresolved
        if managed is not None and (managed.version.value or managed.version.unresolved):
            version = managed.version
            if managed.imported_from and version.origin is not None and version.origin.repo and version.property:
                # a BOM of another repository resolves its properties in its own model: this POM cannot
                # override them (it pins the version in its own <dependencyManagement> instead)
                version = replace(version, property=None)
            return version, version.unresolved
        hint, origin = _external_hint(eff, group)
        if hint is None:
            warn(dep.line, f"dependency {group}:{dep.artifact} has no version and none is managed")
        same = [b for b in eff.external_boms if b.group == group]
        if len(same) == 1 and same[0].version.value:
            # A project BOM (log4j-bom, jackson-bom, netty-bom ...) manages the artifacts of its own
            # group at its own version: infer it, and say it is inferred.
            inferred = Value(same[0].version.value, origin, None, same[0].version.property)
            return inferred, f"inferred: {hint} (its own group at its version)"
        return Value(None, origin, hint), hint

    # ------------------------------------------------------------------------------ constraints

    def _constraints(self, eff: Effective, project: str) -> list[Constrains]:
        """This POM's own ``<dependencyManagement>`` entries and BOM imports."""
        out: dict[tuple[str, str], Constrains] = {}
        for dep in self.raw.management:
            entry = self.resolver.managed(dep, self.source.path, eff.interpolate)
            if entry is None:
                self.warn(dep.line, f"managed dependency {dep.group}:{dep.artifact} cannot be resolved; skipped")
                continue
            group, artifact, type_, _ = entry.key
            is_import = type_ == "pom" and (entry.scope or "") == "import"
            mechanism = "bom-import" if is_import else "dependency-management"
            try:
                package = purls.maven(group, artifact).package
            except ValueError as exc:
                self.warn(dep.line, f"bad managed coordinates {group}:{artifact}: {exc}")
                continue
            out.setdefault(
                (package, mechanism),
                Constrains(
                    project=project,
                    package=package,
                    range=entry.version.value,
                    mechanism=mechanism,
                    location=entry.location,
                    version_location=entry.version.origin,
                    unresolved=entry.version.unresolved,
                ),
            )
        return sorted(out.values(), key=lambda c: (c.mechanism, c.package))


def _external_hint(eff: Effective, group: str) -> tuple[str | None, Location | None]:
    """Name the external BOM(s) or parent a versionless, unmanaged dependency must get its version from.

    A BOM of the dependency's own groupId (``log4j-bom`` for ``log4j-core``) is the one named when
    there is exactly one; otherwise every external BOM and the external parent are candidates.
    """
    same = [b for b in eff.external_boms if b.group == group]
    if len(same) == 1:
        return f"managed by external BOM {same[0].coordinates}", same[0].version.origin
    candidates = [b.coordinates for b in (same or eff.external_boms)]
    if not same and eff.external_parent:
        candidates.append(f"parent {eff.external_parent}")
    if not candidates:
        return None, None
    return "managed outside the ingest: " + ", ".join(candidates), None


def _declared_order(d: Declared) -> tuple:
    return (d.profile or "", d.package, d.location.line if d.location and d.location.line else 0, d.scope)
