"""``depwave fix``: read the ingested files, make every step's patches, write them or apply them.

Read from the store (:func:`context`), then decide (:func:`make_fix`: pure but for reading the
checked-out files, each checked against the ``sha256`` it had when ingested), then write
(:func:`write_patches`, :func:`apply_patches`: temp file + rename, nothing half-written).

A step is all or nothing: if one of its changes cannot be made, none of them is kept and the step
is reported as an error. Steps are taken in wave order; when a later step changes a file an earlier
step changed, its patch is made against the earlier step's result and says so (``after``).
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
import shutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from loaders._maven_effective import is_pom_path
from planner import purl as purls
from planner.buildtools import relock_command
from planner.fix import editors, parents
from planner.fix.diff import unified
from planner.fix.model import BUMP, OVERRIDE_PROPERTY, Change, Edit, FixError, NeedsCommand
from planner.fix.steps import Command, FileChange, Pending, StepWork, followups, work
from planner.store.base import Store

SCHEMA = "depwave.fix/1"
MAX_BYTES = 64 * 1024 * 1024
_SLUG = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """An ingested file: where it was read from and its content hash then."""

    repo: str
    path: str
    root: str
    sha256: str


@dataclass(frozen=True, slots=True)
class Context:
    """What ``fix`` needs from the store: the plan's projects and the ingested files."""

    projects: Mapping[str, Mapping[str, Any]]
    files: Mapping[tuple[str, str], SourceInfo]
    poms: tuple[tuple[str, str], ...]


def context(store: Store, plan: Mapping[str, Any]) -> Context:
    """The projects of the plan's steps and every ingested file of their repositories (and every POM,
    for parents in other repositories)."""
    keys = sorted({str(m) for s in plan.get("steps") or [] for m in s.get("members") or []})
    projects = {row["key"]: row for row in store.query("get_projects", {"keys": keys})} if keys else {}
    repos = sorted({str(p["repo"]) for p in projects.values()})
    rows = store.query("list_source_files", {"repos": repos, "loaders": []}) if repos else []
    rows += store.query("list_source_files", {"repos": [], "loaders": ["maven-pom"]})
    files = {(r["repo"], r["path"]): SourceInfo(r["repo"], r["path"], r["root"] or "", r["sha256"] or "") for r in rows}
    poms = tuple(sorted((r["repo"], r["path"]) for r in rows if is_pom_path(r["path"])))
    return Context(projects, files, poms)


