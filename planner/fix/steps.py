"""From a plan's steps (schema ``depwave.plan/1``) to what ``depwave fix`` does for each: file changes,
commands (lockfile-only fixes), and what waits for a person or for a release.

Pure: the caller gives the plan, the projects (repository and manifest of each member) and the
versions of internal releases (``--release``); nothing here reads a file or the store.
"""

from __future__ import annotations

import posixpath
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from planner import purl as purls
from planner.buildtools import compile_command, compiled_from, relock_command
from planner.ecosystems import LOCKFILES
from planner.fix.editors import editor_for
from planner.fix.model import BUMP, OVERRIDE, Change

#: build tools that pin with a command, not a manifest edit (Cargo cannot override a transitive crate)
_OVERRIDE_BY_COMMAND = frozenset({"cargo"})
_CHANGE_KINDS = ("edit", "relock")


@dataclass(frozen=True, slots=True)
class FileChange:
    """A change to make in one file of one repository, for one member of a step."""

    step: str
    repo: str
    project: str
    change: Change
    tool: str | None = None
    optional: bool = False  # one of several packages the member may declare (propagate): skipped when absent
    note: str | None = None  # why this change, when it is not what the plan's strategy says literally


@dataclass(frozen=True, slots=True)
class Command:
    """A command to run in a repository (depwave prints it, never runs it)."""

    step: str
    repo: str
    directory: str  # repo-relative, "." for the root
    command: str
    rewrites: tuple[str, ...]  # repo-relative files the command rewrites
    why: str


@dataclass(frozen=True, slots=True)
class Pending:
    """Something ``fix`` cannot turn into a patch, and why."""

    step: str
    repo: str | None
    reason: str
    project: str | None = None  # for a propagate step: the member waiting
    packages: tuple[str, ...] = ()  # ... and the providers it waits for


@dataclass(slots=True)
class StepWork:
    """Everything one plan step asks of ``fix``."""

    step: Mapping[str, Any]
    changes: list[FileChange] = field(default_factory=list)
    commands: list[Command] = field(default_factory=list)
    pending: list[Pending] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        """The step id."""
        return str(self.step["id"])


def work(
    plan: Mapping[str, Any],
    projects: Mapping[str, Mapping[str, Any]],
    releases: Mapping[str, str] | None = None,
    files: Collection[tuple[str, str]] = (),
) -> list[StepWork]:
    """What to do for each edit, relock and decide step of the plan, in wave order.

    ``projects`` maps project keys to ``{"repo", "manifest", ...}`` (``get_projects`` rows);
    ``releases`` maps internal packages (versionless purls) to the version their release got;
    ``files`` are the ingested ``(repo, path)`` (where a relock finds the lockfile it rewrites).
    """
    target = plan.get("target") or {}
    package = str(target.get("package") or "")
    because = tuple(target.get("advisories") or ())
    out = []
    for step in sorted(plan.get("steps") or [], key=lambda s: (s.get("wave", 0), s["id"])):
        kind = step.get("kind")
        if kind == "decide":
            out.append(StepWork(step, pending=[Pending(step["id"], step.get("repo"), step.get("change") or "")]))
            continue
        if kind not in _CHANGE_KINDS:
            continue
        w = StepWork(step)
        if step.get("phase") == "cleanup":
            w.pending.append(
                Pending(
                    step["id"],
                    step.get("repo"),
                    "clean-up step: re-ingest once the fix phase is merged, then fix again",
                )
            )
        else:
            for edit in _edits(step, plan):
                _member(w, edit, package, because, projects, releases or {}, frozenset(files))
        out.append(w)
    return out


