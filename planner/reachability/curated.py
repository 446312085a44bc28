"""The vulnerable symbols depwave ships for well-known incidents (``data/incidents.yaml``).

Each entry cites its sources; the file is read with the same reader as a responder's symbols
file, and a problem in it is a bug (a test keeps it clean).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from planner.reachability.symbols import SymbolRule

DATA_FILE = "incidents.yaml"


@lru_cache(maxsize=1)
def curated_rules() -> tuple[SymbolRule, ...]:
    """Every curated rule, in file order."""
    from loaders.advisories.symbols_yaml import parse_symbols

    text = resources.files("planner.reachability").joinpath("data", DATA_FILE).read_text(encoding="utf-8")
    rules, problems = parse_symbols(text, f"planner/reachability/data/{DATA_FILE}")
    if problems:
        raise ValueError("curated symbols are broken: " + "; ".join(problems))
    return tuple(rules)


def rules_for(advisory: str) -> list[SymbolRule]:
    """The curated rules about ``advisory`` (an id or alias)."""
    return [r for r in curated_rules() if r.names(advisory)]
