"""Shared pieces of the Python loaders: names, versions, PEP 508 strings, TOML, scopes.

Names are normalised per PEP 503 and versions per PEP 440 (both through ``packaging``), so
``Flask 3.2.0.dev`` in a ``pyproject.toml`` and ``flask 3.2.0.dev0`` in a ``uv.lock`` are the same
version node. Purls are built only through :mod:`planner.purl`.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from loaders.base import LineIndex
from planner import purl as purls
from planner.errors import ParseError
from planner.model import Source

_TOML_POSITION = re.compile(r"\(at line (\d+), column \d+\)")
_NAME = re.compile(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", re.IGNORECASE)

_TEST_WORDS = ("test", "tests", "testing", "pytest", "coverage", "tox", "ci")
_DEV_WORDS = (
    "dev",
    "develop",
    "development",
    "lint",
    "linting",
    "docs",
    "doc",
    "typing",
    "types",
    "mypy",
    "style",
    "format",
    "pre-commit",
    "precommit",
    "benchmark",
    "benchmarks",
    "bench",
    "debug",
    "gha-update",
    "ipython",
    "notebook",
)
_BUILD_WORDS = ("build", "setup", "wheel", "packaging", "deploy-build")


def canonical(name: str) -> str:
    """PEP 503 normalised name (``Flask_SQLAlchemy`` -> ``flask-sqlalchemy``)."""
    return canonicalize_name(name)


def valid_name(name: str) -> bool:
    """Whether ``name`` is a valid Python distribution name (PEP 508)."""
    return bool(_NAME.match(name))


def normalise_version(version: str) -> str:
    """The PEP 440 normal form of ``version`` (``3.2.0.dev`` -> ``3.2.0.dev0``), else the text as is."""
    version = version.strip()
    try:
        return str(Version(version))
    except InvalidVersion:
        return version


def pypi(name: str, version: str | None = None) -> purls.Purl:
    """The ``pkg:pypi`` purl of a distribution (raises ValueError on an unusable name)."""
    if not valid_name(name):
        raise ValueError(f"not a valid Python package name: {name!r}")
    return purls.build("pypi", None, canonical(name), normalise_version(version) if version else None)


def scope_for_group(group: str | None) -> str:
    """Normalised scope of a dependency group / extra / category / requirements file stem.

    ``test``/``tests``/``testing`` -> test; ``dev``/``lint``/``docs``/``typing`` -> dev; ``build`` -> build;
    ``main``/``default``/``runtime`` and anything else -> runtime. Words are matched on ``-``/``_``/``.``
    separated parts so ``requirements_test`` and ``docs-dev`` are classified too.
    """
    if not group:
        return "runtime"
    lower = group.lower()
    parts = [p for p in re.split(r"[-_.\s/]+", lower) if p]
    if lower in _DEV_WORDS or lower in _TEST_WORDS or lower in _BUILD_WORDS:
        parts = [lower]
    if any(p in _TEST_WORDS or p.startswith("test") for p in parts):
        return "test"
    if any(p in _DEV_WORDS for p in parts) or lower in _DEV_WORDS:
        return "dev"
    if any(p in _BUILD_WORDS for p in parts):
        return "build"
    return "runtime"


def group_scope(group: str) -> str:
    """Scope of a named dependency group (PEP 735, Poetry, PDM, uv dev groups): never installed with the
    package, so a name that says nothing (``loop``, ``extra``) is dev; ``main``/``default`` are runtime."""
    if group.lower() in ("main", "default", "runtime"):
        return "runtime"
    scope = scope_for_group(group)
    return "dev" if scope == "runtime" else scope


_SCOPE_RANK = {"runtime": 0, "provided": 1, "peer": 2, "optional": 3, "build": 4, "dev": 5, "test": 6, "unknown": 7}


def stronger_scope(a: str, b: str) -> str:
    """The scope that matters more for what ships (runtime beats optional beats build/dev/test)."""
    return a if _SCOPE_RANK.get(a, 9) <= _SCOPE_RANK.get(b, 9) else b


@dataclass(frozen=True, slots=True)
class Pep508:
    """A parsed PEP 508 requirement."""

    name: str
    specifier: str | None  # ``>=1.0,<2`` (packaging's normal form), None when absent
    extras: tuple[str, ...]
    marker: str | None  # packaging's normal form, None when absent
    url: str | None  # ``pkg @ url``


def parse_pep508(text: str) -> Pep508:
    """Parse a PEP 508 string (``name[extra] (>=1) ; marker`` or ``name @ url``); ValueError if invalid."""
    try:
        req = Requirement(text)
    except InvalidRequirement as exc:
        raise ValueError(f"invalid requirement {text.strip()!r}: {str(exc).splitlines()[0]}") from None
    return Pep508(
        name=req.name,
        specifier=str(req.specifier) or None,
        extras=tuple(sorted(req.extras)),
        marker=str(req.marker) if req.marker is not None else None,
        url=req.url or None,
    )


def normalise_marker(text: Any) -> str | None:
    """A marker in packaging's normal form (double quotes), the text itself if it does not parse."""
    if not isinstance(text, str) or not text.strip():
        return None
    from packaging.markers import InvalidMarker, Marker

    try:
        return str(Marker(text))
    except InvalidMarker:
        return text.strip()


