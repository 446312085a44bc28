"""Gradle version catalogs (``gradle/libs.versions.toml``).

A catalog is a dictionary, not a dependency list: ``[libraries]`` names coordinates and versions
that build files may use through ``libs.<alias>`` accessors, ``[bundles]`` names groups of
libraries, ``[versions]`` names versions, ``[plugins]`` names plugin ids. Nothing in a catalog is
on any classpath until a build file uses it, and an unused entry pins nothing, so the catalog on
its own emits **no records**: the build loader reads it through the context and records each use
as a ``Declared`` whose ``version_location`` points at the catalog line that sets the version.
The loader still parses the file so that a malformed catalog is reported (``path:line:``) and
entries that can never resolve (an unknown ``version.ref``, a bad ``module``) are warned about.

Aliases: Gradle treats ``-``, ``_`` and ``.`` in an alias as the same separator
(``androidx-core-ktx`` is ``libs.androidx.core.ktx``); :func:`normalise_alias` gives the key both
sides agree on. Rich versions (``{ strictly, require, prefer, reject }``) are kept as text:
a lone ``require`` is its own text (``[1.0,2.0)``), otherwise the parts are joined as
``strictly 1.2; prefer 1.2.3``.
"""

from __future__ import annotations

import posixpath
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from loaders.base import EMPTY_CONTEXT, Loader, SourceContext
from planner.errors import ParseError
from planner.model import ParseResult, ParseWarning, Source

_SEPARATORS = re.compile(r"[-_.]")
_TOML_LINE = re.compile(r"at line (\d+)")
_SECTION = re.compile(r"^\s*\[\s*([A-Za-z0-9_.-]+)\s*\]\s*(?:#.*)?$")
_KEY = re.compile(r'^\s*(?:"([^"]+)"|\'([^\']+)\'|([A-Za-z0-9_.-]+))\s*=')
_RICH_KEYS = ("strictly", "require", "prefer", "reject", "rejectAll")
MAX_CATALOG_CHARS = 2_000_000


def normalise_alias(alias: str) -> str:
    """The accessor path of an alias: ``androidx-core_ktx`` and ``androidx.core.ktx`` → ``androidx.core.ktx``."""
    return _SEPARATORS.sub(".", alias)


@dataclass(frozen=True, slots=True)
class CatalogLibrary:
    """One ``[libraries]`` entry: coordinates, its version text (or None), and where both are written."""

    alias: str
    group: str
    name: str
    version: str | None
    line: int | None
    version_line: int | None
    unresolved: str | None = None  # e.g. ``version.ref = "missing"``


@dataclass(slots=True)
class Catalog:
    """A parsed version catalog, keyed by normalised alias."""

    path: str
    versions: dict[str, tuple[str, int | None]] = field(default_factory=dict)
    libraries: dict[str, CatalogLibrary] = field(default_factory=dict)
    bundles: dict[str, list[str]] = field(default_factory=dict)  # normalised alias -> normalised library aliases
    plugins: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # normalised alias -> (id, version)
    warnings: list[tuple[int | None, str]] = field(default_factory=list)

    def version(self, accessor: str) -> tuple[str, int | None] | None:
        """A ``[versions]`` entry by accessor path (``libs.versions.<accessor>``)."""
        return self.versions.get(normalise_alias(accessor))


def rich_version(value: Any) -> str | None:
    """The text of a version: a string as written, a rich-version table joined (``strictly 1.2; prefer 1.2.3``)."""
    if isinstance(value, str):
        return value or None
    if not isinstance(value, dict):
        return None
    keys = [k for k in _RICH_KEYS if k in value]
    if keys == ["require"] and isinstance(value["require"], str):
        return value["require"]
    parts = []
    for k in keys:
        v = value[k]
        if k == "rejectAll":
            if v is True:
                parts.append("reject all")
        elif isinstance(v, list):
            parts.append(f"{k} " + ", ".join(str(x) for x in v))
        else:
            parts.append(f"{k} {v}")
    return "; ".join(parts) or None


def _key_lines(text: str) -> dict[tuple[str, str], int]:
    """Line of each ``key =`` per top-level section: ``(section, key) -> line``."""
    out: dict[tuple[str, str], int] = {}
    section = ""
    for no, line in enumerate(text.splitlines(), 1):
        m = _SECTION.match(line)
        if m:
            section = m.group(1)
            out.setdefault(("", section), no)
            head, dot, rest = section.partition(".")
            if dot:
                out.setdefault((head, rest), no)
            continue
        k = _KEY.match(line)
        if k:
            key = k.group(1) or k.group(2) or k.group(3)
            out.setdefault((section, key.split(".")[0] if not (k.group(1) or k.group(2)) else key), no)
    return out


