"""The one place that builds and normalises package URLs (purls).

Graph keys: a ``Package`` node is keyed by the versionless purl (no qualifiers, no subpath),
a ``Version`` node by that purl plus ``@version``. packageurl-python applies the per-type
normalisation rules of the purl spec (PyPI names lower-cased with ``_`` -> ``-``, npm names
lower-cased, ...).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from packageurl import PackageURL

from planner.errors import UsageError


@dataclass(frozen=True, slots=True)
class Purl:
    """A parsed, normalised purl reduced to what identifies a package version."""

    type: str
    namespace: str | None
    name: str
    version: str | None
    #: the two keys once rendered (parsed purls are cached, and a load asks each for its keys per record)
    _package: str | None = field(default=None, init=False, repr=False, compare=False)
    _key: str | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def package(self) -> str:
        """The versionless key, e.g. ``pkg:maven/org.apache.logging.log4j/log4j-core``."""
        rendered = self._package
        if rendered is None:
            rendered = _render(self.type, self.namespace, self.name, None)
            object.__setattr__(self, "_package", rendered)
        return rendered

    @property
    def key(self) -> str:
        """The versioned key when a version is known, else the package key."""
        rendered = self._key
        if rendered is None:
            rendered = _render(self.type, self.namespace, self.name, self.version or None)
            object.__setattr__(self, "_key", rendered)
        return rendered

    @property
    def display_name(self) -> str:
        """``group:artifact`` for Maven, ``@scope/name`` for npm, ``namespace/name`` otherwise."""
        if not self.namespace:
            return self.name
        sep = ":" if self.type == "maven" else "/"
        return f"{self.namespace}{sep}{self.name}"


#: distinct purls kept normalised in memory (an organisation has tens of thousands at most)
_CACHE_SIZE = 1 << 17


@lru_cache(maxsize=_CACHE_SIZE)
def _render(type_: str, namespace: str | None, name: str, version: str | None) -> str:
    """The canonical purl string of normalised parts (cached: keys are asked for again and again)."""
    return PackageURL(type=type_, namespace=namespace, name=name, version=version).to_string()


#: types whose normalisation leaves letters of either case, digits, ``.``, ``-`` and ``_`` as they are
_PLAIN_TYPES = frozenset({"maven", "golang", "cargo", "nuget", "gem", "generic"})
#: types that only lower-case (npm) or lower-case and turn ``_`` into ``-`` (pypi): plain when already so
_LOWER_TYPES = frozenset({"npm", "pypi"})
_PLAIN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-_")
_LOWER_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789.-")


def _parse_plain(text: str) -> Purl | None:
    """The purl of ``text`` without packageurl when nothing in it can be normalised, encoded or read two
    ways (``pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1``, as graph keys are): a known type, no
    qualifiers, subpath, percent-escapes, ``:`` or empty segments. None otherwise (packageurl decides).
    A long answer's paths hold hundreds of keys, and packageurl takes ~25 us for each."""
    if not text.startswith("pkg:"):
        return None
    type_, _, rest = text[4:].partition("/")
    chars = _PLAIN_CHARS if type_ in _PLAIN_TYPES else _LOWER_CHARS if type_ in _LOWER_TYPES else None
    path, at, version = rest.partition("@")
    if chars is None or not chars.issuperset(path.replace("/", "")) or not _PLAIN_CHARS.issuperset(version):
        return None
    if (at and not version) or "" in path.split("/"):
        return None
    namespace, _, name = path.rpartition("/")
    return Purl(type_, namespace or None, name, version or None)


@lru_cache(maxsize=_CACHE_SIZE)
def parse(text: str) -> Purl:
    """Parse and normalise a purl string; raise ``ValueError`` when it is not a purl.

    Cached: ingesting an organisation meets the same purls in every SBOM; a ``Purl`` is immutable.
    """
    plain = _parse_plain(text)
    if plain is not None:
        return plain
    try:
        p = PackageURL.from_string(text.strip())
    except (ValueError, TypeError) as exc:
        raise ValueError(f"not a package URL: {text!r} ({exc})") from exc
    return Purl(p.type, p.namespace or None, p.name, p.version or None)


def clear_caches() -> None:
    """Empty the purl caches. Loading one big file in parts calls this after each part: the hundreds of
    thousands of distinct purls of a big lockfile would otherwise fill them (~100 MB for 131,072 each)."""
    for cached in (_render, parse, build):
        cached.cache_clear()


def parse_user(text: str) -> Purl:
    """Parse a purl typed by a user; a bad one is a usage error."""
    try:
        return parse(text)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc


@lru_cache(maxsize=_CACHE_SIZE)
def build(type_: str, namespace: str | None, name: str, version: str | None = None) -> Purl:
    """Build a normalised purl from its parts (raises ``ValueError`` on an invalid name)."""
    return parse(_built_text(type_, namespace, name, version))


def build_key(type_: str, namespace: str | None, name: str, version: str | None = None) -> str:
    """``build(...).key`` without filling the caches: for a loader that meets more distinct purls than
    they hold (a big lockfile has hundreds of thousands) and keeps its own per name and version."""
    purl = parse.__wrapped__(_built_text(type_, namespace, name, version))
    return _render.__wrapped__(purl.type, purl.namespace, purl.name, purl.version or None)


def _built_text(type_: str, namespace: str | None, name: str, version: str | None) -> str:
    if not name or not name.strip():
        raise ValueError("a package URL needs a name")
    try:
        p = PackageURL(type=type_, namespace=namespace or None, name=name, version=version or None)
        return p.to_string()
    except (ValueError, TypeError) as exc:  # packageurl normalises some names down to nothing
        raise ValueError(f"cannot build a package URL from {type_}/{namespace}/{name}: {exc}") from None


def maven(group: str, artifact: str, version: str | None = None) -> Purl:
    """Maven coordinates as a purl."""
    return build("maven", group, artifact, version)
