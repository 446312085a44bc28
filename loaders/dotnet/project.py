"""MSBuild project files of .NET: ``*.csproj``, ``*.fsproj``, ``*.vbproj``.

The project file is the project; ``pkg:nuget/<PackageId | AssemblyName | file stem>`` is what it
publishes (unless ``IsPackable`` is false, the default of web and test projects). Each
``<PackageReference>`` is a declaration, ``<ProjectReference>`` a link to another project.

The file is evaluated statically the way MSBuild would, in its order: the nearest
``Directory.Build.props`` and ``Directory.Packages.props`` at or above the project directory (read
through the context, following ``GetPathOfFileAbove`` chains and static ``<Import>``\\ s), the project
body, then ``Directory.Build.targets``. Properties are expanded (``$(X)``) when their value is
static; an undefined property, a property function or an environment value leaves a version
``unresolved``. ``Condition``\\ s are evaluated with MSBuild's three-valued reading: statically false
drops the element, statically true keeps it unmarked, anything depending on the build
(``$(Configuration)``, ``$(TargetFramework)`` of a multi-targeted project, ``Exists()``) keeps it
with the condition as its ``profile``. With central package management
(``ManagePackageVersionsCentrally``) a reference without a version takes the ``<PackageVersion>``
of ``Directory.Packages.props``, which becomes its ``version_location``; with transitive pinning
those entries are also ``Constrains``.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import dataclass

from loaders.base import EMPTY_CONTEXT, Loader, SourceContext
from loaders.dotnet._evaluation import Evaluation, Evaluator, Item, _join, _stem, _truthy
from loaders.dotnet._expressions import expand
from loaders.sbom.xml import Element, parse_xml
from planner import purl as purls
from planner.errors import ParseError
from planner.model import (
    Constrains,
    Declared,
    Location,
    ParseResult,
    ParseWarning,
    Project,
    ProjectDependency,
    Publishes,
    Record,
    Source,
    project_key,
)

PROJECT_SUFFIXES = (".csproj", ".fsproj", ".vbproj")
_APPLICATION_SDKS = ("microsoft.net.sdk.web", "microsoft.net.sdk.worker", "microsoft.net.sdk.blazorwebassembly")
_UNPACKABLE_SDKS = ("microsoft.net.sdk.web", "microsoft.net.sdk.blazorwebassembly")
_TEST_SDK_PACKAGE = "microsoft.net.test.sdk"


def is_project_path(path: str) -> bool:
    """Whether a path names an MSBuild project file of C#, F# or Visual Basic."""
    base = posixpath.basename(path)
    return base.lower().endswith(PROJECT_SUFFIXES) and len(base) > len(".csproj")


# -- the project ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Identity:
    """Who a project is: its key, NuGet id and static version."""

    key: str
    name: str
    purl: purls.Purl
    unresolved: str | None = None  # why the id fell back to the file name


def identity_of(repo: str, path: str, ev: Evaluation | None) -> Identity:
    """``PackageId``, else ``AssemblyName``, else the file stem; versioned when static."""
    stem = _stem(path)
    name, unresolved = stem, None
    if ev is not None:
        for prop in ("PackageId", "AssemblyName"):
            p = ev.prop(prop)
            if p is None or not p.raw.strip():
                continue
            if p.value and p.value.strip():
                name = p.value.strip()
                break
            unresolved = unresolved or p.raw.strip()
    version = _version(ev) if ev is not None else None
    try:
        purl = purls.build("nuget", None, name, version)
    except ValueError:
        purl = purls.build("nuget", None, stem, version)
    directory = posixpath.dirname(path) or "."
    return Identity(project_key(repo, directory, purl.package), purl.name, purl, unresolved)


def _version(ev: Evaluation) -> str | None:
    for prop in ("PackageVersion", "Version"):
        p = ev.prop(prop)
        if p is not None and p.raw.strip():
            return p.value.strip() if p.value and p.value.strip() else None
    prefix = ev.prop("VersionPrefix")
    if prefix is None or not prefix.value:
        return None
    suffix = ev.prop("VersionSuffix")
    if suffix is not None and suffix.raw.strip():
        if not suffix.value:
            return None
        return f"{prefix.value.strip()}-{suffix.value.strip()}"
    return prefix.value.strip()


def read_project(repo: str, path: str, context: SourceContext, *, with_items: bool = True) -> Evaluation | None:
    """Evaluate the project file at ``path`` read through the context (None when absent or broken)."""
    text = context.read(repo, path)
    if text is None:
        return None
    try:
        root = parse_xml(text, Source(repo, path, path))
    except (ParseError, UnicodeError):
        return None
    if root.tag != "Project":
        return None
    return Evaluator(repo, context, lambda _line, _msg: None).evaluate(path, root, with_items=with_items)


