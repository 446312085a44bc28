"""The commands build tools need to move a locked version, filled in for one package: the exact relock
command, and the command that brings a lockfile in line after its manifest was edited. The commands
themselves are the build tools' records in :mod:`planner.ecosystems`; the planner's relock steps and
``depwave fix`` both read them through here. depwave never runs these commands: it prints them.
"""

from __future__ import annotations

from planner import ecosystems


def go_version(version: str) -> str:
    """A Go module version always starts with ``v``."""
    return version if version.startswith("v") else f"v{version}"


def fill(template: str, name: str, version: str, group: str | None = None, artifact: str | None = None) -> str:
    """A build tool's command or change template filled in for one package (``name``: as the tool names it)."""
    return template.format(
        name=name, version=version, go_version=go_version(version), group=group, artifact=artifact or name
    )


def relock_command(tool: str | None, name: str, version: str) -> str:
    """The exact command that moves ``name`` to ``version`` in the tool's lockfile (a sentence when
    the tool is unknown or has no such command)."""
    known = ecosystems.build_tool(tool)
    if known is None or known.relock is None:
        return f"regenerate the lockfile so that it resolves {name} {version}"
    return fill(known.relock, name, version)


def refresh_command(lockfile: str, name: str, version: str) -> str | None:
    """The command that brings ``lockfile`` (a file name) in line after its manifest moved ``name``."""
    lock = ecosystems.LOCKFILES.get(lockfile)
    return fill(lock.refresh, name, version) if lock else None


def compiled_from(path: str) -> str | None:
    """The file pip-compile (or ``uv pip compile``) writes from a ``.in`` requirements file, if any:
    ``requirements.in`` -> ``requirements.txt``."""
    return path[: -len(".in")] + ".txt" if path.endswith(".in") else None


def compile_command(path: str) -> str:
    """The command that regenerates the compiled requirements of ``path`` (a ``.in`` file)."""
    return f"pip-compile {path.rsplit('/', 1)[-1]}"