def exact_pin(specifier: str | None) -> str | None:
    """The version of an exact ``==x`` / ``===x`` pin (no wildcard, single clause), else None."""
    if not specifier or "," in specifier:
        return None
    spec = specifier.strip()
    for op in ("===", "=="):
        if spec.startswith(op):
            version = spec[len(op) :].strip()
            if version and "*" not in version and not version.startswith("="):
                return version
            return None
    return None


def load_toml(text: str, source: Source, what: str) -> dict[str, Any]:
    """Parse TOML strictly: a syntax error or a duplicate key is a ``ParseError`` at its line."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = _TOML_POSITION.search(msg)
        line = int(m.group(1)) if m else (_duplicate_line(text) or max(1, text.count("\n")))
        reason = _TOML_POSITION.sub("", msg).replace("(at end of document)", "").strip()
        if reason.startswith("Cannot overwrite") or reason.startswith("Cannot declare"):
            reason = f"{reason} (duplicate key or table)"
        raise ParseError(source.display, line, f"malformed {what}: {reason}") from None
    except RecursionError:
        raise ParseError(source.display, 1, f"malformed {what}: nested too deeply") from None


_HEADER = re.compile(r"^\s*\[([^\[\]]+)\]\s*(?:#.*)?$")
_ARRAY_HEADER = re.compile(r"^\s*\[\[")
_KEY = re.compile(r"^\s*([A-Za-z0-9_.\"'-]+?)\s*=")


def _duplicate_line(text: str) -> int | None:
    """The line of the first repeated ``[table]`` header or ``key =`` in one table (tomllib does not say)."""
    headers: set[str] = set()
    keys: set[tuple[str, str]] = set()
    current = ""
    for number, raw in enumerate(text.splitlines(), start=1):
        if _ARRAY_HEADER.match(raw):
            current = f"{raw.strip()}#{number}"
            continue
        header = _HEADER.match(raw)
        if header:
            current = header.group(1).strip()
            if current in headers:
                return number
            headers.add(current)
            continue
        key = _KEY.match(raw)
        if key:
            if (current, key.group(1)) in keys:
                return number
            keys.add((current, key.group(1)))
    return None


def table_lines(text: str, header: str) -> list[int]:
    """1-based lines of every top-level ``[[header]]`` (array-of-tables) line, in order."""
    pattern = re.compile(r"^[ \t]*\[\[[ \t]*" + re.escape(header) + r"[ \t]*\]\][ \t]*(?:#.*)?$", re.MULTILINE)
    lines = LineIndex(text)
    return [lines.line_of_offset(m.start()) for m in pattern.finditer(text)]


def line_of_key(text: str, lines: LineIndex, section_header: str | None, key: str) -> int | None:
    """Best-effort line of ``key = ...`` (bare or quoted) after ``[section_header]``, else of the section."""
    start = 0
    section_line = None
    if section_header:
        m = re.search(r"^[ \t]*\[[ \t]*" + re.escape(section_header) + r"[ \t]*\]", text, re.MULTILINE)
        if m is None:
            return None
        start = m.end()
        section_line = lines.line_of_offset(m.start())
    m = re.compile(r"^[ \t]*[\"']?" + re.escape(key) + r"[\"']?[ \t]*=", re.MULTILINE | re.IGNORECASE).search(
        text, start
    )
    return lines.line_of_offset(m.start()) if m else section_line