def _edits(step: Mapping[str, Any], plan: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The step's per-member edits; a plan written before they existed gets them rebuilt from the
    step's own fields when it has one member."""
    if step.get("edits"):
        return list(step["edits"])
    members = step.get("members") or [step.get("project")]
    target = plan.get("target") or {}
    return [
        {
            "project": member,
            "strategy": step.get("strategy"),
            "mechanism": step.get("mechanism"),
            "location": step.get("location") if len(members) == 1 else None,  # joined: whose is whose?
            "to": (target.get("per_project") or {}).get(member, target.get("fixed_version")),
        }
        for member in members
    ]


def _member(
    w: StepWork,
    edit: Mapping[str, Any],
    package: str,
    because: tuple[str, ...],
    projects: Mapping[str, Mapping[str, Any]],
    releases: Mapping[str, str],
    files: frozenset[tuple[str, str]] = frozenset(),
) -> None:
    key = str(edit.get("project"))
    project = projects.get(key)
    if project is None:
        w.errors.append(f"{w.id}: project {key} is not in the graph (re-ingest, or re-plan)")
        return
    repo = str(project["repo"])
    strategy = edit.get("strategy")
    target = str(edit.get("to") or "")
    location = _location(edit.get("location"))
    tool = edit.get("tool")
    manifest = str(project.get("manifest") or "")
    if strategy in ("propagate", "relock") and posixpath.basename(manifest) == "go.mod":
        # Go builds with the highest version any require asks for (MVS): requiring the fix in the
        # module's own go.mod is the relock, and the override of a module some dependency brings in
        note = "Go builds the highest version any require asks for"
        w.changes.append(
            FileChange(w.id, repo, key, Change(manifest, package, target, OVERRIDE, because=because), "go", note=note)
        )
        if strategy == "propagate" and any(p in releases for p in edit.get("providers") or []):
            _propagate(w, edit, key, repo, projects, location, because, releases)
        return
    if strategy == "propagate":
        _propagate(w, edit, key, repo, projects, location, because, releases)
        return
    if strategy == "override" or (edit.get("mechanism") == "dependency-management" and edit.get("overrides")):
        if tool in _OVERRIDE_BY_COMMAND:
            name = purls.parse(package).display_name
            w.commands.append(_relock(w.id, repo, project, location, tool, name, target, "override", files))
            return
        path = _override_file(project, location)
        w.changes.append(FileChange(w.id, repo, key, Change(path, package, target, OVERRIDE, because=because), tool))
        return
    if location is None:
        w.errors.append(f"{w.id}: {key} has no location to edit (the plan could not tell where the version is set)")
        return
    path, line = location
    if strategy == "relock" or (editor_for(path) is None and posixpath.basename(path) in LOCKFILES):
        name = purls.parse(package).display_name
        w.commands.append(_relock(w.id, repo, project, location, tool, name, target, "relock", files))
        return
    change = Change(path, package, target, BUMP, edit.get("from"), line, edit.get("property"), because)
    w.changes.append(FileChange(w.id, repo, key, change, tool))


def _propagate(
    w: StepWork,
    edit: Mapping[str, Any],
    key: str,
    repo: str,
    projects: Mapping[str, Mapping[str, Any]],
    location: tuple[str, int | None] | None,
    because: tuple[str, ...],
    releases: Mapping[str, str],
) -> None:
    """Bump the member's dependencies on its providers (and, in a cycle, on the other members) to the
    versions their releases got (``--release``); each only where the member declares it."""
    providers = [str(p) for p in edit.get("providers") or []]
    own = _package(projects.get(key))
    partners = [p for m in w.step.get("members") or [] if (p := _package(projects.get(str(m)))) and p != own]
    candidates = list(dict.fromkeys(providers + partners))
    released = [p for p in candidates if p in releases]
    if not providers:  # a third-party library in between: its maintainers release the fix
        w.pending.append(Pending(w.id, repo, f"{key}: {w.step.get('change') or 'waits for a release upstream'}"))
        return
    if not any(p in releases for p in providers):
        names = ", ".join(purls.parse(p).display_name for p in providers)
        flags = " ".join(f"--release {p}=VERSION" for p in providers)
        reason = f"{key} waits for the release of {names}; then: depwave fix {flags}"
        w.pending.append(Pending(w.id, repo, reason, key, tuple(providers)))
        return
    path, line = location if location else (str((projects.get(key) or {}).get("manifest") or ""), None)
    for package in released:
        change = Change(
            path, package, releases[package], BUMP, line=line if len(candidates) == 1 else None, because=because
        )
        w.changes.append(FileChange(w.id, repo, key, change, edit.get("tool"), optional=True))


def _package(project: Mapping[str, Any] | None) -> str | None:
    """The versionless purl a project publishes (from its own coordinates), if known."""
    purl = (project or {}).get("purl")
    try:
        return purls.parse(str(purl)).package if purl else None
    except ValueError:
        return None


def _relock(
    step: str,
    repo: str,
    project: Mapping[str, Any],
    location: tuple[str, int | None] | None,
    tool: str | None,
    name: str,
    version: str,
    why: str,
    files: frozenset[tuple[str, str]],
) -> Command:
    lockfile = _lockfile(repo, project, location, tool, files)
    if lockfile is not None and posixpath.basename(lockfile) in LOCKFILES:
        tool = LOCKFILES[posixpath.basename(lockfile)].tool
    directory = posixpath.dirname(lockfile or str(project.get("manifest") or "")) or "."
    rewrites = (lockfile,) if lockfile else ()
    return Command(step, repo, directory, relock_command(tool, name, version), rewrites, why)


def _lockfile(
    repo: str,
    project: Mapping[str, Any],
    location: tuple[str, int | None] | None,
    tool: str | None,
    files: frozenset[tuple[str, str]],
) -> str | None:
    """The file a relock rewrites: the plan's location when it is a lockfile (or compiled pip
    requirements), else the tool's lockfile beside the project's manifest or above it (a workspace)."""
    if location is not None:
        editor = editor_for(location[0])
        if posixpath.basename(location[0]) in LOCKFILES or (editor and editor.format == "pip-requirements"):
            return location[0]
    directory = posixpath.dirname(str(project.get("manifest") or ""))
    names = [lock.name for lock in LOCKFILES.values() if lock.tool == tool]
    if tool == "pip":  # pip-compile writes requirements.txt by default
        names.append("requirements.txt")
    while True:
        for name in names:
            path = posixpath.join(directory, name) if directory else name
            if (repo, path) in files:
                return path
        if not directory:
            return None
        directory = posixpath.dirname(directory)


def _override_file(project: Mapping[str, Any], location: tuple[str, int | None] | None) -> str:
    """Where an override goes: the project's manifest; for pip, the requirements or constraints file
    the plan points at (a ``pyproject.toml`` has no override field)."""
    manifest = str(project.get("manifest") or "")
    if location is not None and editor_for(location[0]) is not None:
        fmt = editor_for(location[0]).format  # type: ignore[union-attr]
        if fmt == "pip-requirements":
            return location[0]
    return manifest


def _location(text: Any) -> tuple[str, int | None] | None:
    """``path:line`` -> (path, line); ``path`` alone -> (path, None)."""
    if not text:
        return None
    path, sep, line = str(text).rpartition(":")
    if sep and line.isdigit():
        return path, int(line)
    return str(text), None


def followups(repo: str, path: str, package: str, version: str, files: set[tuple[str, str]]) -> list[Command]:
    """The commands that refresh the lockfiles an edit of ``path`` leaves stale: a known lockfile in
    the same directory, else in the nearest directory above it (a workspace root)."""
    name = purls.parse(package).display_name
    directory = posixpath.dirname(path)
    compiled = compiled_from(path)
    if compiled is not None and (repo, compiled) in files:
        return [Command("", repo, directory or ".", compile_command(path), (compiled,), f"{path} changed")]
    while True:
        found = [
            lock
            for lock in LOCKFILES.values()
            if (repo, posixpath.join(directory, lock.name) if directory else lock.name) in files
        ]
        if found:
            return [
                Command(
                    "",
                    repo,
                    directory or ".",
                    lock.refresh.format(name=name, version=version),
                    (posixpath.join(directory, lock.name) if directory else lock.name,),
                    f"{path} changed",
                )
                for lock in found
            ]
        if not directory:
            return []
        directory = posixpath.dirname(directory)
