"""The Cypher catalog: every query depwave runs is a ``.cypher`` file in the ``cypher`` package."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import cypher
from planner.errors import UsageError


@cache
def _folder() -> Any:
    """The ``cypher`` package's files: its folder when it is one on disk (every ordinary install: read
    directly, as importing importlib.resources costs each command ~5 ms), else through importlib.resources
    (a zipped install)."""
    for location in getattr(cypher, "__path__", []):
        if (Path(location) / "schema.cypher").is_file():
            return Path(location)
    from importlib import resources

    return resources.files("cypher")


@cache
def text(name: str) -> str:
    """The text of ``cypher/<name>.cypher`` (comment lines kept: Cypher accepts ``//``)."""
    try:
        return _folder().joinpath(f"{name}.cypher").read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"no catalog query named {name!r}") from None


def names() -> list[str]:
    """Every catalog query name, sorted."""
    return sorted(p.name.removesuffix(".cypher") for p in _folder().iterdir() if p.name.endswith(".cypher"))


def statements(name: str) -> list[str]:
    """The statements of a multi-statement file such as ``schema.cypher``, comments removed."""
    body = "\n".join(line for line in text(name).splitlines() if not line.lstrip().startswith("//"))
    return [s.strip() for s in body.split(";") if s.strip()]


def summary(name: str) -> str:
    """The first header line of a catalog file without its name prefix."""
    first = next((line for line in text(name).splitlines() if line.startswith("//") and "—" in line), "")
    return first.split("—", 1)[1].strip() if first else ""


#: value types a catalog file may declare for its columns (``// Result types: col=type, ...``)
RESULT_TYPES = frozenset({"text", "int", "keys"})


@cache
def result_types(name: str) -> dict[str, str] | None:
    """The column types a catalog file declares on a ``// Result types:`` header line, or None.

    ``text`` (a string or null), ``int`` (an integer or null), ``keys`` (a list of canonical purl or
    node keys, or null). A store may use them to ask for a cheaper result format (the embedded store
    then reads FalkorDB's plain reply instead of the typed compact one)."""
    for line in text(name).splitlines():
        if line.startswith("// Result types:"):
            out: dict[str, str] = {}
            for part in line.removeprefix("// Result types:").split(","):
                column, _, kind = part.strip().partition("=")
                if kind not in RESULT_TYPES or not column:
                    raise ValueError(f"{name}.cypher: bad result type {part.strip()!r}")
                out[column] = kind
            return out
    return None
