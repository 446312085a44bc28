"""Build-tool knowledge: which tool builds a project, how it pins, verifies and relocks a package."""

from __future__ import annotations

from dataclasses import dataclass

from planner import ecosystems
from planner import purl as purls
from planner.buildtools import fill, relock_command
from planner.errors import UsageError
from planner.locations import file_name_of
from planner.waves.model import Target
from planner.waves.projects import _Project


def _tool(p: _Project) -> str | None:
    """The build tool of a project: the one it names, else the one its edit location's file says, else its
    ecosystem's default (:mod:`planner.ecosystems`)."""
    if ecosystems.build_tool(p.tool) is not None:
        return p.tool
    if p.location:
        by_file = ecosystems.tool_for_file(file_name_of(p.location))
        if by_file is not None:
            return by_file.name
    known = ecosystems.by_purl_type(p.ecosystem)
    return known.default_tool if known else None


@dataclass(frozen=True, slots=True)
class _Pkg:
    """The target package as the ecosystems name it."""

    purl: str
    group: str | None
    name: str
    display: str  # group:artifact, @scope/name, module path


def _override(tool: str | None, pkg: _Pkg, v: str) -> tuple[str, str] | None:
    """(mechanism, change) pinning the package in a consumer, or None when the tool has none."""
    known = ecosystems.build_tool(tool)
    if known is None or known.override is None:
        return None
    return known.override.mechanism, fill(known.override.change, pkg.display, v, pkg.group, pkg.name)


def _override_within_major(tool: str | None) -> bool:
    """Whether the tool's override cannot cross a major version (Cargo's ``--precise`` update)."""
    known = ecosystems.build_tool(tool)
    return bool(known and known.override_within_major)


def _verify(tool: str | None, pkg: _Pkg) -> str | None:
    known = ecosystems.build_tool(tool)
    return fill(known.verify, pkg.display, "") if known and known.verify else None


def _maven_module(p: _Project) -> str:
    """The ``-pl`` selector of a Maven project: ``:artifactId`` (from its key's purl, else its name)."""
    text = p.key.split("#", 1)[1] if "#" in p.key else ""
    try:
        return ":" + purls.parse(text).name
    except ValueError:
        return ":" + p.name.rsplit(":", 1)[-1]


def _build_verify(tool: str | None, pkg: _Pkg, members: tuple[_Project, ...]) -> str | None:
    """How to check one build's result, runnable from the repository root as written.

    A Maven module of a reactor cannot be built alone while its siblings are unreleased snapshots:
    ``mvn -pl :module -am verify`` from the reactor root builds it with what it needs."""
    root = members[0].build_root
    if tool != "maven" or root is None:
        return _verify(tool, pkg)
    prefix = "mvn" if root in (".", "") else f"mvn -f {root}/pom.xml"
    modules = sorted({_maven_module(m) for m in members if m.path not in (None, root)})
    if not modules:
        return f"{prefix} dependency:tree -Dincludes={pkg.display}"
    return f"{prefix} -pl {','.join(modules)} -am verify dependency:tree -Dincludes={pkg.display}"


def _relock_command(tool: str | None, pkg: _Pkg, v: str) -> str:
    return relock_command(tool, pkg.display, v)


def _target_package(target: Target) -> _Pkg:
    if not isinstance(target.fixed_version, str) or not target.fixed_version.strip():
        raise UsageError("the target needs a fixed version")
    try:
        p = purls.parse(target.package)
    except ValueError as exc:
        raise UsageError(f"the target package {target.package!r} is not a purl (pkg:type/namespace/name)") from exc
    return _Pkg(purl=p.package, group=p.namespace, name=p.name, display=p.display_name)
