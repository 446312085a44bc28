"""The Cypher catalog: every query depwave runs is a ``.cypher`` file in the ``cypher`` package."""

from __future__ import annotations

from functools import cache
from importlib import resources

from planner.errors import UsageError


@cache
def text(name: str) -> str:
    """The text of ``cypher/<name>.cypher`` (comment lines kept: Cypher accepts ``//``)."""
    try:
        return resources.files("cypher").joinpath(f"{name}.cypher").read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"no catalog query named {name!r}") from None


def names() -> list[str]:
    """Every catalog query name, sorted."""
    return sorted(
        p.name.removesuffix(".cypher") for p in resources.files("cypher").iterdir() if p.name.endswith(".cypher")
    )


def statements(name: str) -> list[str]:
    """The statements of a multi-statement file such as ``schema.cypher``, comments removed."""
    body = "\n".join(line for line in text(name).splitlines() if not line.lstrip().startswith("//"))
    return [s.strip() for s in body.split(";") if s.strip()]


def summary(name: str) -> str:
    """The first header line of a catalog file without its name prefix."""
    first = next((line for line in text(name).splitlines() if line.startswith("//") and "—" in line), "")
    return first.split("—", 1)[1].strip() if first else ""
