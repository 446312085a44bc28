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
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from loaders.base import EMPTY_CONTEXT, Loader, SourceContext
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
MAX_IMPORTS = 32  # files read for one evaluation (props chains are a handful deep)
MAX_VALUE = 10_000  # characters of one expanded property: ``$(A)$(A)`` chains double at each step
MAX_CONDITION_DEPTH = 64
MAX_TOKENS = 2_000  # of one condition

#: elements MSBuild accepts directly under <Project>
_TOP_LEVEL = frozenset(
    {
        "propertygroup",
        "itemgroup",
        "import",
        "importgroup",
        "choose",
        "target",
        "itemdefinitiongroup",
        "projectextensions",
        "usingtask",
        "sdk",
    }
)
#: set by the build, not the files: unknown in a condition unless a file defines them
_BUILD_TIME = frozenset(
    {
        "configuration",
        "platform",
        "targetframework",
        "targetframeworkidentifier",
        "targetframeworkversion",
        "targetplatformidentifier",
        "runtimeidentifier",
        "os",
        "buildinginsidevisualstudio",
        "designtimebuild",
        "continuousintegrationbuild",
        "ci",
        "tf_build",
        "github_actions",
        "officialbuild",
        "msbuildruntimetype",
        "netcoresdkversion",
    }
)
_APPLICATION_SDKS = ("microsoft.net.sdk.web", "microsoft.net.sdk.worker", "microsoft.net.sdk.blazorwebassembly")
_UNPACKABLE_SDKS = ("microsoft.net.sdk.web", "microsoft.net.sdk.blazorwebassembly")
_TEST_SDK_PACKAGE = "microsoft.net.test.sdk"
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")
_FILE_ABOVE = re.compile(r"^\$\(\[MSBuild\]::GetPathOfFileAbove\((.*)\)\)$", re.IGNORECASE | re.DOTALL)


def is_project_path(path: str) -> bool:
    """Whether a path names an MSBuild project file of C#, F# or Visual Basic."""
    base = posixpath.basename(path)
    return base.lower().endswith(PROJECT_SUFFIXES) and len(base) > len(".csproj")


def _join(directory: str, name: str) -> str:
    return (
        posixpath.normpath(posixpath.join(directory, name)) if directory not in ("", ".") else posixpath.normpath(name)
    )


def _stem(path: str) -> str:
    return posixpath.splitext(posixpath.basename(path))[0]


def _truthy(value: str | None) -> bool | None:
    if value is None:
        return None
    return value.strip().lower() == "true"


# -- properties and expansion -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Prop:
    """A property: its expanded value (None when not static), the text as written, where it is set."""

    value: str | None
    raw: str
    origin: Location | None


@dataclass(frozen=True, slots=True)
class Expanded:
    """The result of expanding ``$(...)`` in a text."""

    text: str | None  # None: some part is not static
    origin: Location | None = None  # where the first property it uses is set


def _balanced(text: str, start: int) -> int:
    """The index just past the ``)`` closing the ``(`` at ``start`` (len(text) when unbalanced)."""
    depth = 0
    quote = ""
    for i in range(start, len(text)):
        c = text[i]
        if quote:
            if c == quote:
                quote = ""
        elif c in "'`\"":
            quote = c
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i + 1
    return len(text)


def expand(raw: str, props: dict[str, Prop], *, undefined: str | None = None) -> Expanded:
    """Expand ``$(Name)`` references; ``undefined`` is what an undefined property expands to
    (None: the result is not static). Property functions and item references are never static."""
    if "$(" not in raw and "@(" not in raw and "%(" not in raw:
        return Expanded(raw)
    if "@(" in raw or "%(" in raw:
        return Expanded(None)
    out: list[str] = []
    origin: Location | None = None
    static = True
    i = 0
    size = 0
    while i < len(raw):
        j = raw.find("$(", i)
        if j < 0:
            out.append(raw[i:])
            break
        out.append(raw[i:j])
        end = _balanced(raw, j + 1)
        inner = raw[j + 2 : end - 1].strip() if end <= len(raw) and raw[end - 1 : end] == ")" else None
        i = end
        if inner is None or not _NAME.fullmatch(inner):
            static = False
            continue
        name = inner.lower()
        prop = props.get(name)
        if prop is None:
            if undefined is None or name in _BUILD_TIME:
                static = False
                continue
            value = undefined
        else:
            if prop.value is None:
                static = False
                continue
            value = prop.value
            origin = origin or prop.origin
        size += len(value)
        if size > MAX_VALUE:
            return Expanded(None)
        out.append(value)
    return Expanded("".join(out) if static else None, origin)