def project_record(repo: str, path: str, ev: Evaluation) -> tuple[Project, Identity]:
    """The Project record of an evaluated project file."""
    ident = identity_of(repo, path, ev)
    kind = _kind(ev)
    return (
        Project(
            key=ident.key,
            name=ident.name,
            ecosystem="nuget",
            repo=repo,
            path=posixpath.dirname(path) or ".",
            manifest=path,
            purl=ident.purl.key,
            version=ident.purl.version,
            kind=kind,
        ),
        ident,
    )


def _is_test(ev: Evaluation) -> bool:
    flag = _truthy(ev.value("IsTestProject"))
    if flag is not None and ev.prop("IsTestProject") is not None:
        return flag
    return any(it.kind == "packagereference" and it.name.lower() == _TEST_SDK_PACKAGE for it in ev.items)


def _kind(ev: Evaluation) -> str:
    if _is_test(ev):
        return "test"
    output = (ev.value("OutputType") or "").strip().lower()
    if output in ("exe", "winexe", "appcontainerexe"):
        return "application"
    if output == "" and any(s in _APPLICATION_SDKS for s in ev.sdk_names):
        return "application"
    return "library"


def _packable(ev: Evaluation) -> bool:
    p = ev.prop("IsPackable")
    if p is not None and p.raw.strip():
        return _truthy(p.value) is not False  # unknown: assume packable
    if _is_test(ev):
        return False
    return not any(s in _UNPACKABLE_SDKS for s in ev.sdk_names)


class DotnetProjectLoader(Loader):
    """``*.csproj``, ``*.fsproj``, ``*.vbproj`` with their Directory.*.props, evaluated statically."""

    name = "dotnet-project"
    file_globs = tuple(f"*{suffix}" for suffix in PROJECT_SUFFIXES)

    def matches(self, path: str) -> bool:
        """A file ending ``.csproj``, ``.fsproj`` or ``.vbproj`` (not ``.csproj.user`` etc.)."""
        return is_project_path(path)

    def parse(self, text: str, source: Source, context: SourceContext = EMPTY_CONTEXT) -> ParseResult:
        """Read one project file; Directory.*.props, imports and referenced projects through ``context``."""
        try:
            root = parse_xml(text, source)
        except UnicodeError:
            raise ParseError(source.display, 1, "not encodable text (lone surrogates)") from None
        if root.tag != "Project":
            raise ParseError(source.display, root.line, f"not an MSBuild project: root element is <{root.tag}>")
        return _ProjectReader(source, context).read(root)


