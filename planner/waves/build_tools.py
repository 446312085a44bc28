"""Build-tool knowledge: which tool builds a project, how it pins, verifies and relocks a package."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from planner import purl as purls
from planner.buildtools import relock_command
from planner.errors import UsageError
from planner.waves.model import Target
from planner.waves.projects import _Project

_TOOL_BY_FILE = {
    "pom.xml": "maven",
    "package.json": "npm",
    "package-lock.json": "npm",
    "npm-shrinkwrap.json": "npm",
    "yarn.lock": "yarn",
    ".yarnrc.yml": "yarn",
    "pnpm-lock.yaml": "pnpm",
    "pnpm-workspace.yaml": "pnpm",
    "poetry.lock": "poetry",
    "pipfile": "pip",
    "pipfile.lock": "pip",
    "setup.py": "pip",
    "setup.cfg": "pip",
    "pyproject.toml": "pip",
    "cargo.toml": "cargo",
    "cargo.lock": "cargo",
    "go.mod": "go",
    "go.sum": "go",
    "go.work": "go",
    "gradle.properties": "gradle",
    "libs.versions.toml": "gradle",
}
_TOOL_BY_ECOSYSTEM = {"maven": "maven", "npm": "npm", "pypi": "pip", "golang": "go", "cargo": "cargo"}
_TOOLS = ("maven", "gradle", "npm", "yarn", "pnpm", "pip", "poetry", "go", "cargo")


def _tool(p: _Project) -> str | None:
    if p.tool in _TOOLS:
        return p.tool
    if p.location:
        base = posixpath.basename(p.location.rsplit(":", 1)[0] if ":" in p.location else p.location).lower()
        if base.endswith((".gradle", ".gradle.kts")):
            return "gradle"
        if base.endswith(".txt") and ("requirements" in base or "constraints" in base):
            return "pip"
        if base in _TOOL_BY_FILE:
            return _TOOL_BY_FILE[base]
    return _TOOL_BY_ECOSYSTEM.get(p.ecosystem)


@dataclass(frozen=True, slots=True)
class _Pkg:
    """The target package as the ecosystems name it."""

    purl: str
    group: str | None
    name: str
    display: str  # group:artifact, @scope/name, module path


def _go_version(v: str) -> str:
    return v if v.startswith("v") else f"v{v}"


def _override(tool: str | None, pkg: _Pkg, v: str) -> tuple[str, str] | None:
    """(mechanism, change) pinning the package in a consumer, or None when the tool has none."""
    if tool == "maven":
        return (
            "dependency-management",
            f"<dependencyManagement><dependencies><dependency><groupId>{pkg.group}</groupId>"
            f"<artifactId>{pkg.name}</artifactId><version>{v}</version></dependency></dependencies>"
            "</dependencyManagement>",
        )
    if tool == "gradle":
        return "gradle-constraint", f'dependencies {{ constraints {{ implementation("{pkg.display}:{v}") }} }}'
    if tool == "npm":
        return "npm-override", f'package.json "overrides": {{"{pkg.display}": "{v}"}}'
    if tool == "yarn":
        return "yarn-resolution", f'package.json "resolutions": {{"{pkg.display}": "{v}"}}'
    if tool == "pnpm":
        return "pnpm-override", f'package.json "pnpm": {{"overrides": {{"{pkg.display}": "{v}"}}}}'
    if tool in ("pip", "poetry"):
        return "pip-constraint", f"{pkg.display}=={v} in a constraints file (pip install -c constraints.txt)"
    if tool == "cargo":
        return "cargo-update-precise", f"cargo update -p {pkg.display} --precise {v}"
    if tool == "go":
        return (
            "go-require",
            f"go get {pkg.display}@{_go_version(v)} (require {pkg.display} {_go_version(v)} // indirect)",
        )
    return None


def _override_within_major(tool: str | None) -> bool:
    """Whether the tool's override cannot cross a major version (Cargo's ``--precise`` update)."""
    return tool == "cargo"


def _verify(tool: str | None, pkg: _Pkg) -> str | None:
    return {
        "maven": f"mvn dependency:tree -Dincludes={pkg.display}",
        "gradle": f"./gradlew dependencyInsight --dependency {pkg.display}",
        "npm": f"npm ls {pkg.display}",
        "yarn": f"yarn why {pkg.display}",
        "pnpm": f"pnpm why {pkg.display}",
        "pip": f"pip show {pkg.display}",
        "poetry": f"poetry show {pkg.display}",
        "go": f"go list -m {pkg.display}",
        "cargo": f"cargo tree -i {pkg.display}",
    }.get(tool or "")


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
