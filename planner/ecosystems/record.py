"""The shape of what depwave knows about one ecosystem and its build tools (one record each)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

#: a version scheme: parses one version string into a comparable value, raising on anything else
VersionParser = Callable[[str], Any]


def _same(text: str) -> str:
    return text


@dataclass(frozen=True, slots=True)
class Lockfile:
    """A lockfile a manifest edit leaves stale, the tool that owns it and the command that refreshes it."""

    name: str
    tool: str
    refresh: str


@dataclass(frozen=True, slots=True)
class Override:
    """How a build tool pins a package in a consumer: the mechanism's name and the change, a template over
    ``{name}`` (the package as the tool names it), ``{group}``, ``{artifact}``, ``{version}`` and
    ``{go_version}``."""

    mechanism: str
    change: str


@dataclass(frozen=True, slots=True)
class BuildTool:
    """One build tool: the files that say a project is built with it (lower-case globs), how it pins a
    package in a consumer, how to check the result, how to move one locked package (templates as in
    :class:`Override`) and the lockfiles it owns. depwave never runs these commands: it prints them."""

    name: str
    files: tuple[str, ...] = ()
    override: Override | None = None
    verify: str | None = None
    relock: str | None = None
    lockfiles: tuple[Lockfile, ...] = ()
    #: an override may not cross a major version (``cargo update --precise`` stays semver-compatible)
    override_within_major: bool = False
    #: manifests that list the project's whole build list (``go.mod``: indirect requirements too), so any
    #: version resolved there is on a line the project edits itself, with no release of a dependency
    build_lists: tuple[str, ...] = ()
    #: files that only group projects built together (``go.work``): the project such a file makes records
    #: no versions of its own, and its members' fixes are its fix
    workspaces: tuple[str, ...] = ()

    def builds(self, file_name: str) -> bool:
        """Whether a project whose manifest or lockfile is ``file_name`` (lower-case) is built with this tool."""
        return any(fnmatchcase(file_name, pattern) for pattern in self.files)


@dataclass(frozen=True, slots=True)
class Ecosystem:
    """One ecosystem: its purl type, its OSV name, its version scheme, how declared ranges are read
    (a univers range scheme and the rewriting a native range needs first), which declared requirement
    is an exact pin, and its build tools (the first is the default)."""

    purl_type: str
    osv_name: str
    #: parser of its version strings (None: versions cannot be ordered here)
    parse_version: VersionParser | None = None
    #: univers range scheme for declared ranges (None: declared ranges cannot be read)
    range_scheme: str | None = None
    #: a declared range rewritten into the univers scheme's native syntax
    native_range: Callable[[str], str] = _same
    #: a declared requirement with its exact-pin operator removed ("" when it cannot name one version)
    exact_pin: Callable[[str], str] = _same
    build_tools: tuple[BuildTool, ...] = ()

    @property
    def default_tool(self) -> str | None:
        """The build tool assumed when nothing names one."""
        return self.build_tools[0].name if self.build_tools else None
