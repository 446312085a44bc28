"""Reading a ``pnpm-lock.yaml``: package nodes, importers and the lines of their keys."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from typing import Any

from loaders.js._common import split_locator, valid_name

SECTIONS = (("dependencies", "runtime"), ("optionalDependencies", "optional"), ("devDependencies", "dev"))
_SEMVERISH = re.compile(r"^\d+\.\d+\.\d+")


@dataclass(slots=True)
class Node:
    """One package (or snapshot) of the lockfile and its dependencies."""

    name: str | None
    version: str | None
    line: int | None
    deps: dict[str, tuple[str, bool]] = field(default_factory=dict)  # name -> (reference, optional)

    @property
    def registry(self) -> bool:
        """A package version (not a local directory)."""
        return bool(self.name and self.version) and not str(self.version).startswith(("file:", "link:"))


def _strip_peers(text: str, major: int) -> str:
    if major >= 6:
        i = text.find("(")
        return text[:i] if i > 0 else text
    return text.split("_", 1)[0] if not text.startswith(("file:", "link:")) else text


def _split_key(key: str, major: int) -> tuple[str | None, str | None]:
    """``(name, version)`` of a packages/snapshots key."""
    body = key[1:] if key.startswith("/") else key
    if major >= 6:
        name, version = split_locator(_strip_peers(body, major))
        return (name, version or None) if valid_name(name) else (None, None)
    parts = body.split("/")
    if parts[0].startswith("@") and len(parts) >= 3:
        name, rest = f"{parts[0]}/{parts[1]}", parts[2:]
    elif len(parts) >= 2:
        name, rest = parts[0], parts[1:]
    else:
        return None, None
    version = _strip_peers("/".join(rest), major)
    return (name, version or None) if valid_name(name) else (None, None)


def key_lines(text: str) -> dict[tuple[str, str], int]:
    """Line of each key at indent 0 (section "") and at indent 2 under each top-level section."""
    out: dict[tuple[str, str], int] = {}
    section = ""
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line or line.lstrip().startswith("#"):
            continue
        indent = len(line) - len(line.lstrip(" "))
        if indent not in (0, 2) or (not line.rstrip().endswith(":") and ": " not in line):
            continue
        key = line.strip()
        key = key[:-1] if key.endswith(":") else key.split(": ", 1)[0]
        if len(key) >= 2 and key[0] == key[-1] and key[0] in "'\"":
            key = key[1:-1]
        if indent == 0:
            section = key
            out.setdefault(("", key), lineno)
        else:
            out.setdefault((section, key), lineno)
    return out


def _dep_map(raw: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    if isinstance(raw, dict):
        for k, v in raw.items():
            if isinstance(k, str) and isinstance(v, (str, int, float)) and not isinstance(v, bool):
                out[k] = str(v)
    return out


def read_nodes(doc: dict[str, Any], major: int, lines: dict[tuple[str, str], int]) -> dict[str, Node]:
    """Every package of the lockfile by its key (v9: snapshots carry the dependencies)."""
    packages = doc.get("packages") if isinstance(doc.get("packages"), dict) else {}
    snapshots = doc.get("snapshots") if isinstance(doc.get("snapshots"), dict) else None
    graph_section = "snapshots" if snapshots is not None else "packages"
    table = snapshots if snapshots is not None else packages
    out: dict[str, Node] = {}
    for key, entry in table.items():
        if not isinstance(key, str):
            continue
        entry = entry if isinstance(entry, dict) else {}
        name, version = _split_key(key, major)
        base_key = _strip_peers(key, major) if snapshots is not None else key
        meta = packages.get(base_key) if isinstance(packages.get(base_key), dict) else entry
        if isinstance(meta.get("name"), str) and valid_name(meta["name"]):
            name = meta["name"]
        if isinstance(meta.get("version"), str) and (version is None or not _SEMVERISH.match(version)):
            version = meta["version"]
        line = lines.get(("packages", base_key)) or lines.get((graph_section, key))
        node = Node(name, version, line)
        for dep, ref in _dep_map(entry.get("dependencies")).items():
            node.deps[dep] = (ref, False)
        for dep, ref in _dep_map(entry.get("optionalDependencies")).items():
            node.deps[dep] = (ref, True)
        out[key] = node
    if snapshots is not None:  # packages without a snapshot still exist
        covered = {_strip_peers(k, major) for k in out}
        for key, entry in packages.items():
            if isinstance(key, str) and key not in covered:
                name, version = _split_key(key, major)
                if (
                    isinstance(entry, dict)
                    and isinstance(entry.get("version"), str)
                    and not _SEMVERISH.match(version or "")
                ):
                    version = entry["version"]
                out.setdefault(key, Node(name, version, lines.get(("packages", key))))
    return out


def read_importers(doc: dict[str, Any], major: int) -> dict[str, dict[str, dict[str, tuple[str | None, str]]]]:
    """importer dir -> section -> dep -> (specifier, reference)."""
    raw = doc.get("importers")
    if not isinstance(raw, dict):
        raw = {".": doc}
    out: dict[str, dict[str, dict[str, tuple[str | None, str]]]] = {}
    for directory, imp in raw.items():
        if not isinstance(directory, str) or not isinstance(imp, dict):
            continue
        specifiers = _dep_map(imp.get("specifiers"))
        sections: dict[str, dict[str, tuple[str | None, str]]] = {}
        for section, _ in SECTIONS:
            deps = imp.get(section)
            if not isinstance(deps, dict):
                continue
            entries: dict[str, tuple[str | None, str]] = {}
            for dep, val in deps.items():
                if not isinstance(dep, str):
                    continue
                if isinstance(val, dict):
                    spec = val.get("specifier")
                    ref = val.get("version")
                    if isinstance(ref, (str, int, float)) and not isinstance(ref, bool):
                        entries[dep] = (str(spec) if spec is not None else None, str(ref))
                elif isinstance(val, (str, int, float)) and not isinstance(val, bool):
                    entries[dep] = (specifiers.get(dep), str(val))
            sections[section] = entries
        out[posixpath.normpath(directory) if directory else "."] = sections
    return out
