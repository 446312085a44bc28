"""``depwave fix`` output: JSON (``depwave.fix/1``) for scripts, a wave-by-wave summary with the
diffs for people."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Mapping

import click
from rich.cells import cell_len, set_cell_size

from planner.fix.result import FixResult, Patch
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
    t = result.target
    advisories = ", ".join(t.get("advisories") or []) or "no advisory"
    out = _wrap(f"fix: {t.get('package')} -> {t.get('fixed_version')} ({advisories})", width, 6)
    cut = 0
    steps = {r.step for r in result.records} | {c.step for c in result.commands}
    for step in sorted(steps, key=lambda s: (_wave(result, s), s)):
        lines, step_cut = _step_lines(result, step, labels.get(step, step), show_diffs, width, cut_at)
        out += ["", *lines]
        cut += step_cut
    out += _pending_and_errors(result, labels, width)
    out += _totals(result, cut, width)
    return "\n".join(out) + "\n"


def _step_lines(
    result: FixResult, step: str, label: str, show_diffs: bool, width: int, cut_at: int | None
) -> tuple[list[str], int]:
    """One step's lines (its changes, its patch with the diff, its commands) and how many diff lines were cut."""
    out = _wrap(f"wave {_wave(result, step)}  {label}", width, 6)
    for r in (r for r in result.records if r.step == step):
        before = r.written_before if r.written_before is not None else "(added)"
        out += _wrap(
            f"  {r.repo}/{r.file}:{r.line}  {r.mechanism}  {before} -> {r.written_after}  [{r.status}]", width, 6
        )
        for n in r.notes:
            out += _wrap(f"    note: {n}", width, 10)
    cut = 0
    for p in (p for p in result.patches if p.step == step):
        lines, patch_cut = _patch_lines(p, show_diffs, width, cut_at)
        out += lines
        cut += patch_cut
    for c in (c for c in result.commands if c.step == step):
        rewrites = f" (rewrites {', '.join(c.rewrites)})" if c.rewrites else ""
        out += _wrap(f"  run in {c.repo}/{c.directory}: {c.command}{rewrites}  [{c.why}]", width, 6)
    return out, cut


def _patch_lines(p: Patch, show_diffs: bool, width: int, cut_at: int | None) -> tuple[list[str], int]:
    """A patch's state line and its diff (each line cut to ``cut_at`` cells when set), and how many were cut."""
    state = "applied" if p.applied else (f"written to {p.written}" if p.written else "not written")
    after = f" (after {', '.join(p.after)})" if p.after else ""
    out = _wrap(f"  patch {p.file_name}: {state}{after}", width, 6)
    cut = 0
    if show_diffs:
        for line in p.diff.rstrip("\n").split("\n"):
            whole = "    " + line
            shown = _cut(whole, cut_at) if cut_at else whole
            out.append(shown)
            cut += shown != whole
    return out, cut


def _pending_and_errors(result: FixResult, labels: Mapping[str, str], width: int) -> list[str]:
    """The steps left pending (and why) and the errors, each under its heading when there are any."""
    out: list[str] = []
    if result.pending:
        out += ["", "pending:"]
        for p in result.pending:
            out += _wrap(f"  {labels.get(p.step, p.step)}: {p.reason}", width, 6)
    if result.errors:
        out += ["", "errors:"]
        for e in result.errors:
            out += _wrap(f"  {e}", width, 4)
    return out


def _totals(result: FixResult, cut: int, width: int) -> list[str]:
    """The closing count of patches, commands, pending steps and errors, and a note when diff lines were cut."""
    repos = {p.repo for p in result.patches}
    out = [""]
    out += _wrap(
        f"{len(result.patches)} patches in {len(repos)} repositories, {len(result.commands)} commands, "
        f"{len(result.pending)} pending, {len(result.errors)} errors",
        width,
        6,
    )
    if cut:
        out += _wrap(
            f"({cut} diff line(s) cut at {width} columns (…): the patches are whole with --out DIR, "
            "--apply ROOT or --format json)",
            width,
            1,
        )
    return out


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
