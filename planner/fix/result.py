"""What ``depwave fix`` made: change records, patches per step and repository, commands, pending
steps and errors (JSON schema ``depwave.fix/1``); writing the patches and applying them."""

from __future__ import annotations

import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planner.fix.checkouts import Checkouts
from planner.fix.diff import unified
from planner.fix.steps import Command, Pending
from planner.output_file import write_bytes_atomically

SCHEMA = "depwave.fix/1"


@dataclass(slots=True)
class ChangeRecord:
    """One change made (or found made) in one file, for the JSON and the text output."""

    step: str
    wave: int
    repo: str
    project: str
    file: str
    line: int
    mechanism: str
    package: str
    before: str | None  # the version the plan says is there
    after: str
    written_before: str | None  # the text replaced (a version, a range, a requirement)
    written_after: str
    status: str  # changed | covered (an earlier change already wrote it) | unchanged (already there)
    notes: tuple[str, ...] = ()
    patch: str | None = None  # file name of the patch it is in, relative to --out


@dataclass(slots=True)
class Patch:
    """The diff of one step in one repository."""

    step: str
    wave: int
    kind: str
    name: str
    repo: str
    files: dict[str, tuple[str, str]]  # path -> (text before this step, text after)
    after: tuple[str, ...] = ()  # earlier steps whose patches must be applied first
    file_name: str = ""
    written: str | None = None
    applied: bool = False

    @property
    def diff(self) -> str:
        """The unified diff of every file, in path order."""
        return "".join(unified(p, old, new) for p, (old, new) in sorted(self.files.items()))


@dataclass(slots=True)
class FixResult:
    """Every patch, command, pending step and error of one ``fix`` run."""

    target: Mapping[str, Any]
    records: list[ChangeRecord] = field(default_factory=list)
    patches: list[Patch] = field(default_factory=list)
    commands: list[Command] = field(default_factory=list)
    pending: list[Pending] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    waves: dict[str, int] = field(default_factory=dict)  # step id -> wave

    def as_dict(self) -> dict[str, Any]:
        """JSON form (schema ``depwave.fix/1``)."""
        return {
            "schema": SCHEMA,
            "status": "completed-with-errors" if self.errors else "ok",
            "target": dict(self.target),
            "patches": [_record_dict(r) for r in self.records],
            "files": [
                {
                    "step": p.step,
                    "repo": p.repo,
                    "patch": p.file_name,
                    "written": p.written,
                    "applied": p.applied,
                    "after": list(p.after),
                    "diff": p.diff,
                }
                for p in self.patches
            ],
            "commands": [
                {
                    "step": c.step,
                    "repo": c.repo,
                    "directory": c.directory,
                    "command": c.command,
                    "rewrites": list(c.rewrites),
                    "why": c.why,
                }
                for c in self.commands
            ],
            "pending": [{"step": p.step, "repo": p.repo, "reason": p.reason} for p in self.pending],
            "errors": list(self.errors),
        }


def _record_dict(r: ChangeRecord) -> dict[str, Any]:
    return {
        "step": r.step,
        "wave": r.wave,
        "repo": r.repo,
        "project": r.project,
        "file": r.file,
        "line": r.line,
        "mechanism": r.mechanism,
        "package": r.package,
        "before": r.before,
        "after": r.after,
        "written_before": r.written_before,
        "written_after": r.written_after,
        "status": r.status,
        "notes": list(r.notes),
        "patch": r.patch,
    }


def write_patches(result: FixResult, out: Path, document: Callable[[], str]) -> None:
    """One patch file per step and repository under ``out`` (``<repo>/<wave>-<kind>-<name>.patch``)
    and ``fix.json`` (``document()``, rendered once the patches are written); each written to a temp
    file and renamed."""
    for p in result.patches:
        target = out / p.file_name
        _atomic_write(target, p.diff.encode("utf-8"))
        p.written = str(target)
    _atomic_write(out / "fix.json", document().encode("utf-8"))


def apply_patches(result: FixResult, checkouts: Checkouts) -> None:
    """Write each changed file into its checkout, one step at a time and each step whole or not at all.

    Before a step writes anything, every file it changes must still hold the text its patch was made
    against and be writable; a step that comes after one not applied is not applied either. When a
    write fails part-way, the files the step had written get their old content back. Each step not
    applied is one ``path:0: reason`` error."""
    skipped: set[str] = set()
    for step, patches in _by_step(result.patches):
        problem = _refusal(step, patches, checkouts, skipped) or _write_step(step, patches, checkouts)
        if problem is not None:
            result.errors.append(problem)
            skipped.add(step)
            continue
        for p in patches:
            p.applied = True


def _by_step(patches: list[Patch]) -> list[tuple[str, list[Patch]]]:
    grouped: dict[str, list[Patch]] = {}
    for p in patches:
        grouped.setdefault(p.step, []).append(p)
    return list(grouped.items())


def _files(patches: list[Patch]) -> list[tuple[str, str, str, str]]:
    return [(p.repo, path, old, new) for p in patches for path, (old, new) in sorted(p.files.items())]


def _refusal(step: str, patches: list[Patch], checkouts: Checkouts, skipped: set[str]) -> str | None:
    """Why the step cannot be applied, before anything is written (None when it can)."""
    for p in patches:
        waits = [a for a in p.after if a in skipped]
        if waits:
            where = f"{p.repo}/{sorted(p.files)[0]}"
            return f"{where}:0: step {step} was not applied: it changes what {waits[0]} changes, which was not applied"
    for repo, path, old, _new in _files(patches):
        file = checkouts.location(repo, path)
        reason = _unwritable(file, old)
        if reason is not None:
            return f"{repo}/{path}:0: {file} {reason}: step {step} was not applied (none of its files changed)"
    return None


def _unwritable(file: Path, old: str) -> str | None:
    """Why ``file`` cannot take its patch: missing, read-only (by its mode, which root ignores), or no
    longer the text the patch was made against."""
    if not file.is_file():
        return "does not exist"
    if not file.stat().st_mode & stat.S_IWUSR:
        return "is read-only"
    try:
        if file.read_bytes() != old.encode("utf-8"):
            return "changed since the patch was made"
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    return None


def _write_step(step: str, patches: list[Patch], checkouts: Checkouts) -> str | None:
    """Write the step's files; on a failure restore those written and say why."""
    written: list[tuple[Path, str]] = []
    for repo, path, old, new in _files(patches):
        file = checkouts.location(repo, path)
        try:
            _atomic_write(file, new.encode("utf-8"))
        except OSError as exc:
            for done, text in reversed(written):
                _atomic_write(done, text.encode("utf-8"))
            return (
                f"{repo}/{path}:0: cannot write {file}: {exc.strerror or exc}: step {step} was not applied "
                "(the files it had written were restored)"
            )
        written.append((file, old))
    return None


def _atomic_write(target: Path, data: bytes) -> None:
    # a link in a checkout came from the repository: replaced, never followed out of it
    write_bytes_atomically(target, data, follow_links=False)
