"""The entries of a ``yarn.lock``: v1 (through :mod:`loaders.js._yarn_v1`) and Berry, one :class:`YarnEntry` each."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from urllib.parse import unquote

from loaders.base import LineIndex, expect
from loaders.js._common import classify, split_locator
from loaders.js._yaml import load_yaml
from loaders.js._yarn_v1 import parse_v1
from planner.model import ParseWarning, Source

KNOWN_BERRY_VERSIONS = range(4, 11)
_TOP_KEY = re.compile(r'^(?:"((?:[^"\\]|\\.)*)"|([^\s#"][^\n]*?)):\s*$', re.M)


@dataclass(slots=True)
class YarnEntry:
    """One lock entry."""

    descriptors: tuple[str, ...]
    name: str
    version: str | None
    line: int | None
    deps: dict[str, tuple[str, bool]] = field(default_factory=dict)  # name -> (range as written, optional)
    workspace: str | None = None  # workspace dir relative to the lock
    link: str | None = None  # link/portal target relative to the lock
    locator_ws: str | None = None  # the workspace a link: entry belongs to (``::locator=``)
    base: str | None = None  # patch: entries: the descriptor of the package they patch

    @property
    def registry(self) -> bool:
        """A package version (not a workspace or a link)."""
        return self.workspace is None and self.link is None


def _descriptor_name(descriptor: str) -> tuple[str, str]:
    name, rng = split_locator(descriptor)
    return name, rng


def read_v1_entries(text: str, source: Source, warn: list[ParseWarning]) -> list[YarnEntry]:
    """The entries of a Yarn v1 lockfile."""
    out: list[YarnEntry] = []
    for block in parse_v1(text, source, warn):
        names = [_descriptor_name(k) for k in block.keys]
        name = names[0][0]
        for _, rng in names:
            spec = classify(rng)
            if spec.kind == "alias" and spec.name:
                name = spec.name
        version = block.fields.get("version")
        pkg = YarnEntry(block.keys, name, version if isinstance(version, str) else None, block.line)
        for section, optional in (("dependencies", False), ("optionalDependencies", True)):
            deps = block.fields.get(section)
            if isinstance(deps, dict):
                for dep, rng in deps.items():
                    if isinstance(rng, str):
                        pkg.deps[dep] = (rng, optional)
        first = classify(names[0][1])
        if first.kind == "path" and all(classify(r).kind == "path" for _, r in names):
            pkg.link = first.value
        out.append(pkg)
    return out


def read_berry_entries(text: str, source: Source, warn: list[ParseWarning]) -> list[YarnEntry]:
    """The entries of a Yarn Berry (v2+) lockfile; an unknown ``__metadata.version`` is a warning."""
    doc = load_yaml(text, source, warn)
    expect(isinstance(doc, dict), source, 1, "not a yarn.lock: top level is not a mapping")
    meta = doc.get("__metadata")
    version = meta.get("version") if isinstance(meta, dict) else None
    if not isinstance(version, int) or version not in KNOWN_BERRY_VERSIONS:
        warn.append(
            ParseWarning(
                source.display, _line_of_key(text, "__metadata"), f"unknown yarn.lock version {version!r}; read as 10"
            )
        )
    index = LineIndex(text)
    lines: dict[str, int] = {}
    for m in _TOP_KEY.finditer(text):
        key = m.group(1) if m.group(1) is not None else m.group(2)
        lines.setdefault(key, index.line_of_offset(m.start()))
    out: list[YarnEntry] = []
    bad = 0
    for key, entry in doc.items():
        if key == "__metadata":
            continue
        if not isinstance(key, str) or not isinstance(entry, dict):
            bad += 1
            continue
        descriptors = tuple(d.strip() for d in key.split(",") if d.strip())
        if not descriptors:
            bad += 1
            continue
        resolution = entry.get("resolution") if isinstance(entry.get("resolution"), str) else descriptors[0]
        name, reference = _descriptor_name(resolution)
        version = entry.get("version")
        version = str(version) if isinstance(version, (str, int, float)) and not isinstance(version, bool) else None
        pkg = YarnEntry(descriptors, name, version, lines.get(key))
        meta_opt = entry.get("dependenciesMeta") if isinstance(entry.get("dependenciesMeta"), dict) else {}
        deps = entry.get("dependencies")
        if isinstance(deps, dict):
            for dep, rng in deps.items():
                if isinstance(dep, str) and isinstance(rng, (str, int, float)) and not isinstance(rng, bool):
                    m_opt = meta_opt.get(dep)
                    pkg.deps[dep] = (str(rng), isinstance(m_opt, dict) and m_opt.get("optional") is True)
        protocol, _, rest = reference.partition(":")
        if protocol == "patch":
            pkg.base = unquote(rest.split("#", 1)[0])
        elif protocol == "workspace":
            pkg.workspace = posixpath.normpath(rest) if rest else "."
        elif protocol in ("link", "portal"):
            target, _, params = rest.partition("::")
            pkg.link = target
            locator = unquote(params.removeprefix("locator=")) if params.startswith("locator=") else ""
            ws = locator.split("@workspace:", 1)
            pkg.locator_ws = posixpath.normpath(ws[1]) if len(ws) == 2 else None
        out.append(pkg)
    if bad:
        warn.append(ParseWarning(source.display, None, f"{bad} entry(ies) that are not mappings skipped"))
    return out


def _line_of_key(text: str, key: str) -> int | None:
    m = re.search(rf"^{re.escape(key)}:", text, re.M)
    return text.count("\n", 0, m.start()) + 1 if m else None
