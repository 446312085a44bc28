"""Per owner, the steps of a plan in wave order, each with where to change what, the patch, the verify
command and the deadline. Pure: the plan (``depwave.plan/1``), the patches (``depwave.fix/1``) and,
for a campaign, the recorded step states come in; nothing is read or written here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from planner.render.labels import step_where, where_text

NO_OWNER = "(no owner)"


@dataclass(frozen=True, slots=True)
class StepNote:
    """One step as its owner needs it."""

    id: str
    wave: int
    kind: str
    label: str  # "edit acme-logging/logging-core", "deploy billing-service to prod" (planner.render.labels)
    repo: str
    location: str | None  # file:line; "repo: file:line, ..." when the step edits several repositories
    change: str | None
    verify: str | None
    deadline: str  # ISO timestamp: when the plan has the step finished
    waits_for: tuple[str, ...]  # steps of the plan it depends on
    patch: str | None = None  # unified diff (git apply / patch -p1 in the repository)
    command: str | None = None  # the command to run instead of a patch (relock)
    problem: str | None = None  # why no patch could be made
    state: str | None = None  # campaign state, when a campaign is given

    @property
    def names_repos(self) -> bool:
        """Whether ``location`` names the repository of each file (a step across repositories)."""
        return bool(self.location) and self.location != _bare(self.location)


@dataclass(frozen=True, slots=True)
class Message:
    """What one owner is asked to do."""

    owner: str
    package: str
    fixed_version: str
    advisories: tuple[str, ...]
    campaign: str | None
    steps: tuple[StepNote, ...]

    @property
    def title(self) -> str:
        """A one-line title (an issue title)."""
        what = ", ".join(self.advisories) or self.package
        n = len(self.steps)
        steps = f"{n} step{'s' if n != 1 else ''}"
        return f"[depwave] {what}: {steps} for {self.owner} ({self.short_package} → {self.fixed_version})"

    @property
    def short_package(self) -> str:
        """The package's name without the purl prefix."""
        name = self.package.split("/", 1)[-1] if self.package.startswith("pkg:") else self.package
        return name.replace("/", ":")

    @property
    def deadline(self) -> str:
        """When the last of these steps is due."""
        return max(s.deadline for s in self.steps)


def deadline(plan: Mapping[str, Any], step: Mapping[str, Any], origin: datetime) -> str:
    """When the step is due: its ``finish_at`` when the plan has a start date, else ``origin`` (the time
    the plan was made) plus its finish hour."""
    if step.get("finish_at"):
        return str(step["finish_at"])
    return (origin + timedelta(hours=float(step["finish"]))).isoformat(timespec="minutes")


def _bare(location: str) -> str:
    return ", ".join(part.split(": ", 1)[-1] for part in location.split(", "))


def _where(s: Mapping[str, Any], fix: Mapping[str, Any] | None) -> str | None:
    """Where the step's patch changes files (from ``fix``, which follows a parent POM to the file really
    edited), else where the plan says; each file's repository named when the step spans several."""
    rows = [r for r in (fix or {}).get("patches") or [] if r.get("step") == s["id"] and int(r.get("line") or 0) > 0]
    places = [(str(r["repo"]), f"{r['file']}:{r['line']}") for r in rows]
    return where_text(str(s.get("repo") or ""), places) if places else step_where(s)


def _label(s: Mapping[str, Any]) -> str:
    """The step's label as every command shows it (``edit acme-logging/logging-core``); the id stays in
    the message's ``Step:`` line for scripts and ``campaign mark``."""
    from planner.render.labels import step_label

    return step_label(s)


def _patches(fix: Mapping[str, Any] | None) -> tuple[dict[str, list[str]], dict[str, str], list[str]]:
    if not fix:
        return {}, {}, []
    diffs: dict[str, list[str]] = {}
    for f in fix.get("files") or []:
        diffs.setdefault(f["step"], []).append(f["diff"])
    commands = {c["step"]: f"cd {c['directory'] or '.'} && {c['command']}" for c in fix.get("commands") or []}
    return diffs, commands, list(fix.get("errors") or [])


def _problem(s: Mapping[str, Any], errors: Iterable[str]) -> str | None:
    file = (s.get("location") or "").split(",")[0].rsplit(":", 1)[0].strip()
    marks = [s["id"]] + ([f"{s.get('repo')}/{file}"] if file else [])
    found = [e for e in errors if any(e.startswith(m) for m in marks)]
    if found:
        return "; ".join(found)
    return "no patch could be made for this step (depwave fix says why)"


def build(
    plan: Mapping[str, Any],
    fix: Mapping[str, Any] | None,
    origin: datetime,
    states: Mapping[str, str] | None = None,
    owners: Iterable[str] = (),
    campaign: str | None = None,
) -> list[Message]:
    """One message per owner (sorted by owner; ``owners``: only these), each with the owner's steps in
    wave order. An owner is an identity as ownership names it (a CODEOWNERS team, a Backstage group):
    a project owned by both gets two messages, since depwave cannot tell that two identities are one
    team. A step with several owners is in each of their messages; a step with none goes to
    ``(no owner)``. With ``states`` (a campaign), done steps are left out: nothing is asked of anyone."""
    wanted = set(owners)
    diffs, commands, errors = _patches(fix)
    per_owner: dict[str, list[StepNote]] = {}
    steps = sorted(plan.get("steps") or [], key=lambda s: (int(s["wave"]), float(s["start"]), s["id"]))
    for s in steps:
        state = (states or {}).get(s["id"], "todo") if states is not None else None
        if state == "done":
            continue
        patch = "".join(diffs.get(s["id"], [])) or None
        command = commands.get(s["id"])
        problem = None
        if s["kind"] in ("edit", "relock") and patch is None and command is None and fix is not None:
            problem = _problem(s, errors)
        note = StepNote(
            id=s["id"],
            wave=int(s["wave"]),
            kind=s["kind"],
            label=_label(s),
            repo=s.get("repo") or "",
            location=_where(s, fix),
            change=s.get("change"),
            verify=s.get("verify"),
            deadline=deadline(plan, s, origin),
            waits_for=tuple(s.get("depends_on") or ()),
            patch=patch,
            command=command,
            problem=problem,
            state=state,
        )
        for owner in s.get("owners") or [NO_OWNER]:
            if not wanted or owner in wanted:
                per_owner.setdefault(owner, []).append(note)
    target = plan.get("target") or {}
    return [
        Message(
            owner,
            str(target.get("package") or ""),
            str(target.get("fixed_version") or ""),
            tuple(target.get("advisories") or ()),
            campaign,
            tuple(notes),
        )
        for owner, notes in sorted(per_owner.items())
    ]