class _ProjectReader:
    """The state of one parse."""

    def __init__(self, source: Source, context: SourceContext) -> None:
        self.source = source
        self.context = context
        self.result = ParseResult()
        self._warned: set[tuple[int | None, str]] = set()

    def warn(self, line: int | None, message: str) -> None:
        """Add a warning once."""
        if (line, message) not in self._warned:
            self._warned.add((line, message))
            self.result.warnings.append(ParseWarning(self.source.display, line, message))

    def read(self, root: Element) -> ParseResult:
        """Evaluate and emit the records."""
        src = self.source
        ev = Evaluator(src.repo, self.context, self.warn).evaluate(src.path, root)
        project, ident = project_record(src.repo, src.path, ev)
        if ident.unresolved:
            self.warn(root.line, f"package id {ident.unresolved!r} is not static; the project is named {ident.name}")
        records: list[Record] = [project]
        if _packable(ev) and not ident.unresolved:
            records.append(Publishes(project.key, ident.purl.package))
        test = project.kind == "test"
        central = self._central(ev)
        records.extend(self._declared(ev, project, central, test))
        records.extend(self._sdk_declared(ev, project))
        records.extend(self._constrains(ev, project, central))
        records.extend(self._project_refs(ev, project, test))
        self.result.extend(_dedupe(records))
        return self.result

    def _central(self, ev: Evaluation) -> dict[str, Item] | None:
        versions = {it.name.lower(): it for it in ev.items if it.kind == "packageversion"}
        if _truthy(ev.value("ManagePackageVersionsCentrally")):
            return versions
        return None

    def _version_of(self, ev: Evaluation, meta: tuple[str, Location]) -> tuple[str | None, str | None, Location | None]:
        """(range, unresolved, where the value is set when not on the element itself)."""
        raw = meta[0].strip()
        if not raw:
            return None, None, None
        exp = expand(raw, ev.props)
        if exp.text is None:
            return None, raw, None
        return exp.text.strip() or None, None, exp.origin

    def _declared(self, ev: Evaluation, project: Project, central: dict[str, Item] | None, test: bool) -> list[Record]:
        out: list[Record] = []
        for it in ev.items:
            if it.kind not in ("packagereference", "globalpackagereference"):
                continue
            package = self._package(it)
            if package is None:
                continue
            version_location: Location | None = None
            meta = it.meta.get("versionoverride") or it.meta.get("version")
            if meta is not None:
                rng, unresolved, version_location = self._version_of(ev, meta)
            elif central is not None and it.name.lower() in central:
                entry = central[it.name.lower()]
                cmeta = entry.meta.get("version")
                rng, unresolved, _ = self._version_of(ev, cmeta) if cmeta else (None, None, None)
                version_location = cmeta[1] if cmeta else entry.location
            else:
                rng, unresolved = None, None
                self.warn(
                    it.location.line if it.location.path == self.source.path else None,
                    f"{it.name} has no version"
                    + ("" if central is None else " and Directory.Packages.props has no <PackageVersion> for it")
                    + (f" (declared in {it.location})" if it.location.path != self.source.path else ""),
                )
            private = it.meta.get("privateassets")
            is_private = private is not None and "all" in {p.strip().lower() for p in private[0].split(";")}
            if it.kind == "globalpackagereference":
                scope, raw_scope = "build", "GlobalPackageReference"
            elif is_private:
                scope, raw_scope = "build", "PrivateAssets=all"
            else:
                scope, raw_scope = ("test" if test else "runtime"), "PackageReference"
            out.append(
                Declared(
                    project=project.key,
                    package=package,
                    range=rng,
                    scope=scope,
                    raw_scope=raw_scope,
                    location=it.location,
                    version_location=version_location if version_location != it.location else None,
                    profile=" and ".join(it.profile) or None,
                    unresolved=unresolved,
                )
            )
        return out

    def _package(self, it: Item) -> str | None:
        try:
            return purls.build("nuget", None, it.name).package
        except ValueError:
            self.warn(it.location.line, f"{it.name!r} is not a NuGet package id; ignored")
            return None

    def _sdk_declared(self, ev: Evaluation, project: Project) -> list[Record]:
        out: list[Record] = []
        for name, version, line in ev.sdks:
            if version is None:
                continue  # bundled with the .NET SDK (or pinned in global.json): not a NuGet dependency here
            try:
                package = purls.build("nuget", None, name).package
            except ValueError:
                continue
            out.append(
                Declared(project.key, package, version, "build", "Sdk", location=Location(self.source.path, line))
            )
        return out

    def _constrains(self, ev: Evaluation, project: Project, central: dict[str, Item] | None) -> list[Record]:
        if central is None or not _truthy(ev.value("CentralPackageTransitivePinningEnabled")):
            return []
        out: list[Record] = []
        for it in central.values():
            package = self._package(it)
            meta = it.meta.get("version")
            if package is None or meta is None:
                continue
            rng, unresolved, origin = self._version_of(ev, meta)
            out.append(
                Constrains(
                    project.key,
                    package,
                    rng,
                    "nuget-central-transitive-pinning",
                    location=it.location,
                    version_location=origin,
                    unresolved=unresolved,
                    profile=" and ".join(it.profile) or None,
                )
            )
        return out

    def _project_refs(self, ev: Evaluation, project: Project, test: bool) -> list[Record]:
        out: list[Record] = []
        for it in ev.items:
            if it.kind != "projectreference":
                continue
            spec = it.name
            target = _join(ev.directory, spec.replace("\\", "/"))
            if target.startswith("../") or target == ".." or target.startswith("/"):
                self.warn(it.location.line, f"project reference {spec} points outside the repository; ignored")
                continue
            target_ev = read_project(self.source.repo, target, self.context, with_items=False)
            key = identity_of(self.source.repo, target, target_ev).key
            private = it.meta.get("privateassets")
            is_private = private is not None and "all" in {p.strip().lower() for p in private[0].split(";")}
            scope = "build" if is_private else ("test" if test else "runtime")
            out.append(ProjectDependency(project.key, key, spec, scope, "ProjectReference", location=it.location))
        return out


def _dedupe(records: Iterable[Record]) -> list[Record]:
    seen: set[Record] = set()
    out: list[Record] = []
    for rec in records:
        if rec not in seen:
            seen.add(rec)
            out.append(rec)
    head = [r for r in out if isinstance(r, (Project, Publishes))]
    rest = [r for r in out if not isinstance(r, (Project, Publishes))]
    rest.sort(key=lambda r: (type(r).__name__, getattr(r, "package", None) or getattr(r, "target", ""), repr(r)))
    return head + rest
