"""``depwave dependents`` output."""

from __future__ import annotations

from typing import TYPE_CHECKING

from planner.render import console, emit_json, path_text, short

if TYPE_CHECKING:  # the table's modules (and rich) are imported when a table is drawn, not for JSON
    from planner.dependents import Dependent, DependentsResult
    from planner.render.layout import Column

#: a project label (repo/artifact) longer than this has its repository cut in the middle
LABEL = 36


def columns(wide: bool) -> list[Column]:
    """The table's columns: with ``wide`` the full project name and its repository; otherwise a label."""
    from planner.render.layout import Column

    project = Column("project", wrap=False, shorten=36)
    head = [project, Column("repo", wrap=False)] if wide else [project]
    return [
        *head,
        Column("relation", drop=5, wrap=False),
        Column("scope", drop=4, wrap=False),
        Column("depth", wrap=False, justify="right"),
        Column("versions", drop=2, shorten=24),
        Column("where", wrap=False, shorten=36),
        Column("path" if wide else "via", drop=3),
    ]


def row(d: Dependent, wide: bool) -> list[object]:
    """One dependent's cells, in the order of :func:`columns`."""
    from planner.render.labels import project_label

    head: list[object] = [d.name, d.repo] if wide else [project_label(d.name, d.repo, LABEL)]
    versions = ", ".join(d.versions) or d.declared or ""
    path = path_text((h.key for h in d.path), wide) if wide else via_text([h.key for h in d.path])
    return [*head, d.relation, d.scope, d.depth, versions, d.location, path]


def via_text(keys: list[str]) -> str:
    """What lies between a dependent and the package on its path, by short name: ``-`` when it uses the
    package itself, ``platform-web → … → logging-core`` when more than two hops lie between (the whole
    path is in ``--wide``, every path in ``depwave why``)."""
    names = path_text(keys, False).split(" → ")[1:-1]
    if not names:
        return "-"
    if len(names) > 2:
        names = [names[0], "…", names[-1]]
    return " → ".join(names)


def show(result: DependentsResult, fmt: str, wide: bool = False, depth: int | None = None) -> None:
    """A table of dependents with their paths, or the JSON document (``depth``: the ``--depth`` asked)."""
    if fmt == "json":
        emit_json(result.as_dict())
        return
    out = console(wide=wide)
    if not result.found:
        out.print(f"{result.target} is not in the graph (nothing ingested mentions it)", markup=False)
        return
    out.print(f"{len(result.dependents)} project(s) depend on {short(result.target)}", markup=False)
    if depth is not None:
        out.print(
            f"(--depth {depth}: chains through at most {depth} project(s); a project whose own lockfile or SBOM "
            "holds the package is one, at any depth column: that column counts dependency edges)",
            markup=False,
        )
    from planner.render.layout import print_table

    rows = [row(d, wide) for d in result.dependents]
    print_table(out, columns(wide), rows, wide, more="`depwave why PROJECT PURL` shows every path")
