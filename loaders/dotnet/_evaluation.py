"""Static evaluation of one MSBuild project file with its implicit and explicit imports."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from loaders.base import SourceContext
from loaders.dotnet._expressions import Prop, evaluate_condition, expand
from loaders.sbom.xml import Element, parse_xml
from planner.errors import ParseError
from planner.model import Location, Source

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

MAX_IMPORTS = 32  # files read for one evaluation (props chains are a handful deep)
_FILE_ABOVE = re.compile(r"^\$\(\[MSBuild\]::GetPathOfFileAbove\((.*)\)\)$", re.IGNORECASE | re.DOTALL)


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
