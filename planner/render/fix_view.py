"""``depwave fix`` output: JSON (``depwave.fix/1``) for scripts, a wave-by-wave summary with the
diffs for people."""

from __future__ import annotations

import json
from collections import defaultdict

import click

from planner.fix.result import FixResult


def to_json(result: FixResult) -> str:
    """Stable JSON text."""
    return json.dumps(result.as_dict(), indent=2, ensure_ascii=False) + "\n"


def text(result: FixResult, show_diffs: bool = True) -> str:
    """The summary: per step its changes, patch, commands; then what is pending and what failed."""
    t = result.target
    out = [
        f"fix: {t.get('package')} -> {t.get('fixed_version')} ({', '.join(t.get('advisories') or []) or 'no advisory'})"
    ]
    by_step: dict[str, list] = defaultdict(list)
    for r in result.records:
        by_step[r.step].append(r)
    commands: dict[str, list] = defaultdict(list)
    for c in result.commands:
        commands[c.step].append(c)
    steps = sorted({*by_step, *commands}, key=lambda s: (_wave(result, s), s))
    for step in steps:
        out.append("")
        out.append(f"wave {_wave(result, step)}  {step}")
        for r in by_step.get(step, []):
            before = r.written_before if r.written_before is not None else "(added)"
            out.append(f"  {r.repo}/{r.file}:{r.line}  {r.mechanism}  {before} -> {r.written_after}  [{r.status}]")
            out.extend(f"    note: {n}" for n in r.notes)
        for p in (p for p in result.patches if p.step == step):
            state = "applied" if p.applied else (f"written to {p.written}" if p.written else "not written")
            after = f" (after {', '.join(p.after)})" if p.after else ""
            out.append(f"  patch {p.file_name}: {state}{after}")
            if show_diffs:
                out.extend("    " + line for line in p.diff.rstrip("\n").split("\n"))
        for c in commands.get(step, []):
            rewrites = f" (rewrites {', '.join(c.rewrites)})" if c.rewrites else ""
            out.append(f"  run in {c.repo}/{c.directory}: {c.command}{rewrites}  [{c.why}]")
    if result.pending:
        out.append("")
        out.append("pending:")
        out.extend(f"  {p.step}: {p.reason}" for p in result.pending)
    if result.errors:
        out.append("")
        out.append("errors:")
        out.extend(f"  {e}" for e in result.errors)
    repos = {p.repo for p in result.patches}
    out.append("")
    out.append(
        f"{len(result.patches)} patches in {len(repos)} repositories, {len(result.commands)} commands, "
        f"{len(result.pending)} pending, {len(result.errors)} errors"
    )
    return "\n".join(out) + "\n"


def show(result: FixResult, fmt: str, show_diffs: bool = True) -> None:
    """Print the result."""
    click.echo(to_json(result) if fmt == "json" else text(result, show_diffs), nl=False)


def _wave(result: FixResult, step: str) -> int:
    return result.waves.get(step, 0)
