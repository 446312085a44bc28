"""What each build tool needs to move a locked version: the exact relock command, and the command
that brings a lockfile in line after its manifest was edited. One table per question; the planner's
relock steps and ``depwave fix`` both read them. depwave never runs these commands: it prints them.
"""

from __future__ import annotations

from dataclasses import dataclass

#: build tool -> the command that moves one locked package to ``{version}`` and rewrites only the lockfile
#: (``{name}``: the package as the tool names it; ``{go_version}``: the version with Go's ``v``)
RELOCK = {
    "npm": "npm install {name}@{version} --package-lock-only",
    "yarn": "yarn up -R {name}",
    "pnpm": "pnpm update {name}@{version} --lockfile-only",
    "pip": "pip-compile --upgrade-package {name}=={version}",
    "poetry": "poetry update --lock {name}",
    "uv": "uv lock --upgrade-package {name}=={version}",
    "pdm": "pdm update --no-sync {name}",
    "pipenv": "pipenv upgrade {name}=={version}",
    "cargo": "cargo update -p {name} --precise {version}",
    "go": "go get {name}@{go_version} && go mod tidy",
    "gradle": "./gradlew dependencies --update-locks {name}",
}


@dataclass(frozen=True, slots=True)
class Lockfile:
    """A lockfile a manifest edit leaves stale, the tool that owns it and the command that refreshes it."""

    name: str
    tool: str
    refresh: str


#: lockfile name -> how to bring it in line with an edited manifest beside it (or above it, in a workspace)
LOCKFILES = {
    lock.name: lock
    for lock in (
        Lockfile("package-lock.json", "npm", "npm install --package-lock-only"),
        Lockfile("npm-shrinkwrap.json", "npm", "npm install --package-lock-only"),
        Lockfile("yarn.lock", "yarn", "yarn install"),
        Lockfile("pnpm-lock.yaml", "pnpm", "pnpm install --lockfile-only"),
        Lockfile("poetry.lock", "poetry", "poetry lock"),
        Lockfile("uv.lock", "uv", "uv lock"),
        Lockfile("pdm.lock", "pdm", "pdm lock"),
        Lockfile("Pipfile.lock", "pipenv", "pipenv lock"),
        Lockfile("Cargo.lock", "cargo", "cargo update -p {name} --precise {version}"),
        Lockfile("go.sum", "go", "go mod tidy"),
        Lockfile("gradle.lockfile", "gradle", "./gradlew dependencies --write-locks"),
    )
}


def go_version(version: str) -> str:
    """A Go module version always starts with ``v``."""
    return version if version.startswith("v") else f"v{version}"


def relock_command(tool: str | None, name: str, version: str) -> str:
    """The exact command that moves ``name`` to ``version`` in the tool's lockfile (a sentence when
    the tool is unknown)."""
    template = RELOCK.get(tool or "")
    if template is None:
        return f"regenerate the lockfile so that it resolves {name} {version}"
    return template.format(name=name, version=version, go_version=go_version(version))


def refresh_command(lockfile: str, name: str, version: str) -> str | None:
    """The command that brings ``lockfile`` (a file name) in line after its manifest moved ``name``."""
    lock = LOCKFILES.get(lockfile)
    return lock.refresh.format(name=name, version=version) if lock else None


def compiled_from(path: str) -> str | None:
    """The file pip-compile (or ``uv pip compile``) writes from a ``.in`` requirements file, if any:
    ``requirements.in`` -> ``requirements.txt``."""
    return path[: -len(".in")] + ".txt" if path.endswith(".in") else None


def compile_command(path: str) -> str:
    """The command that regenerates the compiled requirements of ``path`` (a ``.in`` file)."""
    return f"pip-compile {path.rsplit('/', 1)[-1]}"
