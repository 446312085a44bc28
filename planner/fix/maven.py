"""``pom.xml``: property bump, direct ``<version>``, managed version, BOM import, and overrides.

The POM is parsed (defusedxml, through :mod:`loaders.maven._xml`) only to find *which* element holds
the version; the change itself is a splice of that element's text, so comments, attribute order,
blank lines, CRLF and tabs stay as they are (Dependabot's property and declaration updaters work
the same way). A version written as ``${name}`` is followed to the property that sets it in the same
file; a property set in another file (a parent POM) is that file's change, or an override of the
property in this POM (:func:`override_property`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from loaders.maven._xml import Element, XmlError, parse_xml
from planner import purl as purls
from planner.fix.model import Change, Edit, FixError, on_line
from planner.fix.text import Lines, indent_unit, insert_before_line, splice

_EXPRESSION = re.compile(r"^\$\{([^${}]+)\}$")
_MAX_ALIASES = 10  # ${a} -> ${b} -> ... deeper than this is a cycle or a puzzle for a person
_DEPENDENCY_PATHS = (
    (False, ("dependencies", "dependency")),
    (True, ("dependencyManagement", "dependencies", "dependency")),
    (False, ("build", "plugins", "plugin", "dependencies", "dependency")),  # a build plugin's classpath
)
_SECTION_ORDER = ("dependencies", "build", "reporting", "profiles", "repositories", "distributionManagement")


@dataclass(frozen=True, slots=True)
class _Dependency:
    element: Element
    group: str
    artifact: str
    version: Element | None
    managed: bool  # inside <dependencyManagement>
    bom: bool  # <type>pom</type><scope>import</scope>


@dataclass(frozen=True, slots=True)
class _Site:
    """The element whose text is the version to replace."""

    element: Element
    mechanism: str
    prop: str | None = None
    bom: str | None = None  # group:artifact of the BOM import that sets it


def bump(text: str, change: Change) -> Edit:
    """Move the version of ``change.package`` where this POM sets it."""
    root = _parse(text, change.path)
    group, artifact = _coordinates(change)
    site = _find_site(root, change, group, artifact)
    site = _follow_property(root, site, change)
    value = site.element.text
    if site.mechanism == "bom-import" and value != change.target and value != change.current:
        # a BOM released on its own schedule: which of its versions manages the fix is not in the files
        edit = override(text, change)
        note = f"the version comes from the BOM imported at line {site.element.line}; pinned here instead"
        return Edit(edit.text, edit.mechanism, edit.line, edit.before, edit.after, (note, *edit.notes))
    edit = _replace(text, change, site)
    notes = _notes(root, site, group, artifact)
    if site.bom:
        notes = (f"assumes {site.bom} {change.target} manages {artifact} {change.target} (released together)", *notes)
    return Edit(edit.text, edit.mechanism, edit.line, edit.before, edit.after, notes)


def override(text: str, change: Change) -> Edit:
    """Pin ``change.package`` in this POM's ``<dependencyManagement>``: update the entry when there is
    one, else add one (with the file's indentation), creating the section when absent."""
    root = _parse(text, change.path)
    group, artifact = _coordinates(change)
    management = root.child("dependencyManagement")
    entries = management.child("dependencies") if management is not None else None
    for dep in _dependencies(root, profiles=False):
        if dep.managed and not dep.bom and (dep.group, dep.artifact) == (group, artifact) and dep.version is not None:
            site = _follow_property(root, _Site(dep.version, "dependency-management"), change)
            return _replace(text, change, site, "dependency-management")
    lines = Lines(text)
    unit = indent_unit(text, "  ")
    comment = [f"<!-- {', '.join(change.because)}: pinned by depwave fix -->"] if change.because else []
    entry = [
        *comment,
        "<dependency>",
        f"{unit}<groupId>{group}</groupId>",
        f"{unit}<artifactId>{artifact}</artifactId>",
        f"{unit}<version>{change.target}</version>",
        "</dependency>",
    ]
    if entries is not None:
        first = entries.children[0] if entries.children else None
        at = first.line if first is not None else entries.end_line
        base = lines.indent(first.line) if first is not None else lines.indent(entries.line) + unit
        _check_own_line(lines, at, change.path, first.tag if first is not None else "/dependencies")
        new = insert_before_line(text, at, [base + x for x in entry])
        return Edit(new, "dependency-management", at + len(comment) + 3, None, change.target)
    if management is not None:  # a section without <dependencies>
        at = management.end_line
        _check_own_line(lines, at, change.path, "/dependencyManagement")
        base = lines.indent(management.line) + unit
        block = ["<dependencies>", *(unit + x for x in entry), "</dependencies>"]
        new = insert_before_line(text, at, [base + x for x in block])
        return Edit(new, "dependency-management", at + len(comment) + 4, None, change.target)
    at, base = _section_anchor(root, lines, change.path, unit)
    block = ["<dependencyManagement>", f"{unit}<dependencies>", *(unit * 2 + x for x in entry)]
    block += [f"{unit}</dependencies>", "</dependencyManagement>"]
    new = insert_before_line(text, at, [base + x for x in block] + _spacer(lines, at))
    return Edit(new, "dependency-management", at + len(comment) + 5, None, change.target)


def override_property(text: str, change: Change) -> Edit:
    """Set property ``change.property`` to the target in this POM's own ``<properties>`` (a child's
    definition beats its parent's): for a version set by a parent POM this repository does not hold."""
    if not change.property:
        raise FixError(change.path, change.line, "no property to override")
    root = _parse(text, change.path)
    props = root.child("properties")
    if props is not None:
        own = props.child(change.property)
        if own is not None:
            return _replace(text, change, _Site(own, "property", change.property))
    lines = Lines(text)
    unit = indent_unit(text, "  ")
    entry = f"<{change.property}>{change.target}</{change.property}>"
    if props is not None:
        at = props.end_line
        base = lines.indent(props.children[-1].line) if props.children else lines.indent(props.line) + unit
        _check_own_line(lines, at, change.path, "/properties")
        return Edit(insert_before_line(text, at, [base + entry]), "property-override", at, None, change.target)
    at, base = _section_anchor(root, lines, change.path, unit, first=("dependencyManagement", *_SECTION_ORDER))
    block = [base + "<properties>", base + unit + entry, base + "</properties>", *_spacer(lines, at)]
    return Edit(insert_before_line(text, at, block), "property-override", at + 1, None, change.target)


def property_at(text: str, path: str, line: int) -> tuple[str, str] | None:
    """``(name, value)`` of the property element written at ``line``, or None when there is none."""
    root = _parse(text, path)
    for prop in _properties(root):
        if prop.line == line:
            return prop.tag, prop.text
    return None


# ----------------------------------------------------------------------------------------- finding


def _parse(text: str, path: str) -> Element:
    try:
        root = parse_xml(text)
    except XmlError as exc:
        raise FixError(path, exc.line, exc.reason) from None
    if root.tag != "project":
        raise FixError(path, root.line, f"not a POM: the root element is <{root.tag}>")
    return root


def _coordinates(change: Change) -> tuple[str, str]:
    p = purls.parse(change.package)
    if p.type != "maven" or not p.namespace:
        raise FixError(change.path, change.line, f"{change.package} is not a Maven package")
    return p.namespace, p.name


def _dependencies(root: Element, profiles: bool = True) -> list[_Dependency]:
    scopes = [root, *(root.path("profiles", "profile") if profiles else [])]
    out = []
    for scope in scopes:
        for managed, path in _DEPENDENCY_PATHS:
            for el in scope.path(*path):
                kind = (el.text_of("type") or "jar", el.text_of("scope") or "")
                out.append(
                    _Dependency(
                        el,
                        el.text_of("groupId") or "",
                        el.text_of("artifactId") or "",
                        el.child("version"),
                        managed,
                        managed and kind == ("pom", "import"),
                    )
                )
    return out


def _properties(root: Element) -> list[Element]:
    """Property elements: the project's first, then each profile's."""
    out = list(root.child("properties").children) if root.child("properties") is not None else []
    for profile in root.path("profiles", "profile"):
        out.extend(c for p in profile.all("properties") for c in p.children)
    return out


def _find_site(root: Element, change: Change, group: str, artifact: str) -> _Site:
    if change.property:
        prop = next((p for p in _properties(root) if p.tag == change.property), None)
        if prop is None:
            raise FixError(change.path, change.line, f"no property {change.property} in this POM")
        return _Site(prop, "property", prop.tag)
    deps = _dependencies(root)
    own = [e for e in (root.child("parent"), root.child("version")) if e is not None]
    if change.line and any(e.line <= change.line <= e.end_line for e in own):
        raise FixError(
            change.path,
            change.line,
            f"{group}:{artifact} is at this project's own version (${{project.version}}): it moves with the "
            "project's version, not with an edit of the dependency",
        )
    if change.line:
        prop = next((p for p in _properties(root) if p.line == change.line), None)
        if prop is not None:
            return _Site(prop, "property", prop.tag)
        for dep in deps:
            inside = dep.element.line <= change.line <= dep.element.end_line and dep.version is not None
            if inside and (dep.bom or (dep.group, dep.artifact) == (group, artifact)):
                return _site_of(dep)
        versions = [d.version for d in deps if (d.group, d.artifact) == (group, artifact) and d.version is not None]
        on_line(versions, change.line, lambda v: v.line, change.path, f"{group}:{artifact}")  # raises: none here
    for dep in deps:  # no usable line: the declaration of the package, then its managed entry
        if (dep.group, dep.artifact) == (group, artifact) and dep.version is not None and not dep.managed:
            return _site_of(dep)
    for dep in deps:
        if (dep.group, dep.artifact) == (group, artifact) and dep.version is not None:
            return _site_of(dep)
    where = f" at line {change.line}" if change.line else ""
    raise FixError(change.path, change.line, f"no version of {group}:{artifact} is set in this POM{where}")


def _site_of(dep: _Dependency) -> _Site:
    assert dep.version is not None
    kind = "bom-import" if dep.bom else "dependency-management" if dep.managed else "direct-dependency"
    return _Site(dep.version, kind, bom=f"{dep.group}:{dep.artifact}" if dep.bom else None)


def _follow_property(root: Element, site: _Site, change: Change) -> _Site:
    """From ``${name}`` to the property element that holds the literal version (through aliases)."""
    seen: list[str] = []
    while (m := _EXPRESSION.match(site.element.text)) is not None:
        name = m.group(1)
        if name in seen or len(seen) >= _MAX_ALIASES:
            raise FixError(change.path, site.element.line, f"property cycle {' -> '.join([*seen, name])}")
        seen.append(name)
        prop = next((p for p in _properties(root) if p.tag == name), None)
        if prop is None:
            raise FixError(
                change.path,
                site.element.line,
                f"the version is ${{{name}}}, which this POM does not define (a parent POM sets it)",
            )
        mechanism = site.mechanism if site.mechanism == "bom-import" else "property"
        site = _Site(prop, mechanism, name, site.bom)
    if "${" in site.element.text:
        raise FixError(
            change.path, site.element.line, f"the version {site.element.text} is built from several expressions"
        )
    return site


# ---------------------------------------------------------------------------------------- changing


def _replace(text: str, change: Change, site: _Site, mechanism: str | None = None) -> Edit:
    el = site.element
    value = el.text
    mechanism = mechanism or site.mechanism
    if value == change.target:
        return Edit(text, mechanism, el.line, value, value)
    if change.current and value != change.current and site.mechanism != "bom-import":
        raise FixError(change.path, el.line, f"expected {change.current} here, found {value or 'nothing'}")
    lines = Lines(text)
    tag = re.escape(el.tag)
    pattern = re.compile(rf"<(?:[\w.-]+:)?{tag}(?:\s[^>]*)?>(\s*)([^<]*?)(\s*)</(?:[\w.-]+:)?{tag}\s*>", re.S)
    m = pattern.search(text, lines.start(el.line))
    if m is None or lines.line_of(m.start()) != el.line or m.group(2) != value:
        raise FixError(change.path, el.line, f"cannot find the text of <{el.tag}> on this line")
    return Edit(splice(text, m.start(2), m.end(2), change.target), mechanism, el.line, value, change.target)


def _notes(root: Element, site: _Site, group: str, artifact: str) -> tuple[str, ...]:
    """For a property: the other dependencies it sets, which move too."""
    if site.prop is None:
        return ()
    names = {site.prop}
    for prop in _properties(root):  # properties that are aliases of this one move with it
        if (m := _EXPRESSION.match(prop.text)) and m.group(1) in names:
            names.add(prop.tag)
    others = []
    for dep in _dependencies(root):
        if dep.version is None or (dep.group, dep.artifact) == (group, artifact):
            continue
        if (m := _EXPRESSION.match(dep.version.text)) and m.group(1) in names:
            others.append(f"{dep.group}:{dep.artifact} (line {dep.version.line})")
    if not others:
        return ()
    return (f"{site.prop} also sets {', '.join(dict.fromkeys(others))}: they move too",)


def _spacer(lines: Lines, at: int) -> list[str]:
    """A blank line after a new section when the file separates its sections with blank lines."""
    return [""] if at > 1 and not lines.line_text(at - 1).strip() else []


def _check_own_line(lines: Lines, line: int, path: str, tag: str) -> None:
    """Inserting before ``line`` is only safe when the tag ``<tag`` (``</x`` for an end tag) starts it."""
    slash = "/" if tag.startswith("/") else ""
    if not re.match(rf"<{slash}(?:[\w.-]+:)?{re.escape(tag.lstrip('/'))}\b", lines.line_text(line).lstrip()):
        raise FixError(path, line, f"<{tag}> does not start this line; edit the POM by hand")


def _section_anchor(
    root: Element, lines: Lines, path: str, unit: str, first: tuple[str, ...] = _SECTION_ORDER
) -> tuple[int, str]:
    """Where a new top-level section goes: before the first of ``first`` the project has, else
    before ``</project>``; with the indentation of the project's children."""
    children = {c.tag: c for c in reversed(root.children)}
    for tag in first:
        if tag in children:
            at = children[tag].line
            _check_own_line(lines, at, path, tag)
            return at, lines.indent(at)
    base = lines.indent(root.children[0].line) if root.children else lines.indent(root.line) + unit
    _check_own_line(lines, root.end_line, path, "/project")
    return root.end_line, base
