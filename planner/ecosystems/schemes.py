"""Version schemes: parsers of version strings into comparable values, one per ordering.

Orderings come from ``univers`` where it is right (Maven ``ComparableVersion``, SemVer 2.0, RubyGems,
NuGet) and from ``packaging`` for PyPI (PEP 440). Where univers is too lenient we are strict (see
:mod:`planner.versions` for the corrections, each pinned by a test). A parser raises on text that is
not a version of its scheme.
"""

from __future__ import annotations

import re
from typing import Any

from packaging.version import Version as PepVersion
from univers import versions as uv

_SEMVER = re.compile(
    r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+[0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*)?"
)
_MAVEN = re.compile(r"[0-9A-Za-z][0-9A-Za-z._+\-~]*")
_MAVEN_RELEASE = re.compile(r"(?i)(?<![a-z])release(?![a-z])")


class Unparsable(ValueError):
    """The text is not a version of the scheme."""


def _semver(text: str, prefixes: str = "") -> Any:
    core = text[1:] if prefixes and text[:1] in prefixes else text
    if not _SEMVER.fullmatch(core):
        raise Unparsable(text)
    return uv.SemverVersion(core)


def npm(text: str) -> Any:
    """SemVer 2.0 with npm's optional ``v`` or ``=`` prefix."""
    return _semver(text.strip(), "v=")


def go(text: str) -> Any:
    """SemVer 2.0 with Go's ``v`` prefix (pseudo-versions are SemVer pre-releases)."""
    return _semver(text, "v")


def semver_any(text: str) -> Any:
    """SemVer 2.0 with an optional ``v`` (OSV ``SEMVER`` ranges)."""
    return _semver(text, "v")


def strict_semver(text: str) -> Any:
    """SemVer 2.0 exactly (crates.io, Hex, Pub)."""
    return _semver(text)


def maven(text: str) -> Any:
    """Maven's ``ComparableVersion``, with Maven 3.9's ``release`` alias of the release qualifier."""
    if not _MAVEN.fullmatch(text) or not any(c.isdigit() for c in text):
        raise Unparsable(text)
    return uv.MavenVersion(_MAVEN_RELEASE.sub("ga", text))


def pep440(text: str) -> Any:
    """PEP 440 (PyPI)."""
    return PepVersion(text)


def gem(text: str) -> Any:
    """RubyGems versions."""
    if not text.strip():
        raise Unparsable(text)
    return uv.RubygemsVersion(text.strip())


def nuget(text: str) -> Any:
    """NuGet versions."""
    if not text.strip():
        raise Unparsable(text)
    return uv.NugetVersion(text.strip())
