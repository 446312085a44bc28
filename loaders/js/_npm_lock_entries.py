"""The entry table of an npm lockfile: one compact :class:`Entry` per ``packages`` location.

Both ways of reading a lockfile (the whole JSON at once, or entry by entry for a big file) turn each
``packages`` value into an :class:`Entry` here, with :func:`entry_from`. The strings many entries share
(names, versions, dependency ranges) are kept once (:class:`Interner`) and the dependencies are one flat
tuple, which is what lets a lockfile of a few hundred thousand entries be held in about 600 bytes each.
Version 1 (nested ``dependencies`` with ``requires``) is flattened into the same table by :func:`v1_entries`.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from loaders.base import JSON_STRING_BODY, LineIndex, SourceContext
from loaders.js._common import SECTIONS, classify, join_dir, read_json
from planner import hashes
from planner.model import ParseWarning, Source

FLAG_SCOPES = (("devOptional", "dev"), ("dev", "dev"), ("optional", "optional"), ("peer", "peer"))
_INSTALLED_SECTIONS = ("dependencies", "optionalDependencies", "peerDependencies")
_FOLDER_SECTIONS = (*_INSTALLED_SECTIONS, "devDependencies")  # a project folder's devDependencies are installed too
_KEY = re.compile(rf'"({JSON_STRING_BODY})"\s*:\s*\{{')

#: one dependency as written: (name, range, section)
Dep = tuple[str, str, str]
#: a purl not worked out yet (:attr:`Entry.purl`)
UNSET = ""


@dataclass(slots=True)
class Entry:
    """One ``packages`` location of a lockfile (``""`` = the root folder)."""

    location: str
    name: str | None
    version: str | None
    raw_scope: str | None
    deps: tuple[str, ...] = ()  # name, range, section, name, ... (see :func:`triples`); a name's first section wins
    link: str | None = None  # link target location (None when it leaves the repository)
    is_link: bool = False
    line: int | None = None
    integrity: str | None = None  # ``integrity`` as written (see :attr:`hashes`)
    purl: str | None = UNSET  # the versioned purl once worked out (``LockGraph.purl``), None when unusable

    @property
    def installed(self) -> bool:
        """A package under some ``node_modules`` (not a project folder)."""
        return is_installed(self.location)

    @property
    def hashes(self) -> tuple[str, ...]:
        """The ``integrity`` hashes in planner.hashes normal form."""
        return hashes.from_sri(self.integrity) if self.integrity else ()


def is_installed(location: str) -> bool:
    """Whether a ``packages`` location is under some ``node_modules``."""
    return location.startswith("node_modules/") or "/node_modules/" in location


def name_from_location(location: str) -> str | None:
    """``a/node_modules/@s/b`` -> ``@s/b``."""
    i = location.rfind("node_modules/")
    return location[i + len("node_modules/") :] if i >= 0 else None


class Interner(dict):
    """One object per equal string (or dependency triple) of a lockfile."""

    def __call__(self, value: Any) -> Any:
        """The kept object equal to ``value``."""
        return self.setdefault(value, value)


def triples(deps: tuple[str, ...]) -> Iterator[Dep]:
    """The (name, range, section) of each dependency in an entry's flat ``deps``."""
    it = iter(deps)
    return zip(it, it, it, strict=True)


def raw_scope(raw: dict[str, Any]) -> str | None:
    """The first scope flag (``devOptional``, ``dev``, ``optional``, ``peer``) set on an entry."""
    for flag, _ in FLAG_SCOPES:
        if raw.get(flag) is True:
            return flag
    return None


def deps_of(raw: dict[str, Any], sections: tuple[str, ...], keep: Interner) -> tuple[str, ...]:
    """The dependencies of an entry (or a package.json) in ``sections``, flat; a name's first section wins."""
    out: dict[str, tuple[str, str]] = {}
    for section in sections:
        deps = raw.get(section)
        if isinstance(deps, dict):
            for dep, rng in deps.items():
                if isinstance(dep, str) and isinstance(rng, str) and dep not in out:
                    out[dep] = (rng, section)
    return tuple(keep(s) for dep, (rng, section) in out.items() for s in (dep, rng, section))


