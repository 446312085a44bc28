"""``depwave services`` output: the one table style, sized to the terminal, newline-terminated."""

from __future__ import annotations

import io

from rich.console import Console

from planner import environments
from planner.render import console
from planner.render.layout import WIDE_WIDTH, Column, print_table, terminal_width
from planner.services import ServicesResult


def columns(wide: bool) -> list[Column]:
    """Service, image, what builds it (the project keys with ``wide``, their repositories otherwise), owners."""
    return [
        Column("service", wrap=False, shorten=40),
        Column("image", wrap=False, shorten=48),
        Column("project" if wide else "built in", shorten=None if wide else 32),
        Column("owners", drop=1),
    ]


def rows(result: ServicesResult, wide: bool) -> list[list[str]]:
    """One row per (service, image); a service with no image gets one row with ``-``."""
    out = []
    for s in result.services:
        owners = ", ".join(s.owners) or "-"
        for i in s.images or [None]:
            if i is None:
                out.append([s.key, "-", "UNTRACEABLE", owners])
                continue
            refs = list(dict.fromkeys(p.key if wide else (p.repo or p.key) for p in i.projects))
            out.append([s.key, i.key, ", ".join(refs) or "UNTRACEABLE", owners])
    return out


def text(result: ServicesResult, width: int | None = None, wide: bool = False) -> str:
    """The table and its notes as text (newline-terminated), at ``width`` columns (the terminal's by default)."""
    if not result.services:
        where = f" in {result.environment}" if result.environment else ""
        return (
            f"no deployed services{where} in the graph (ingest Kubernetes, Kustomize, Helm, Skaffold or Compose "
            "files, or a kubectl dump)\n"
        )
    buf = io.StringIO()
    out = Console(file=buf, width=WIDE_WIDTH if wide else (width or terminal_width()), highlight=False, soft_wrap=wide)
    print_table(out, columns(wide), rows(result, wide), wide)
    unknown = [s.key for s in result.services if not environments.is_known(s.environment)]
    if result.environment and unknown:
        out.print()
        out.print(f"environment unknown (they may run in {result.environment}): " + ", ".join(unknown), markup=False)
    if result.untraceable:
        out.print()
        out.print(
            "untraceable (no project builds their images): " + ", ".join(s.key for s in result.untraceable),
            markup=False,
        )
    body = buf.getvalue()
    return body if body.endswith("\n") else body + "\n"


def show(result: ServicesResult, wide: bool = False) -> None:
    """Print :func:`text` at the terminal's width."""
    out = console(wide=wide)
    out.file.write(text(result, out.width, wide))
