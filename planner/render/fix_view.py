"""``depwave fix`` output: JSON (``depwave.fix/1``) for scripts, a wave-by-wave summary with the
diffs for people."""

from __future__ import annotations

import json
import textwrap
from collections import defaultdict
from collections.abc import Mapping

import click
from rich.cells import cell_len, set_cell_size

from planner.fix.result import FixResult
from planner.render.layout import known_width, terminal_width


def to_json(result: FixResult) -> str:
    """Stable JSON text."""
    return json.dumps(result.as_dict(), indent=2, ensure_ascii=False) + "\n"


def text(
    result: FixResult, show_diffs: bool = True, labels: Mapping[str, str] | None = None, width: int | None = None
) -> str:
    """The summary: per step its changes, patch, commands; then what is pending and what failed.

    Steps are named by ``labels`` (step id -> human label, from the plan) when given; lines are wrapped to
    ``width`` (the terminal's by default) except the diffs, which are the files' own lines."""
    cut_at = width or known_width()  # a file's own lines are cut only for a terminal (or COLUMNS), never in a pipe
    width = width or terminal_width()
    labels = labels or {}
    out: list[str] = []
    cut = 0

    def add(line: str, indent: int = 6) -> None:
        out.extend(_wrap(line, width, indent))

    t = result.target
    add(
        f"fix: {t.get('package')} -> {t.get('fixed_version')} ({', '.join(t.get('advisories') or []) or 'no advisory'})"
    )
    by_step: dict[str, list] = defaultdict(list)
    for r in result.records:
        by_step[r.step].append(r)
    commands: dict[str, list] = defaultdict(list)
    for c in result.commands:
        commands[c.step].append(c)
    steps = sorted({*by_step, *commands}, key=lambda s: (_wave(result, s), s))
    for step in steps:
        out.append("")
        add(f"wave {_wave(result, step)}  {labels.get(step, step)}")
        for r in by_step.get(step, []):
            before = r.written_before if r.written_before is not None else "(added)"
            add(f"  {r.repo}/{r.file}:{r.line}  {r.mechanism}  {before} -> {r.written_after}  [{r.status}]")
            for n in r.notes:
                add(f"    note: {n}", 10)
        for p in (p for p in result.patches if p.step == step):
            state = "applied" if p.applied else (f"written to {p.written}" if p.written else "not written")
            after = f" (after {', '.join(p.after)})" if p.after else ""
            add(f"  patch {p.file_name}: {state}{after}")
            if show_diffs:
                for line in p.diff.rstrip("\n").split("\n"):
                    out.append(_cut("    " + line, cut_at) if cut_at else "    " + line)
                    cut += out[-1] != "    " + line
        for c in commands.get(step, []):
            rewrites = f" (rewrites {', '.join(c.rewrites)})" if c.rewrites else ""
            add(f"  run in {c.repo}/{c.directory}: {c.command}{rewrites}  [{c.why}]")
    if result.pending:
        out.append("")
        out.append("pending:")
        for p in result.pending:
            add(f"  {labels.get(p.step, p.step)}: {p.reason}")
    if result.errors:
        out.append("")
        out.append("errors:")
        for e in result.errors:
            add(f"  {e}", 4)
    repos = {p.repo for p in result.patches}
    out.append("")
    add(
        f"{len(result.patches)} patches in {len(repos)} repositories, {len(result.commands)} commands, "
        f"{len(result.pending)} pending, {len(result.errors)} errors"
    )
    if cut:
        add(
            f"({cut} diff line(s) cut at {width} columns (…): the patches are whole with --out DIR, "
            "--apply ROOT or --format json)",
            1,
        )
    return "\n".join(out) + "\n"


def show(result: FixResult, fmt: str, show_diffs: bool = True, labels: Mapping[str, str] | None = None) -> None:
    """Print the result (steps named by ``labels``: step id -> label)."""
    click.echo(to_json(result) if fmt == "json" else text(result, show_diffs, labels), nl=False)


def _wrap(line: str, width: int, indent: int) -> list[str]:
    if len(line) <= width:
        return [line]
    body = line.lstrip(" ")
    lead = line[: len(line) - len(body)]
    return textwrap.wrap(
        body, width, initial_indent=lead, subsequent_indent=" " * indent, break_long_words=True, break_on_hyphens=False
    )


def _cut(line: str, width: int) -> str:
    """A file's own line, cut to ``width`` cells with an ellipsis when longer (the patch itself is whole)."""
    if cell_len(line) <= width:
        return line
    return set_cell_size(line, width - 1) + "…"


def _wave(result: FixResult, step: str) -> int:
    return result.waves.get(step, 0)
