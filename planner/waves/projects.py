"""Reading and validating the input graph's project nodes and graph attributes."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx

from planner.errors import UsageError
from planner.waves.model import EXPOSURES, KINDS


@dataclass(slots=True)
class _Project:
    key: str
    name: str
    repo: str
    kind: str
    ecosystem: str
    exposure: str
    vulnerable: str | None
    location: str | None
    edit_kind: str | None
    prop: str | None
    tool: str | None
    publishes: str | None
    deployments: tuple[tuple[str, str], ...]
    owners: tuple[str, ...]
    traceable: bool
    direct: bool = False
    path: str | None = None
    build_unit: str | None = None
    build_root: str | None = None
    called: bool = False  # its code (or a library's it runs) calls the vulnerable symbols (reachability)
    version_from: str | None = None  # where a POM of another repository sets the version (it is overridden)


def _text(key: str, attrs: Mapping[str, Any], name: str, default: str | None = None) -> str | None:
    value = attrs.get(name, default)
    if value is None:
        return default
    if not isinstance(value, str):
        raise UsageError(f"project {key}: {name} must be a string, got {value!r}")
    return value


def _read_project(key: Any, attrs: Mapping[str, Any]) -> _Project | None:
    if not isinstance(key, str):
        raise UsageError(f"project key {key!r} must be a string")
    exposure = attrs.get("exposure")
    if exposure in (None, "none"):
        return None
    if exposure not in EXPOSURES:
        raise UsageError(f"project {key}: exposure must be one of {', '.join(EXPOSURES)} or None, got {exposure!r}")
    kind = attrs.get("kind") or "unknown"
    if kind not in KINDS:
        raise UsageError(f"project {key}: kind must be one of {', '.join(KINDS)}, got {kind!r}")
    deployments = attrs.get("deployments") or []
    if not isinstance(deployments, list | tuple) or any(
        not isinstance(d, list | tuple) or len(d) != 2 or not all(isinstance(x, str) and x for x in d)
        for d in deployments
    ):
        raise UsageError(f"project {key}: deployments must be a list of (service, environment) pairs")
    owners = attrs.get("owners") or []
    if not isinstance(owners, list | tuple) or any(not isinstance(o, str) for o in owners):
        raise UsageError(f"project {key}: owners must be a list of names")
    traceable = attrs.get("image_traceable", True)
    if not isinstance(traceable, bool):
        raise UsageError(f"project {key}: image_traceable must be true or false, got {traceable!r}")
    direct = attrs.get("direct", False)
    if not isinstance(direct, bool):
        raise UsageError(f"project {key}: direct must be true or false, got {direct!r}")
    called = attrs.get("called", False)
    if not isinstance(called, bool):
        raise UsageError(f"project {key}: called must be true or false, got {called!r}")
    return _Project(
        key=key,
        name=_text(key, attrs, "name", key) or key,
        repo=_text(key, attrs, "repo", "") or "",
        kind=kind,
        ecosystem=(_text(key, attrs, "ecosystem", "") or "").lower(),
        exposure=exposure,
        vulnerable=_text(key, attrs, "vulnerable_version"),
        location=_text(key, attrs, "edit_location"),
        edit_kind=_text(key, attrs, "edit_kind"),
        prop=_text(key, attrs, "property"),
        version_from=_text(key, attrs, "version_from"),
        tool=_text(key, attrs, "build_tool"),
        publishes=_text(key, attrs, "publishes"),
        deployments=tuple(sorted({(str(s), str(e)) for s, e in deployments})),
        owners=tuple(sorted(set(owners))),
        traceable=traceable,
        direct=direct,
        path=_text(key, attrs, "path"),
        build_unit=_text(key, attrs, "build_unit"),
        build_root=_text(key, attrs, "build_root"),
        called=called,
    )


_MAJOR = re.compile(r"^\D*(\d+)")


def _major(v: str | None) -> int | None:
    m = _MAJOR.match(v or "")
    return int(m.group(1)) if m else None


def _default_compare(a: str, b: str) -> int:
    from packaging.version import InvalidVersion, Version

    try:
        va, vb = Version(a), Version(b)
    except InvalidVersion as exc:
        raise ValueError(str(exc)) from exc
    return (va > vb) - (va < vb)


def _inventory_gaps(graph: nx.DiGraph) -> tuple[tuple[str, tuple[str, ...]], ...]:
    gaps = graph.graph.get("inventory_gaps") or ()
    if not isinstance(gaps, list | tuple) or any(
        not isinstance(g, list | tuple) or len(g) != 2 or not isinstance(g[0], str) for g in gaps
    ):
        raise UsageError("inventory_gaps must be a list of (image, services) pairs")
    return tuple(sorted((str(image), tuple(sorted(str(s) for s in services))) for image, services in gaps))
