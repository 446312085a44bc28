"""The records of the patch core: what to change in one file, and the edit that does it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from planner.errors import DepwaveError

T = TypeVar("T")
BUMP = "bump"  # move the version where the file sets it (property, <version>, range, catalog entry ...)
OVERRIDE = "override"  # pin the package for the whole build (dependencyManagement, constraints, overrides ...)
OVERRIDE_PROPERTY = "override-property"  # set a parent POM's property in the child POM (Maven only)


@dataclass(frozen=True, slots=True)
class Change:
    """One change to make in one file.

    ``package`` is a versionless purl, ``target`` the version to move to. ``current`` is the version
    the plan says the file sets (checked when given); ``line`` where the plan says it is set (the
    declaration there is preferred over others of the same package); ``property`` the property or
    variable that holds the version, when the plan knows it; ``because`` the advisory ids, written
    where the format has a place for a reason (Gradle ``because``).
    """

    path: str
    package: str
    target: str
    action: str = BUMP
    current: str | None = None
    line: int | None = None
    property: str | None = None
    because: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Edit:
    """The new text of a file after one change, and what was done.

    ``mechanism`` names what moved (``property``, ``direct-dependency``, ``dependency-management``,
    ``bom-import``, ``gradle-constraint``, ``version-catalog``, ``npm-override`` ...), ``line`` the
    line that now holds the new version, ``before``/``after`` the version text replaced and written
    (``before`` None when an entry was added), ``notes`` what a reviewer should know (other
    dependencies that move with a shared property, a lockfile that must be regenerated ...).
    """

    text: str
    mechanism: str
    line: int
    before: str | None
    after: str
    notes: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        """Whether the text changed at all."""
        return self.before != self.after


class FixError(DepwaveError):
    """A change that cannot be made; the message starts with ``path:line:``."""

    def __init__(self, path: str, line: int | None, reason: str) -> None:
        self.path = path
        self.line = line
        self.reason = reason
        super().__init__(f"{path}:{line if line is not None else 0}: {reason}")


def on_line(
    found: list[T], line: int | None, line_of: Callable[[T], int | tuple[int, ...]], path: str, what: str
) -> list[T]:
    """The candidates written on ``line`` (all of them when no line is given); ``line_of`` gives a
    candidate's line, or the lines a loader may name for it (a ``[dependencies.x]`` header and its
    ``version =``). The plan's line comes from the ingest of this very file (its sha256 is checked), so
    when nothing there matches, no other declaration is guessed at: the message says where ``what`` is."""
    if line is None:
        return found

    def lines(f: T) -> tuple[int, ...]:
        at = line_of(f)
        return at if isinstance(at, tuple) else (at,)

    here = [f for f in found if line in lines(f)]
    if here or not found:
        return here
    elsewhere = ", ".join(str(n) for n in sorted({lines(f)[-1] for f in found}))
    raise FixError(path, line, f"nothing on this line sets {what} (line {elsewhere} does: the plan's location is off)")


class NeedsCommand(FixError):
    """The file cannot be edited by hand without breaking it (hashed pins, a lockfile): the build
    tool has to regenerate it; the caller gives the tool's command instead of a patch."""