class Checkouts:
    """Reads ingested files from their checkouts (``ROOT/<repo>/`` when given, else where they were
    ingested), refusing any whose sha256 differs from the ingested one."""

    def __init__(self, files: Mapping[tuple[str, str], SourceInfo], root: Path | None = None) -> None:
        self.files = files
        self.root = root
        self._texts: dict[tuple[str, str], str] = {}

    def location(self, repo: str, path: str) -> Path:
        """Where the file is (or would be) on this machine."""
        info = self.files.get((repo, path))
        base = self.root / repo if self.root is not None else Path(info.root if info else "")
        return base / path

    def read(self, repo: str, path: str) -> str:
        """The file's text as ingested; a :class:`FixError` when it is not."""
        key = (repo, path)
        if key in self._texts:
            return self._texts[key]
        where = f"{repo}/{path}"
        info = self.files.get(key)
        if info is None:
            raise FixError(where, None, "this file was never ingested: depwave only edits files it has read")
        file = self.location(repo, path)
        if not file.is_file():
            raise FixError(where, None, f"missing checkout: {file} does not exist")
        if file.stat().st_size > MAX_BYTES:
            raise FixError(where, None, f"{file} is larger than {MAX_BYTES // (1024 * 1024)} MiB")
        data = file.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if digest != info.sha256:
            raise FixError(
                where,
                None,
                f"{file} changed since it was ingested (sha256 {digest[:12]}…, ingested {info.sha256[:12]}…): "
                "re-ingest and plan again, or check out the ingested revision",
            )
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise FixError(where, None, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
        self._texts[key] = text
        return text

    def try_read(self, repo: str, path: str) -> str | None:
        """Like :meth:`read`, None instead of an error (for following parents)."""
        try:
            return self.read(repo, path)
        except FixError:
            return None


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


# ------------------------------------------------------------------------------------------ making


def make_fix(
    plan: Mapping[str, Any], ctx: Context, checkouts: Checkouts, releases: Mapping[str, str] | None = None
) -> FixResult:
    """Every step's changes made against the ingested files (in wave order, composed per file)."""
    result = FixResult({k: (plan.get("target") or {}).get(k) for k in ("package", "fixed_version", "advisories")})
    state = _State(checkouts, ctx)
    for w in work(plan, ctx.projects, releases):
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

    def text(self, repo: str, path: str) -> str:
        key = (repo, path)
        return self.texts[key] if key in self.texts else self.checkouts.read(repo, path)


def _make_step(w: StepWork, state: _State, result: FixResult) -> None:
    step = w.step
    staged: dict[tuple[str, str], str] = {}
    moved: dict[tuple[str, str], tuple[str, str]] = {}  # file -> (package, version) it now sets
    records: list[ChangeRecord] = []
    commands: list[Command] = []
    errors: list[str] = []
    absent: dict[str, list[str]] = {}  # member -> optional packages it does not declare
    for fc in w.changes:
        try:
            fc, edit, note = _edit(fc, state, staged)
        except NeedsCommand as exc:
            name = _display(fc.change.package)
            command = relock_command(fc.tool, name, fc.change.target)
            commands.append(
                Command(
                    w.id, fc.repo, posixpath.dirname(fc.change.path) or ".", command, (fc.change.path,), str(exc.reason)
                )
            )
            continue
        except FixError as exc:
            if fc.optional:
                absent.setdefault(fc.project, []).append(_display(fc.change.package))
                continue
            errors.append(f"{fc.repo}/{exc}" if not str(exc).startswith(f"{fc.repo}/") else str(exc))
            continue
        key = (fc.repo, fc.change.path)
        by = w.id if key in staged else (state.changed_by.get(key) or [None])[-1]
        status = "changed" if edit.changed else ("covered" if by else "unchanged")
        if edit.changed:
            staged[key] = edit.text
            moved[key] = (fc.change.package, fc.change.target)
        notes = tuple(n for n in (fc.note, note) if n) + edit.notes
        if status == "covered":
            notes = (f"already written by {by}", *notes)
        records.append(_record(step, fc, edit, status, notes))
    for project, names in absent.items():
        if not any(r.project == project for r in records):
            fc = next(c for c in w.changes if c.project == project)
            errors.append(
                f"{fc.repo}/{fc.change.path}:0: {project} declares none of {', '.join(names)} with a version "
                "of its own: edit it by hand"
            )
    if errors:
        result.errors.extend(errors)
        return
    by_repo: dict[str, Patch] = {}
    for (repo, path), new in staged.items():
        old = state.text(repo, path)
        patch = by_repo.setdefault(
            repo, Patch(w.id, int(step.get("wave") or 0), str(step.get("kind")), str(step.get("name") or ""), repo, {})
        )
        patch.files[path] = (old, new)
        earlier = state.changed_by.setdefault((repo, path), [])
        patch.after = tuple(dict.fromkeys([*patch.after, *earlier]))
        earlier.append(w.id)
        state.texts[(repo, path)] = new
        for c in followups(repo, path, *moved[(repo, path)], set(state.ctx.files)):
            commands.append(Command(w.id, c.repo, c.directory, c.command, c.rewrites, c.why))
    result.records.extend(records)
    result.patches.extend(by_repo[r] for r in sorted(by_repo))
    result.commands.extend(dict.fromkeys(commands))


def _edit(fc: FileChange, state: _State, staged: dict[tuple[str, str], str]) -> tuple[FileChange, Edit, str | None]:
    """Make one change; a POM version a parent in another repository sets becomes an override of
    that property in the member's own POM."""
    key = (fc.repo, fc.change.path)
    try:
        text = staged.get(key) or state.text(*key)
        return fc, editors.edit(text, fc.change, fc.tool), None
    except FixError as first:
        change = fc.change
        if not (is_pom_path(change.path) and change.action == BUMP and change.line):
            raise
        project = state.ctx.projects.get(fc.project) or {}
        manifest = str(project.get("manifest") or "")
        found = parents.property_source(
            fc.repo, manifest, change.path, change.line, state.ctx.poms, state.checkouts.try_read
        )
        if found is None or found[0] == fc.repo or not manifest:
            raise first from None
        parent_repo, parent_path, prop = found
        moved = Change(
            manifest, change.package, change.target, OVERRIDE_PROPERTY, change.current, None, prop, change.because
        )
        fc = FileChange(fc.step, fc.repo, fc.project, moved, fc.tool)
        key = (fc.repo, manifest)
        edit = editors.edit(staged.get(key) or state.text(*key), moved, fc.tool)
        note = (
            f"{prop} is set by the parent POM {parent_repo}/{parent_path}:{change.line}; this POM overrides it "
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
        if purl.type != "maven" or not parents.same_reactor(
            str(project["repo"]), manifest, purl.namespace or "", purl.name, state.ctx.poms, state.checkouts.try_read
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


# ----------------------------------------------------------------------------------------- writing


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
    """Write each changed file into its checkout, step by step; a step's files are all checked
    (against their ingested hashes, when first read) before any is written."""
    for p in result.patches:
        for path, (_old, new) in sorted(p.files.items()):
            _atomic_write(checkouts.location(p.repo, path), new.encode("utf-8"))
        p.applied = True


def _atomic_write(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        if target.exists():
            shutil.copymode(target, tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