def _text(raw: dict[str, Any], key: str) -> str | None:
    value = raw.get(key)
    return value if isinstance(value, str) else None


def entry_from(location: str, raw: dict[str, Any], line: int | None, keep: Interner) -> Entry:
    """The entry of one ``packages`` value (an object)."""
    installed = is_installed(location)
    name = _text(raw, "name") or (name_from_location(location) if installed else None)
    version = _text(raw, "version")
    entry = Entry(
        location=location,
        name=keep(name) if name else name,
        version=keep(version) if version is not None else None,
        raw_scope=raw_scope(raw),
        deps=deps_of(raw, _INSTALLED_SECTIONS if installed else _FOLDER_SECTIONS, keep),
        line=line,
        integrity=_text(raw, "integrity"),
    )
    if raw.get("link") is True:
        entry.is_link = True
        target = raw.get("resolved")
        entry.link = join_dir(".", target) if isinstance(target, str) else None
        if entry.link == ".":
            entry.link = ""
    return entry


def not_objects_warning(bad: int, source: Source, line: int | None) -> ParseWarning:
    """The warning for ``packages`` values that are not objects."""
    return ParseWarning(source.display, line, f"{bad} packages entry(ies) are not objects")


def flat_entries(
    packages: dict[str, Any], text: str, lines: LineIndex, source: Source, warn: list[ParseWarning]
) -> dict[str, Entry]:
    """The entries of a parsed ``packages`` object; each one's line is its key's in ``text``."""
    start = text.find('"packages"')
    key_lines: dict[str, int] = {}
    for m in _KEY.finditer(text, max(start, 0)):
        key_lines.setdefault(m.group(1), lines.line_of_offset(m.start()))
    out: dict[str, Entry] = {}
    keep = Interner()
    bad = 0
    for location, raw in packages.items():
        if not isinstance(raw, dict):
            bad += 1
            continue
        out[location] = entry_from(location, raw, key_lines.get(location), keep)
    if bad:
        warn.append(not_objects_warning(bad, source, lines.line_of('"packages"')))
    return out


def v1_entries(
    doc: dict[str, Any], text: str, lines: LineIndex, source: Source, context: SourceContext
) -> dict[str, Entry]:
    """Flatten lockfileVersion 1 nested ``dependencies`` into ``node_modules/a/node_modules/b`` entries."""
    out: dict[str, Entry] = {}
    keep = Interner()
    directory = source.directory
    manifest = read_json(context, source.repo, posixpath.join("" if directory == "." else directory, "package.json"))
    root_deps = deps_of(manifest, tuple(SECTIONS), keep) if manifest else ()
    out[""] = Entry("", doc.get("name") if isinstance(doc.get("name"), str) else None, None, None, root_deps)
    stack: list[tuple[str, Any, int]] = [("", doc.get("dependencies"), 0)]
    while stack:
        parent, deps, offset = stack.pop()
        if not isinstance(deps, dict):
            continue
        for name, raw in deps.items():
            if not isinstance(raw, dict) or not isinstance(name, str):
                continue
            location = f"{parent}/node_modules/{name}" if parent else f"node_modules/{name}"
            m = re.compile(re.escape(f'"{name}"') + r"\s*:\s*\{").search(text, offset)
            pos = m.start() if m else offset
            version = raw.get("version") if isinstance(raw.get("version"), str) else None
            entry = Entry(location, name, version, raw_scope(raw), line=lines.line_of_offset(pos) if m else None)
            entry.integrity = _text(raw, "integrity")
            requires = raw.get("requires")
            if isinstance(requires, dict):
                pairs = ((d, r) for d, r in requires.items() if isinstance(r, str))
                entry.deps = tuple(keep(s) for d, r in pairs for s in (d, r, "dependencies"))
            if version and version.startswith("file:"):
                entry.is_link = True
                entry.link = join_dir(".", version[5:])
            elif version and version.startswith("npm:"):
                spec = classify(version)
                entry.name, entry.version = spec.name, spec.value
            out[location] = entry
            stack.append((location, raw.get("dependencies"), pos))
    return out
