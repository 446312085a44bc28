"""npm packages (``pkg:npm/@scope/name``), built with npm, Yarn or pnpm."""

from __future__ import annotations

from planner.ecosystems import schemes
from planner.ecosystems.record import BuildTool, Ecosystem, Lockfile, Override

NPM = BuildTool(
    name="npm",
    files=("package.json", "package-lock.json", "npm-shrinkwrap.json"),
    override=Override("npm-override", 'package.json "overrides": {{"{name}": "{version}"}}'),
    verify="npm ls {name}",
    relock="npm install {name}@{version} --package-lock-only",
    lockfiles=(
        Lockfile("package-lock.json", "npm", "npm install --package-lock-only"),
        Lockfile("npm-shrinkwrap.json", "npm", "npm install --package-lock-only"),
    ),
)
YARN = BuildTool(
    name="yarn",
    files=("yarn.lock", ".yarnrc.yml"),
    override=Override("yarn-resolution", 'package.json "resolutions": {{"{name}": "{version}"}}'),
    verify="yarn why {name}",
    relock="yarn up -R {name}",
    lockfiles=(Lockfile("yarn.lock", "yarn", "yarn install"),),
)
PNPM = BuildTool(
    name="pnpm",
    files=("pnpm-lock.yaml", "pnpm-workspace.yaml"),
    override=Override("pnpm-override", 'package.json "pnpm": {{"overrides": {{"{name}": "{version}"}}}}'),
    verify="pnpm why {name}",
    relock="pnpm update {name}@{version} --lockfile-only",
    lockfiles=(Lockfile("pnpm-lock.yaml", "pnpm", "pnpm install --lockfile-only"),),
)


def exact_pin(spec: str) -> str:
    """``=1.2.3`` and ``1.2.3`` name one version."""
    return spec.removeprefix("=")


ECOSYSTEM = Ecosystem(
    purl_type="npm",
    osv_name="npm",
    parse_version=schemes.npm,
    range_scheme="npm",
    exact_pin=exact_pin,
    build_tools=(NPM, YARN, PNPM),
)
