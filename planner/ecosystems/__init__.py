"""One record per ecosystem (:class:`Ecosystem`): OSV name, purl type, version scheme, range rules,
exact-pin rule and build tools (:class:`BuildTool`: override / verify / relock commands). Every module
that needs ecosystem knowledge reads it here; to add an ecosystem, add a module with its record and list
it in :data:`ECOSYSTEMS`.
"""

from __future__ import annotations

from functools import lru_cache

from planner.ecosystems import cargo, golang, maven, npm, nuget, others, pypi
from planner.ecosystems.record import BuildTool, Ecosystem, Lockfile, Override
from planner.locations import file_name_of

__all__ = [
    "BUILD_TOOLS",
    "ECOSYSTEMS",
    "LOCKFILES",
    "BuildTool",
    "Ecosystem",
    "Lockfile",
    "Override",
    "base_osv_name",
    "build_tool",
    "by_osv_name",
    "by_purl_type",
    "is_workspace_file",
    "lists_whole_build",
    "tool_for_file",
]

#: every ecosystem depwave knows (the order is that of :data:`LOCKFILES`, where a directory may hold several)
ECOSYSTEMS: tuple[Ecosystem, ...] = (
    npm.ECOSYSTEM,
    pypi.ECOSYSTEM,
    cargo.ECOSYSTEM,
    golang.ECOSYSTEM,
    maven.ECOSYSTEM,
    nuget.ECOSYSTEM,
    *others.ECOSYSTEMS,
)
_BY_PURL_TYPE = {e.purl_type: e for e in ECOSYSTEMS}
_BY_OSV_NAME = {e.osv_name: e for e in ECOSYSTEMS}
#: build tool name -> build tool, over every ecosystem
BUILD_TOOLS: dict[str, BuildTool] = {t.name: t for e in ECOSYSTEMS for t in e.build_tools}
#: lockfile name -> how to bring it in line with an edited manifest beside it (or above it, in a workspace)
LOCKFILES: dict[str, Lockfile] = {lock.name: lock for t in BUILD_TOOLS.values() for lock in t.lockfiles}
_BUILD_LISTS = frozenset(name for t in BUILD_TOOLS.values() for name in t.build_lists)
_WORKSPACES = frozenset(name for t in BUILD_TOOLS.values() for name in t.workspaces)


def base_osv_name(ecosystem: str) -> str:
    """The OSV ecosystem without its ``:suffix`` (``Maven:https://maven.google.com`` -> ``Maven``)."""
    return ecosystem.split(":", 1)[0].strip()


def by_purl_type(purl_type: str | None) -> Ecosystem | None:
    """The ecosystem of a purl type (``maven``), or None."""
    return _BY_PURL_TYPE.get(purl_type or "")


def by_osv_name(ecosystem: str | None) -> Ecosystem | None:
    """The ecosystem of an OSV ecosystem name, with or without its ``:suffix``, or None."""
    return _BY_OSV_NAME.get(base_osv_name(ecosystem or ""))


def build_tool(name: str | None) -> BuildTool | None:
    """A build tool by name (``gradle``), or None."""
    return BUILD_TOOLS.get(name or "")


def lists_whole_build(location: str | None) -> bool:
    """Whether the file of ``location`` lists its project's whole build list (``go.mod``)."""
    name = file_name_of(location)
    return bool(name) and name in _BUILD_LISTS


def is_workspace_file(location: str | None) -> bool:
    """Whether the file of ``location`` only groups projects built together (``go.work``)."""
    name = file_name_of(location)
    return bool(name) and name in _WORKSPACES


def tool_for_file(file_name: str) -> BuildTool | None:
    """The build tool a manifest or lockfile name says a project is built with (case does not matter)."""
    return _tool_for_name(file_name.lower())


@lru_cache(maxsize=4096)
def _tool_for_name(name: str) -> BuildTool | None:
    """:func:`tool_for_file` of a lower-case name: the first tool whose globs match (a plan asks it of the
    same few names thousands of times)."""
    return next((t for t in BUILD_TOOLS.values() if t.builds(name)), None)
