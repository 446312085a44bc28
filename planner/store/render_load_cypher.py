"""Render ``cypher/load_sources.cypher`` and ``cypher/count_source_edges.cypher`` from the relationship table.

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


def render(template: str | None = None) -> str:
    """The whole load statement: deletes of each stamped type, node merges, then each relationship set."""
    parts = sections(template if template is not None else TEMPLATE.read_text(encoding="utf-8"))
    out = [parts["header"]]
    step = 0

    def emit(section: str, **values: str) -> None:
        nonlocal step
        step += 1
        text = parts[section].replace("@N@", str(step))
        for key, value in values.items():
            text = text.replace(f"@{key}@", value)
        out.append(text)

    seen: set[str] = set()
    for rel in RELATIONSHIPS:
        if rel.type not in seen:
            seen.add(rel.type)
            emit(f"delete {_delete_rule(rel)}", TYPE=rel.type, START=rel.start, END=rel.end)
    for label in NODE_LABELS:
        emit("node", NAME=label.lower(), LABEL=label)
    emit("structural", NAME="version_of", TYPE=VERSION_OF[0], START=VERSION_OF[1], END=VERSION_OF[2])
    for rel in RELATIONSHIPS:
        emit(f"create {rel.merge}", NAME=rel.name, TYPE=rel.type, START=rel.start, END=rel.end)
    out.append(parts["footer"].replace("@N@", str(step)))
    return "".join(out)


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


def _delete_rule(rel: RelationshipSet) -> str:
    """Which delete fragment removes a type's old edges: edges listing sources forget them, grouped RESOLVES
    rows are found through the SourceFile's ``resolves_for``, others by an index lookup on ``source``."""
    return rel.merge if rel.merge in (ONE_EDGE_LISTING_SOURCES, PER_SOURCE_GROUPED) else "per-source"


def main(argv: list[str] | None = None) -> int:
    """Write (or ``--check``) the committed load statement and counting query."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when a committed file is not the rendering")
    args = parser.parse_args(argv)
    rendered = ((TARGET, render()), (COUNT_TARGET, render_counts()))
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
