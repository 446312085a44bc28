"""``depwave fix``: every step's changes, made against the ingested files.

Read from the store (:func:`planner.fix.checkouts.context`), then decide (:func:`make_fix`: pure but
for reading the checked-out files, each checked against the ``sha256`` it had when ingested), then
write (:mod:`planner.fix.result`: temp file + rename, nothing half-written).

A step is all or nothing: if one of its changes cannot be made, none of them is kept and the step
is reported as an error. Steps are taken in wave order; when a later step changes a file an earlier
step changed, its patch is made against the earlier step's result and says so (``after``).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from loaders.maven._effective import is_pom_path
from planner import purl as purls
from planner.buildtools import relock_command
from planner.fix import editors, parents
from planner.fix.checkouts import CheckoutError, Checkouts, Context
from planner.fix.model import BUMP, OVERRIDE_PROPERTY, Change, Edit, FixError, NeedsCommand
from planner.fix.result import ChangeRecord, FixResult, Patch
from planner.fix.steps import Command, FileChange, Pending, StepWork, followups, work

_SLUG = re.compile(r"[^A-Za-z0-9._-]+")


def make_fix(
    plan: Mapping[str, Any], ctx: Context, checkouts: Checkouts, releases: Mapping[str, str] | None = None
) -> FixResult:
    """Every step's changes made against the ingested files (in wave order, composed per file)."""
    result = FixResult({k: (plan.get("target") or {}).get(k) for k in ("package", "fixed_version", "advisories")})
    state = _State(checkouts, ctx)
    for w in work(plan, ctx.projects, releases, ctx.files.keys()):
        result.waves[w.id] = int(w.step.get("wave") or 0)
        for p in w.pending:
            moved = _moves_with_its_reactor(p, w, state)
            if moved is not None:
                result.records.append(moved)
            else:
                result.pending.append(p)
        result.commands.extend(w.commands)
        if w.errors:
            result.errors.extend(w.errors)
            continue
        _make_step(w, state, result)
    _name_patches(result.patches)
    for r in result.records:
        r.patch = next((p.file_name for p in result.patches if p.step == r.step and p.repo == r.repo), None)
    return result


class _State:
    """The text of every file as the steps so far leave it, and which step last changed each."""

    def __init__(self, checkouts: Checkouts, ctx: Context) -> None:
        self.checkouts = checkouts
        self.ctx = ctx
        self.texts: dict[tuple[str, str], str] = {}
        self.changed_by: dict[tuple[str, str], list[str]] = {}
        self.parents = parents.ParentChains(ctx.poms, checkouts.try_read)  # reads POMs only when asked

    def text(self, repo: str, path: str) -> str:
        key = (repo, path)
        return self.texts[key] if key in self.texts else self.checkouts.read(repo, path)


@dataclass(slots=True)
class _Draft:
    """One step's changes before they are kept: the texts staged per file, records, commands, errors."""

    staged: dict[tuple[str, str], str] = field(default_factory=dict)
    moved: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)  # file -> (package, version)
    records: list[ChangeRecord] = field(default_factory=list)
    commands: list[Command] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    absent: dict[str, list[str]] = field(default_factory=dict)  # member -> optional packages it does not declare


def _make_step(w: StepWork, state: _State, result: FixResult) -> None:
    draft = _Draft()
    for fc in w.changes:
        _make_change(w, fc, state, draft)
    for project, names in draft.absent.items():
        if not any(r.project == project for r in draft.records):
            fc = next(c for c in w.changes if c.project == project)
            draft.errors.append(
                f"{fc.repo}/{fc.change.path}:0: {project} declares none of {', '.join(names)} with a version "
                "of its own: edit it by hand"
            )
    if draft.errors:
        result.errors.extend(dict.fromkeys(draft.errors))  # two packages in one unreadable file: one message
        return
    _keep(w, state, draft, result)


def _make_change(w: StepWork, fc: FileChange, state: _State, draft: _Draft) -> None:
    try:
        fc, edit, note = _edit(fc, state, draft.staged)
    except NeedsCommand as exc:
        command = relock_command(fc.tool, _display(fc.change.package), fc.change.target)
        directory = posixpath.dirname(fc.change.path) or "."
        draft.commands.append(Command(w.id, fc.repo, directory, command, (fc.change.path,), str(exc.reason)))
        return
    except FixError as exc:
        if fc.optional and not isinstance(exc, CheckoutError):  # a file not as ingested is never "not declared"
            draft.absent.setdefault(fc.project, []).append(_display(fc.change.package))
            return
        draft.errors.append(f"{fc.repo}/{exc}" if not str(exc).startswith(f"{fc.repo}/") else str(exc))
        return
    key = (fc.repo, fc.change.path)
    by = w.id if key in draft.staged else (state.changed_by.get(key) or [None])[-1]
    status = "changed" if edit.changed else ("covered" if by else "unchanged")
    if edit.changed:
        draft.staged[key] = edit.text
        draft.moved[key] = (fc.change.package, fc.change.target)
    notes = tuple(n for n in (fc.note, note) if n) + edit.notes
    if status == "covered":
        notes = (f"already written by {by}", *notes)
    draft.records.append(_record(w.step, fc, edit, status, notes))


