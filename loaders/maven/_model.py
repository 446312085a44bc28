"""The raw (as written, not yet inherited or interpolated) content of a POM that matters here.

:func:`read_raw` turns POM text into a :class:`RawPom`; results are cached by content, so a parent
POM shared by fifty modules is parsed once per process. Also the Maven vocabulary shared by the
POM and ``dependency:tree`` loaders: scope names and packaging kinds.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from loaders.maven._xml import Element, XmlError, parse_xml

POM_NAMESPACES = ("http://maven.apache.org/POM/4.0.0", "http://maven.apache.org/POM/4.1.0")

# Maven scope -> normalised scope (planner.model.SCOPES)
SCOPES = {
    "compile": "runtime",
    "runtime": "runtime",
    "provided": "provided",
    "test": "test",
    "system": "provided",
    "import": "build",
}

_LIBRARY_PACKAGING = frozenset(
    {"jar", "pom", "bundle", "maven-plugin", "ejb", "ejb-client", "rar", "test-jar", "java-source", "javadoc"}
)
_APPLICATION_PACKAGING = frozenset({"war", "ear"})


def kind_of_packaging(packaging: str | None) -> str:
    """Project.kind for a Maven packaging: war/ear are applications, jar/pom/bundle/... libraries."""
    p = (packaging or "jar").strip().lower()
    if p in _APPLICATION_PACKAGING:
        return "application"
    if p in _LIBRARY_PACKAGING:
        return "library"
    return "unknown"


@dataclass(frozen=True, slots=True)
class RawDependency:
    """One ``<dependency>`` as written."""

    group: str | None
    artifact: str | None
    version: str | None
    type: str | None
    classifier: str | None
    scope: str | None
    optional: str | None
    line: int
    version_line: int | None
    exclusions: tuple[str, ...] = ()  # group:artifact as written (``*`` wildcards kept)


@dataclass(frozen=True, slots=True)
class RawParent:
    """The ``<parent>`` element; ``relative_path`` is None when absent, ``""`` when empty."""

    group: str | None
    artifact: str | None
    version: str | None
    relative_path: str | None
    line: int


@dataclass(frozen=True, slots=True)
class RawProfile:
    """A ``<profile>``: what it would add when active."""

    id: str
    line: int
    properties: tuple[tuple[str, str, int], ...]
    dependencies: tuple[RawDependency, ...]
    management: tuple[RawDependency, ...]


@dataclass(frozen=True, slots=True)
class RawPom:
    """A POM as written."""

    namespace: str | None
    group: str | None
    artifact: str | None
    version: str | None
    packaging: str | None
    group_line: int | None
    artifact_line: int | None
    version_line: int | None
    line: int  # the <project> line
    parent: RawParent | None
    properties: tuple[tuple[str, str, int], ...]  # (name, value, line) in document order
    dependencies: tuple[RawDependency, ...]
    management: tuple[RawDependency, ...]
    profiles: tuple[RawProfile, ...]
    modules: tuple[str, ...]
    #: ``<build><plugins><plugin><dependencies>``: (the plugin's artifactId, a dependency on the plugin's own
    #: classpath: never in the artifact the project ships)
    plugin_dependencies: tuple[tuple[str, RawDependency], ...] = ()


class NotAPom(Exception):
    """Well-formed XML that is not a POM (``line``, ``reason``)."""

    def __init__(self, line: int | None, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason


def _text(el: Element | None, tag: str) -> tuple[str | None, int | None]:
    if el is None:
        return None, None
    c = el.child(tag)
    return (c.text, c.line) if c is not None else (None, None)


def _dependency(el: Element) -> RawDependency:
    """One ``<dependency>``; its line is the ``<artifactId>`` line (what names the dependency; the
    ``<dependency>`` tag when it has none), so every answer points at the same line for the same edge."""
    version, version_line = _text(el, "version")
    _, artifact_line = _text(el, "artifactId")
    return RawDependency(
        group=el.text_of("groupId"),
        artifact=el.text_of("artifactId"),
        version=version,
        type=el.text_of("type"),
        classifier=el.text_of("classifier"),
        scope=el.text_of("scope"),
        optional=el.text_of("optional"),
        line=artifact_line or el.line,
        version_line=version_line,
        exclusions=tuple(
            f"{x.text_of('groupId') or '*'}:{x.text_of('artifactId') or '*'}"
            for x in el.path("exclusions", "exclusion")
        ),
    )


def _dependencies(el: Element) -> tuple[RawDependency, ...]:
    return tuple(_dependency(d) for d in el.path("dependencies", "dependency"))


def _management(el: Element) -> tuple[RawDependency, ...]:
    return tuple(_dependency(d) for d in el.path("dependencyManagement", "dependencies", "dependency"))


def _properties(el: Element) -> tuple[tuple[str, str, int], ...]:
    return tuple((p.tag, p.text, p.line) for p in el.path("properties") for p in p.children)


def pom_from_element(root: Element) -> RawPom:
    """Build a :class:`RawPom` from a parsed ``<project>`` element (raise :class:`NotAPom`)."""
    if root.tag != "project":
        raise NotAPom(root.line, f"not a Maven POM: the root element is <{root.tag}>, not <project>")
    parent = None
    p = root.child("parent")
    if p is not None:
        rel = p.child("relativePath")
        parent = RawParent(
            group=p.text_of("groupId"),
            artifact=p.text_of("artifactId"),
            version=p.text_of("version"),
            relative_path=rel.text if rel is not None else None,
            line=p.line,
        )
    group, group_line = _text(root, "groupId")
    artifact, artifact_line = _text(root, "artifactId")
    version, version_line = _text(root, "version")
    profiles = tuple(
        RawProfile(
            id=prof.text_of("id") or "default",
            line=prof.line,
            properties=_properties(prof),
            dependencies=_dependencies(prof),
            management=_management(prof),
        )
        for prof in root.path("profiles", "profile")
    )
    return RawPom(
        namespace=root.namespace,
        group=group,
        artifact=artifact,
        version=version,
        packaging=root.text_of("packaging"),
        group_line=group_line,
        artifact_line=artifact_line,
        version_line=version_line,
        line=root.line,
        parent=parent,
        properties=_properties(root),
        dependencies=_dependencies(root),
        management=_management(root),
        profiles=profiles,
        modules=tuple(m.text for m in root.path("modules", "module")),
        plugin_dependencies=tuple(
            (plugin.text_of("artifactId") or "plugin", _dependency(d))
            for plugin in root.path("build", "plugins", "plugin")
            for d in plugin.path("dependencies", "dependency")
        ),
    )


CACHE_LIMIT = 2_000_000  # characters: bigger texts are parsed every time rather than kept in memory


@lru_cache(maxsize=4096)
def _read_cached(text: str) -> RawPom:
    return pom_from_element(parse_xml(text))


def read_raw(text: str) -> RawPom:
    """Parse POM text (cached by content up to ``CACHE_LIMIT``); raise ``XmlError`` or :class:`NotAPom`."""
    if len(text) > CACHE_LIMIT:
        return pom_from_element(parse_xml(text))
    return _read_cached(text)


__all__ = ["NotAPom", "RawDependency", "RawParent", "RawPom", "RawProfile", "XmlError", "read_raw"]
