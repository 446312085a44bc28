"""Render ``cypher/load_sources.cypher`` and the statements that share its fragments from the relationship table.

The others: ``count_source_edges.cypher`` (the check after the loads), ``delete_sources.cypher`` (forget
files) and ``swap_staged_source.cypher`` (a big file's parts swapped in) find each type's edges of a
source the way the load does.

Usage: ``python -m planner.store.render_load_cypher [--check]`` — writes the files, or with ``--check``
exits 1 when a committed file differs from its rendering. The statement's fragments live in
``planner/store/load_sources.tmpl`` (sections ``//= name``; ``@N@`` is the step number, ``@TYPE@``,
``@LABEL@``, ``@START@``, ``@END@`` and ``@NAME@`` come from the table).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from planner.store.relationships import (
    NODE_LABELS,
    ONE_EDGE_LISTING_SOURCES,
    PER_SOURCE_GROUPED,
    RELATIONSHIPS,
    VERSION_OF,
    RelationshipSet,
    stamped_types,
)

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE / "load_sources.tmpl"
TARGET = HERE.parents[1] / "cypher" / "load_sources.cypher"
COUNT_TARGET = HERE.parents[1] / "cypher" / "count_source_edges.cypher"
DELETE_TARGET = HERE.parents[1] / "cypher" / "delete_sources.cypher"
SWAP_TARGET = HERE.parents[1] / "cypher" / "swap_staged_source.cypher"


def sections(text: str) -> dict[str, str]:
    """The template's named fragments."""
    out: dict[str, str] = {}
    name = None
    for line in text.splitlines(keepends=True):
        if line.startswith("//= "):
            name = line[4:].strip()
            out[name] = ""
        elif name is not None:
            out[name] += line
    return out


class _Statement:
    """One rendered statement: fragments appended in order, ``@N@`` numbered as they come."""

    def __init__(self, parts: dict[str, str], header: str) -> None:
        self.parts, self.out, self.step = parts, [parts[header]], 0

    def emit(self, section: str, **values: str) -> None:
        self.step += 1
        text = self.parts[section].replace("@N@", str(self.step))
        for key, value in values.items():
            text = text.replace(f"@{key}@", value)
        self.out.append(text)

    def end(self, footer: str, *, names_last_step: bool = False) -> str:
        """The whole statement: its fragments, then ``footer`` numbered as one more step, or as the last
        one when it reads that step's result (the load statement returns it)."""
        number = self.step if names_last_step else self.step + 1
        return "".join(self.out) + self.parts[footer].replace("@N@", str(number))

    def per_type(self, kind: str, shared: bool = True) -> None:
        """One ``kind`` fragment (``delete`` or ``rename``) for each stamped type, the variant that finds the
        type's edges as a load does (``shared``: the edges that list sources too)."""
        seen: set[str] = set()
        for rel in RELATIONSHIPS:
            if rel.type not in seen and (shared or rel.merge != ONE_EDGE_LISTING_SOURCES):
                seen.add(rel.type)
                self.emit(f"{kind} {_finding_rule(rel)}", TYPE=rel.type, START=rel.start, END=rel.end)


def _parts(template: str | None) -> dict[str, str]:
    return sections(template if template is not None else TEMPLATE.read_text(encoding="utf-8"))


def render(template: str | None = None) -> str:
    """The whole load statement: deletes of each stamped type, node merges, then each relationship set."""
    statement = _Statement(_parts(template), "header")
    statement.per_type("delete")
    for label in NODE_LABELS:
        statement.emit("node", NAME=label.lower(), LABEL=label)
    statement.emit("structural", NAME="version_of", TYPE=VERSION_OF[0], START=VERSION_OF[1], END=VERSION_OF[2])
    for rel in RELATIONSHIPS:
        statement.emit(f"create {rel.merge}", NAME=rel.name, TYPE=rel.type, START=rel.start, END=rel.end)
    return statement.end("footer", names_last_step=True)


def render_delete(template: str | None = None) -> str:
    """``delete_sources.cypher``: the load statement's deletes, then the SourceFile nodes."""
    statement = _Statement(_parts(template), "delete header")
    statement.per_type("delete")
    return statement.end("delete footer")


def render_swap(template: str | None = None) -> str:
    """``swap_staged_source.cypher``: the real source's statements forgotten and its edges deleted as a load
    deletes them, the staged statements and edges renamed to the real source, type by type."""
    statement = _Statement(_parts(template), "swap header")
    statement.emit("swap forget statements")
    statement.per_type("delete", shared=False)
    statement.emit("swap rename statements")
    statement.emit("swap move describes")
    statement.per_type("rename", shared=False)
    return statement.end("swap footer")


def count_types() -> list[str]:
    """The relationship types whose edges belong to one source each (what count_source_edges counts)."""
    shared = {r.type for r in RELATIONSHIPS if r.merge == ONE_EDGE_LISTING_SOURCES}
    return [t for t in stamped_types() if t not in shared]


def render_counts(template: str | None = None) -> str:
    """The counting query: one part per source-stamped type, counted by source, each found the way the
    load finds the type's old edges (an index lookup on ``source``, or the SourceFile's ``resolves_for``)."""
    parts = sections(template if template is not None else TEMPLATE.read_text(encoding="utf-8"))
    grouped = {r.type: r for r in RELATIONSHIPS if r.merge == PER_SOURCE_GROUPED}
    counts = [
        parts["count, grouped rows"].replace("@TYPE@", t).replace("@START@", grouped[t].start)
        if t in grouped
        else parts["count"].replace("@TYPE@", t)
        for t in count_types()
    ]
    return parts["count header"] + parts["count union"].join(counts)


def _finding_rule(rel: RelationshipSet) -> str:
    """Which variant of a delete or rename fragment finds a type's edges of a source: edges listing sources
    forget its tokens, grouped RESOLVES rows are found through the SourceFile's ``resolves_for``, others
    by an index lookup on ``source``."""
    return rel.merge if rel.merge in (ONE_EDGE_LISTING_SOURCES, PER_SOURCE_GROUPED) else "per-source"


def main(argv: list[str] | None = None) -> int:
    """Write (or ``--check``) the committed statements rendered from the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when a committed file is not the rendering")
    args = parser.parse_args(argv)
    rendered = (
        (TARGET, render()),
        (COUNT_TARGET, render_counts()),
        (DELETE_TARGET, render_delete()),
        (SWAP_TARGET, render_swap()),
    )
    if args.check:
        stale = [target for target, text in rendered if target.read_text(encoding="utf-8") != text]
        for target in stale:
            print(f"{target} differs from the relationship table; run python -m planner.store.render_load_cypher")
        return 1 if stale else 0
    for target, text in rendered:
        target.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