def _keep(w: StepWork, state: _State, draft: _Draft, result: FixResult) -> None:
    """The step's patches per repository (after the earlier steps' changes to the same files)."""
    by_repo: dict[str, Patch] = {}
    wave, kind, name = int(w.step.get("wave") or 0), str(w.step.get("kind")), str(w.step.get("name") or "")
    for (repo, path), new in draft.staged.items():
        patch = by_repo.setdefault(repo, Patch(w.id, wave, kind, name, repo, {}))
        patch.files[path] = (state.text(repo, path), new)
        earlier = state.changed_by.setdefault((repo, path), [])
        patch.after = tuple(dict.fromkeys([*patch.after, *earlier]))
        earlier.append(w.id)
        state.texts[(repo, path)] = new
        for c in followups(repo, path, *draft.moved[(repo, path)], set(state.ctx.files)):
            draft.commands.append(Command(w.id, c.repo, c.directory, c.command, c.rewrites, c.why))
    result.records.extend(draft.records)
    result.patches.extend(by_repo[r] for r in sorted(by_repo))
    result.commands.extend(dict.fromkeys(draft.commands))


def _edit(fc: FileChange, state: _State, staged: dict[tuple[str, str], str]) -> tuple[FileChange, Edit, str | None]:
    """Make one change; a POM version a parent in another repository sets becomes an override of
    that property in the member's own POM."""
    key = (fc.repo, fc.change.path)
    try:
        text = staged.get(key) or state.text(*key)
        return fc, editors.edit(text, fc.change, fc.tool), None
    except FixError as first:
        change = fc.change
        prop = change.property
        if not (is_pom_path(change.path) and change.action == BUMP and prop):
            raise
        project = state.ctx.projects.get(fc.project) or {}
        manifest = str(project.get("manifest") or "")
        found = state.parents.property_source(fc.repo, manifest, prop) if manifest else None
        if found is None or found[0] == fc.repo:
            raise first from None
        parent_repo, parent_path, parent_line = found
        moved = Change(
            manifest, change.package, change.target, OVERRIDE_PROPERTY, change.current, None, prop, change.because
        )
        fc = FileChange(fc.step, fc.repo, fc.project, moved, fc.tool)
        key = (fc.repo, manifest)
        edit = editors.edit(staged.get(key) or state.text(*key), moved, fc.tool)
        note = (
            f"{prop} is set by the parent POM {parent_repo}/{parent_path}:{parent_line}; this POM overrides it "
            f"until that parent releases {change.target}"
        )
        return fc, edit, note


def _moves_with_its_reactor(p: Pending, w: StepWork, state: _State) -> ChangeRecord | None:
    """A Maven module waiting for modules of its own reactor, at the reactor's version: the same build
    moves them; nothing to edit (a record saying so instead of a pending step)."""
    project = state.ctx.projects.get(p.project or "") or {}
    manifest = str(project.get("manifest") or "")
    if not p.packages or not is_pom_path(manifest):
        return None
    for package in p.packages:
        purl = purls.parse(package)
        if purl.type != "maven" or not state.parents.same_reactor(
            str(project["repo"]), manifest, purl.namespace or "", purl.name
        ):
            return None
    names = ", ".join(purls.parse(x).display_name for x in p.packages)
    return ChangeRecord(
        step=w.id,
        wave=int(w.step.get("wave") or 0),
        repo=str(project["repo"]),
        project=str(p.project),
        file=manifest,
        line=0,
        mechanism="reactor",
        package=p.packages[0],
        before=None,
        after=next((str(e.get("to")) for e in w.step.get("edits") or [] if e.get("project") == p.project), ""),
        written_before=None,
        written_after="",
        status="unchanged",
        notes=(f"{names} build in the same reactor at its own version: the reactor's build moves them",),
    )


def _record(step: Mapping[str, Any], fc: FileChange, edit: Edit, status: str, notes: tuple[str, ...]) -> ChangeRecord:
    return ChangeRecord(
        step=str(step["id"]),
        wave=int(step.get("wave") or 0),
        repo=fc.repo,
        project=fc.project,
        file=fc.change.path,
        line=edit.line,
        mechanism=edit.mechanism,
        package=fc.change.package,
        before=fc.change.current,
        after=fc.change.target,
        written_before=edit.before,
        written_after=edit.after,
        status=status,
        notes=notes,
    )


def _display(package: str) -> str:
    return purls.parse(package).display_name


def _name_patches(patches: list[Patch]) -> None:
    """``<repo>/<wave>-<kind>-<name>.patch``, unique per repository."""
    taken: set[str] = set()
    for p in patches:
        base = f"{p.repo}/{p.wave:02d}-{p.kind}-{_SLUG.sub('-', p.name).strip('-') or 'step'}"
        name, n = f"{base}.patch", 2
        while name in taken:
            name, n = f"{base}-{n}.patch", n + 1
        taken.add(name)
        p.file_name = name
