"""What the report's filters and search work on: per project or step, its owners, repositories,
environments and verdict, written compactly as indexes into the filter menus (one ``data-f`` attribute)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from planner.render.report import model
from planner.render.report.svg import esc

#: the filter menus, in page order; ``environment`` ignores rows that belong to no environment
DIMENSIONS = ("owner", "repository", "environment", "verdict")
NO_REPO = "(no repository)"


def item_values(item: Mapping[str, Any], verdicts: Mapping[str, str]) -> tuple[list[str], ...]:
    """Owners, repositories, environments and verdict of a project (exposure) or a step (plan)."""
    owners = list(item.get("owners") or []) or [model.NO_OWNER]
    if "kind" in item and "phase" in item:  # a plan step
        env = item.get("environment")
        repos = list(item.get("repos") or []) or [item.get("repo") or NO_REPO]
        return owners, repos, [env] if env else [], [model.step_verdict(item, verdicts)]
    return owners, [item.get("repo") or NO_REPO], list(model.environments(item)), [item["verdict"]]


class FilterIndex:
    """Every value each filter can take (the menus) and each item's values as indexes into them."""

    def __init__(self, items: Iterable[Mapping[str, Any]], verdicts: Mapping[str, str]) -> None:
        self.verdicts = verdicts
        seen: list[set[str]] = [set() for _ in DIMENSIONS]
        for item in items:
            for i, values in enumerate(item_values(item, verdicts)):
                seen[i].update(values)
        self.menus = {d: sorted(s) for d, s in zip(DIMENSIONS, seen, strict=True)}
        self._index = {d: {v: i for i, v in enumerate(m)} for d, m in self.menus.items()}

    def attrs(self, *items: Mapping[str, Any], owner: str | None = None) -> str:
        """`` data-f="o o|r|e|v"``: each field the space-separated menu indexes of one dimension (the union
        over ``items``, for a row that stands for several). In a table per owner, a row is that ``owner``'s
        only: choosing an owner shows their table, not the rows they share in other owners' tables."""
        values: list[set[str]] = [set() for _ in DIMENSIONS]
        for item in items:
            for i, found in enumerate(item_values(item, self.verdicts)):
                values[i].update(found)
        if owner is not None:
            values[0] = {owner}
        fields = (
            " ".join(str(i) for i in sorted(self._index[d][v] for v in vs))
            for d, vs in zip(DIMENSIONS, values, strict=True)
        )
        return f' data-f="{esc("|".join(fields))}"'

    def menu(self, dimension: str, chosen: str | None = None) -> str:
        """The ``<select>`` of one dimension (option values are the indexes)."""
        options = "".join(
            f'<option value="{i}"{" selected" if v == chosen else ""}>{esc(v)}</option>'
            for i, v in enumerate(self.menus[dimension])
        )
        return (
            f'<label>{dimension} <select data-filter="{dimension}"><option value="">all</option>{options}</select>'
            "</label>"
        )