# -- conditions --------------------------------------------------------------------------------

_TOKEN = re.compile(r"\s*(?:(==|!=|<=|>=|<|>|\(|\)|!)|('[^']*')|(\$\()|([^\s()!=<>']+))", re.DOTALL)


class _Unknown(Exception):
    """The condition cannot be read (syntax beyond this evaluator)."""


class _Condition:
    """A recursive-descent reader of MSBuild condition expressions, three-valued (None = unknown)."""

    def __init__(self, text: str, props: dict[str, Prop]) -> None:
        self.props = props
        self.tokens: list[str] = []
        pos = 0
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if m is None:
                if text[pos:].isspace():
                    break
                raise _Unknown(text)
            if len(self.tokens) > MAX_TOKENS:
                raise _Unknown("too long")
            if m.group(3):  # an unquoted $(...) operand
                start = m.start(3)
                end = _balanced(text, start + 1)
                self.tokens.append("'" + text[start:end] + "'")
                pos = end
                continue
            self.tokens.append(m.group(1) or m.group(2) or m.group(4))
            pos = m.end()
        self.i = 0

    def peek(self) -> str | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> str:
        tok = self.peek()
        if tok is None:
            raise _Unknown("unexpected end")
        self.i += 1
        return tok

    def run(self) -> bool | None:
        if not self.tokens:
            return True
        value = self.disjunction(0)
        if self.peek() is not None:
            raise _Unknown("trailing tokens")
        return _as_bool(value)

    def disjunction(self, depth: int) -> bool | str | None:
        left = self.conjunction(depth)
        while (self.peek() or "").lower() == "or":
            self.take()
            right = _as_bool(self.conjunction(depth))
            lb = _as_bool(left)
            left = True if (lb is True or right is True) else (None if (lb is None or right is None) else False)
        return left

    def conjunction(self, depth: int) -> bool | str | None:
        left = self.negation(depth)
        while (self.peek() or "").lower() == "and":
            self.take()
            right = _as_bool(self.negation(depth))
            lb = _as_bool(left)
            left = False if (lb is False or right is False) else (None if (lb is None or right is None) else True)
        return left

    def negation(self, depth: int) -> bool | str | None:
        if self.peek() == "!":
            if depth > MAX_CONDITION_DEPTH:
                raise _Unknown("nested too deeply")
            self.take()
            value = _as_bool(self.negation(depth + 1))
            return None if value is None else not value
        return self.comparison(depth)

    def comparison(self, depth: int) -> bool | str | None:
        left = self.operand(depth)
        op = self.peek()
        if op not in ("==", "!=", "<", ">", "<=", ">="):
            return left
        self.take()
        right = self.operand(depth)
        if left is None or right is None or isinstance(left, bool) or isinstance(right, bool):
            return None
        if op in ("==", "!="):
            return (left.lower() == right.lower()) == (op == "==")
        try:
            a, b = float(left), float(right)
        except ValueError:
            return None
        return {"<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[op]

    def operand(self, depth: int) -> bool | str | None:
        if depth > MAX_CONDITION_DEPTH:
            raise _Unknown("nested too deeply")
        tok = self.take()
        if tok == "(":
            value = self.disjunction(depth + 1)
            if self.take() != ")":
                raise _Unknown("unbalanced")
            return value
        if tok.startswith("'"):
            return expand(tok[1:-1], self.props, undefined="").text
        if self.peek() == "(":  # a function: Exists(), HasTrailingSlash() ... depends on the disk
            self.take()
            level = 1
            while level:
                t = self.take()
                level += {"(": 1, ")": -1}.get(t, 0)
            return None
        if tok in (")", "!", "==", "!=", "<", ">", "<=", ">="):
            raise _Unknown("operator where an operand belongs")
        return expand(tok, self.props, undefined="").text


def _as_bool(value: bool | str | None) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    low = value.strip().lower()
    if low in ("true", "on", "yes"):
        return True
    if low in ("false", "off", "no"):
        return False
    return None


def evaluate_condition(text: str, props: dict[str, Prop]) -> bool | None:
    """True/False when a condition is static under ``props``, None when it depends on the build."""
    try:
        return _Condition(text, props).run()
    except _Unknown:
        return None


# -- evaluation --------------------------------------------------------------------------------


@dataclass(slots=True)
class Item:
    """An evaluated item: its type, identity, metadata as written, where it is, the conditions on it."""

    kind: str  # lower-case item type
    name: str
    meta: dict[str, tuple[str, Location]]  # lower-case metadata name -> (raw text, where)
    location: Location
    profile: tuple[str, ...] = ()


@dataclass(slots=True)
class Evaluation:
    """A statically evaluated MSBuild project."""

    path: str
    directory: str
    root: Element
    props: dict[str, Prop] = field(default_factory=dict)
    sdks: list[tuple[str, str | None, int]] = field(default_factory=list)
    groups: list[tuple[str, Element, tuple[str, ...]]] = field(default_factory=list)
    read: list[str] = field(default_factory=list)  # the other files evaluated, in order
    items: list[Item] = field(default_factory=list)

    def prop(self, name: str) -> Prop | None:
        """A property by its case-insensitive name."""
        return self.props.get(name.lower())

    def value(self, name: str) -> str | None:
        """The static value of a property, None when undefined or not static."""
        p = self.props.get(name.lower())
        return p.value if p is not None else None

    @property
    def sdk_names(self) -> list[str]:
        """The SDKs of the project, lower-cased."""
        return [name.lower() for name, _, _ in self.sdks]


Warn = Callable[[int | None, str], None]


class Evaluator:
    """Evaluates one project file and its implicit and explicit imports, read through the context."""

    def __init__(self, repo: str, context: SourceContext, warn: Warn) -> None:
        self.repo = repo
        self.context = context
        self.warn = warn

    def evaluate(self, path: str, root: Element, *, with_items: bool = True) -> Evaluation:
        """Evaluate the project ``path`` whose parsed XML is ``root``."""
        directory = posixpath.dirname(path) or "."
        ev = Evaluation(path, directory, root)
        stem = _stem(path)
        for name, value in (
            ("MSBuildProjectName", stem),
            ("MSBuildProjectFile", posixpath.basename(path)),
            ("MSBuildProjectExtension", posixpath.splitext(path)[1]),
        ):
            ev.props[name.lower()] = Prop(value, value, None)
        self._sdks(ev, root)
        visited = {path}
        if (_truthy(ev.value("ImportDirectoryBuildProps")) is not False) and (
            found := self._file_above("Directory.Build.props", directory)
        ):
            self._import(ev, found, (), visited)
        if found := self._file_above("Directory.Packages.props", directory):
            self._import(ev, found, (), visited)
        self._walk(ev, path, root, (), visited)
        if found := self._file_above("Directory.Build.targets", directory):
            self._import(ev, found, (), visited)
        if with_items:
            self._items(ev)
        return ev

    # files

    def _read(self, path: str) -> str | None:
        return self.context.read(self.repo, path)

    def _file_above(self, name: str, start: str) -> str | None:
        directory = posixpath.normpath(start) if start not in ("", ".") else "."
        for _ in range(64):
            candidate = _join(directory, name)
            if self._read(candidate) is not None:
                return candidate
            if directory in (".", "/", ""):
                return None
            directory = posixpath.dirname(directory) or "."
        return None

    def _import(self, ev: Evaluation, path: str, conds: tuple[str, ...], visited: set[str]) -> None:
        if path in visited:
            return
        if len(visited) > MAX_IMPORTS:
            self.warn(None, f"more than {MAX_IMPORTS} imported files: {path} and later imports are not read")
            return
        visited.add(path)
        text = self._read(path)
        if text is None:
            return
        try:
            root = parse_xml(text, Source(self.repo, path, path))
        except (ParseError, UnicodeError) as exc:
            reason = exc.reason if isinstance(exc, ParseError) else "not encodable text"
            line = exc.line if isinstance(exc, ParseError) else None
            self.warn(None, f"imported {path}:{line or 0}: {reason}; its properties and items are ignored")
            return
        if root.tag != "Project":
            self.warn(None, f"imported {path}:{root.line}: root element is <{root.tag}>, not <Project>; ignored")
            return
        ev.read.append(path)
        self._walk(ev, path, root, conds, visited)

    # pass 1: properties, imports, and where the item groups are

    def _sdks(self, ev: Evaluation, root: Element) -> None:
        for spec in (root.attrs.get("Sdk") or "").split(";"):
            if spec.strip():
                name, _, version = spec.strip().partition("/")
                ev.sdks.append((name.strip(), version.strip() or None, root.line))
        for el in root.children:
            if el.tag.lower() == "sdk" and el.attrs.get("Name"):
                ev.sdks.append((el.attrs["Name"].strip(), (el.attrs.get("Version") or "").strip() or None, el.line))
            elif el.tag.lower() == "import" and el.attrs.get("Sdk"):
                name, _, version = el.attrs["Sdk"].strip().partition("/")
                version = version or el.attrs.get("Version", "")
                if name and all(n.lower() != name.lower() for n, _, _ in ev.sdks):
                    ev.sdks.append((name, version.strip() or None, el.line))

    def _walk(
        self, ev: Evaluation, path: str, root: Element, conds: tuple[str, ...], visited: set[str], top: bool = True
    ) -> None:
        for el in root.children:
            tag = el.tag.lower()
            if top and tag not in _TOP_LEVEL:
                if path == ev.path:
                    self.warn(el.line, f"unknown element <{el.tag}> under <Project> ignored (MSBuild rejects it)")
                continue
            here = self._conditions(el, ev.props, conds)
            if here is None:
                continue
            if tag == "propertygroup":
                for prop in el.children:
                    self._property(ev, path, prop, here)
            elif tag == "itemgroup":
                ev.groups.append((path, el, here))
            elif tag == "importgroup":
                self._walk(ev, path, el, here, visited, top=False)
            elif tag == "import":
                self._import_element(ev, path, el, here, visited)
            elif tag == "choose":
                self._choose(ev, path, el, here, visited)

    def _conditions(self, el: Element, props: dict[str, Prop], conds: tuple[str, ...]) -> tuple[str, ...] | None:
        """``conds`` plus the element's condition when it is unknown; None when it is false."""
        cond = el.attrs.get("Condition")
        if cond is None or not cond.strip():
            return conds
        value = evaluate_condition(cond, props)
        if value is False:
            return None
        return conds if value is True else (*conds, cond.strip())

    def _property(self, ev: Evaluation, path: str, el: Element, conds: tuple[str, ...]) -> None:
        here = self._conditions(el, ev.props, conds)
        if here is None:
            return
        raw = el.text
        value = expand(raw, ev.props).text if not el.children else None
        if here:  # set only under a condition that depends on the build: not static
            value = None
        ev.props[el.tag.lower()] = Prop(value, raw, Location(path, el.line))

    def _import_element(
        self, ev: Evaluation, path: str, el: Element, conds: tuple[str, ...], visited: set[str]
    ) -> None:
        spec = (el.attrs.get("Project") or "").strip()
        if not spec or el.attrs.get("Sdk"):
            return  # SDK imports (Sdk.props / Sdk.targets) come with the SDK, not the repository
        here = posixpath.dirname(path) or "."
        m = _FILE_ABOVE.match(spec)
        if m:
            name, _, start = (part.strip().strip("'\"").strip() for part in m.group(1).partition(","))
            start_dir = self._path_expand(start or "$(MSBuildThisFileDirectory)", here, ev.props)
            found = self._file_above(name, start_dir) if start_dir is not None and name else None
            if found:
                self._import(ev, found, conds, visited)
            return
        target = self._path_expand(spec, here, ev.props)
        if target is None or "*" in target:
            return  # SDK-relative ($(MSBuildExtensionsPath)) or wildcard imports: outside the repository
        if target.startswith("../") or target == "..":
            return
        if self._read(target) is None:
            if path == ev.path:
                self.warn(el.line, f"imported file {target} is not in this ingest: its properties are unknown")
            return
        self._import(ev, target, conds, visited)

    def _path_expand(self, spec: str, here: str, props: dict[str, Prop]) -> str | None:
        """A repo-relative path from an import path relative to ``here`` (None when not static or outside)."""
        local = dict(props)
        marker = "\x00here/"
        local["msbuildthisfiledirectory"] = Prop(marker, marker, None)
        local["msbuildthisfiledirectorynoroot"] = Prop(marker, marker, None)
        text = expand(spec, local).text
        if text is None:
            return None
        text = text.replace("\\", "/").replace("//", "/")
        if text.startswith(marker):
            text = text[len(marker) :]
        if text.startswith("/") or "\x00" in text:
            return None
        out = _join(here, text)
        return None if out == ".." or out.startswith("../") else out

    def _choose(self, ev: Evaluation, path: str, el: Element, conds: tuple[str, ...], visited: set[str]) -> None:
        """The first ``<When>`` whose condition holds, else ``<Otherwise>``; branches behind an unknown
        condition are all read, each marked with what must hold for it to be chosen."""
        unknown: list[str] = []
        for branch in el.children:
            tag = branch.tag.lower()
            guard = tuple(f"!({c})" for c in unknown)
            if tag == "when":
                cond = (branch.attrs.get("Condition") or "").strip()
                value = evaluate_condition(cond, ev.props) if cond else None
                if value is False:
                    continue
                if value is True:
                    self._walk(ev, path, branch, (*conds, *guard), visited, top=False)
                    return
                self._walk(ev, path, branch, (*conds, *guard, cond or "<When> without Condition"), visited, top=False)
                unknown.append(cond)
            elif tag == "otherwise":
                self._walk(ev, path, branch, (*conds, *guard), visited, top=False)

    # pass 2: items, in order, with the final properties

    def _items(self, ev: Evaluation) -> None:
        items: list[Item] = []
        for path, group, conds in ev.groups:
            for el in group.children:
                kind = el.tag.lower()
                here = self._conditions(el, ev.props, conds)
                if here is None:
                    continue
                meta = self._metadata(el, ev.props, path)
                where = Location(path, el.line)
                include, update, remove = (el.attrs.get(a) for a in ("Include", "Update", "Remove"))
                if include is not None:
                    for name in _item_names(include, ev.props):
                        items.append(Item(kind, name, dict(meta), where, here))
                elif update is not None:
                    names = {n.lower() for n in _item_names(update, ev.props)}
                    if here:  # an update that depends on the build: the first version stays
                        if path == ev.path:
                            self.warn(el.line, f"<{el.tag} Update> under condition {here[-1]!r} not applied")
                        continue
                    for it in items:
                        if it.kind == kind and it.name.lower() in names:
                            it.meta.update(meta)
                elif remove is not None:
                    names = {n.lower() for n in _item_names(remove, ev.props)}
                    items = [it for it in items if not (it.kind == kind and it.name.lower() in names)]
                elif kind in ("packagereference", "projectreference", "packageversion", "globalpackagereference"):
                    self.warn(el.line if path == ev.path else None, f"<{el.tag}> without Include, Update or Remove")
        ev.items = items

    def _metadata(self, el: Element, props: dict[str, Prop], path: str) -> dict[str, tuple[str, Location]]:
        meta: dict[str, tuple[str, Location]] = {}
        for name, value in el.attrs.items():
            if name not in ("Include", "Update", "Remove", "Exclude", "Condition") and ":" not in name:
                meta[name.lower()] = (value, Location(path, el.line))
        for child in el.children:
            if self._conditions(child, props, ()) is None:
                continue
            meta[child.tag.lower()] = (child.text, Location(path, child.line))
        return meta


def _item_names(spec: str, props: dict[str, Prop]) -> list[str]:
    text = expand(spec, props).text
    if text is None:
        return []
    return [part.strip() for part in text.split(";") if part.strip()]


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