@lru_cache(maxsize=64)
def parse_catalog(text: str, path: str) -> Catalog:
    """Parse a catalog's text (raises ``ParseError(path, line, ...)`` for malformed TOML)."""
    if len(text) > MAX_CATALOG_CHARS:
        raise ParseError(path, 1, f"version catalog too large ({len(text)} characters)")
    if "\x00" in text:
        raise ParseError(path, text.count("\n", 0, text.index("\x00")) + 1, "binary content in a version catalog")
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = _TOML_LINE.search(str(exc))
        raise ParseError(path, int(m.group(1)) if m else 1, f"malformed TOML: {exc}") from None
    except RecursionError:
        raise ParseError(path, 1, "malformed TOML: nested too deeply") from None
    lines = _key_lines(text)
    cat = Catalog(path)
    for section in doc:
        if section not in ("versions", "libraries", "bundles", "plugins", "metadata"):
            cat.warnings.append((lines.get(("", section)), f"unknown catalog section [{section}]; ignored"))
    versions = doc.get("versions") if isinstance(doc.get("versions"), dict) else {}
    for name, value in versions.items():
        text_value = rich_version(value)
        line = lines.get(("versions", name))
        if text_value is None:
            cat.warnings.append((line, f"version {name!r} is not a version string or rich version; ignored"))
            continue
        cat.versions[normalise_alias(name)] = (text_value, line)
    libraries = doc.get("libraries") if isinstance(doc.get("libraries"), dict) else {}
    for alias, value in libraries.items():
        lib = _library(cat, alias, value, lines.get(("libraries", alias)))
        if lib is not None:
            cat.libraries[normalise_alias(alias)] = lib
    bundles = doc.get("bundles") if isinstance(doc.get("bundles"), dict) else {}
    for alias, members in bundles.items():
        line = lines.get(("bundles", alias))
        if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
            cat.warnings.append((line, f"bundle {alias!r} is not a list of library aliases; ignored"))
            continue
        keys = [normalise_alias(m) for m in members]
        for m, k in zip(members, keys, strict=True):
            if k not in cat.libraries:
                cat.warnings.append((line, f"bundle {alias!r} names unknown library {m!r}"))
        cat.bundles[normalise_alias(alias)] = [k for k in keys if k in cat.libraries]
    plugins = doc.get("plugins") if isinstance(doc.get("plugins"), dict) else {}
    for alias, value in plugins.items():
        if isinstance(value, str):
            plugin_id, _, version = value.partition(":")
            cat.plugins[normalise_alias(alias)] = (plugin_id, version or None)
        elif isinstance(value, dict) and isinstance(value.get("id"), str):
            version = _version_of(cat, value, alias, lines.get(("plugins", alias)))[0]
            cat.plugins[normalise_alias(alias)] = (value["id"], version)
    return cat


def _version_of(
    cat: Catalog, value: dict[str, Any], alias: str, line: int | None
) -> tuple[str | None, int | None, str | None]:
    """(version text, line where it is written, unresolved expression) of a library or plugin table."""
    version = value.get("version")
    if isinstance(version, dict) and "ref" in version:
        ref = version["ref"]
        found = cat.versions.get(normalise_alias(str(ref)))
        if found is None:
            cat.warnings.append((line, f"{alias!r}: version.ref {ref!r} is not in [versions]"))
            return None, line, f'version.ref = "{ref}"'
        return found[0], found[1], None
    if version is None:
        return None, None, None
    text = rich_version(version)
    if text is None:
        cat.warnings.append((line, f"{alias!r}: unreadable version {version!r}"))
        return None, line, str(version)
    return text, line, None


def _library(cat: Catalog, alias: str, value: Any, line: int | None) -> CatalogLibrary | None:
    if isinstance(value, str):
        parts = value.split(":")
        if len(parts) != 3 or not parts[0] or not parts[1]:
            cat.warnings.append((line, f"library {alias!r}: {value!r} is not group:artifact:version; ignored"))
            return None
        return CatalogLibrary(alias, parts[0], parts[1], parts[2] or None, line, line if parts[2] else None)
    if not isinstance(value, dict):
        cat.warnings.append((line, f"library {alias!r} is neither a string nor a table; ignored"))
        return None
    module = value.get("module")
    if isinstance(module, str):
        group, sep, name = module.partition(":")
        if not sep or not group or not name or ":" in name:
            cat.warnings.append((line, f"library {alias!r}: module {module!r} is not group:artifact; ignored"))
            return None
    elif isinstance(value.get("group"), str) and isinstance(value.get("name"), str):
        group, name = value["group"], value["name"]
    else:
        cat.warnings.append((line, f"library {alias!r} has neither module nor group and name; ignored"))
        return None
    if not group.strip() or not name.strip():
        cat.warnings.append((line, f"library {alias!r} has an empty group or name; ignored"))
        return None
    version, version_line, unresolved = _version_of(cat, value, alias, line)
    return CatalogLibrary(alias, group.strip(), name.strip(), version, line, version_line, unresolved)


class GradleCatalogLoader(Loader):
    """Gradle version catalogs: validated here, consumed by :mod:`loaders.gradle.build`."""

    name = "gradle-catalog"
    file_globs = ("*.versions.toml",)

    def matches(self, path: str) -> bool:
        """``*.versions.toml`` (``gradle/libs.versions.toml`` and named catalogs)."""
        base = posixpath.basename(path)
        return base.endswith(".versions.toml") and len(base) > len(".versions.toml")

    def parse(self, text: str, source: Source, context: SourceContext = EMPTY_CONTEXT) -> ParseResult:
        """Check the catalog; it emits no records of its own (see the module docstring), only warnings."""
        cat = parse_catalog(text, source.display)
        result = ParseResult()
        result.warnings.extend(ParseWarning(source.display, line, msg) for line, msg in cat.warnings)
        return result
