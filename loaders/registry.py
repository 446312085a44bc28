"""The explicit list of loaders, and which one reads a file.

Every loader that accepts a file claims it at a :class:`~loaders.base.Precedence` taken from its
declarations: an exact file name beats a file-name pattern, which beats a directory or content rule,
which beats source scanning. Two claims at the same precedence are settled by :data:`TIE_BREAKS`.
The order of :data:`LOADERS` never matters.
"""

from __future__ import annotations

from collections.abc import Iterable

from loaders.advisories.osv_json import OsvJsonLoader
from loaders.base import Loader
from loaders.deploy.compose import ComposeLoader
from loaders.deploy.dockerfile import DockerfileLoader
from loaders.deploy.helm import HelmTemplateLoader
from loaders.deploy.k8s_manifest import K8sManifestLoader
from loaders.deploy.kubectl_dump import KubectlDumpLoader
from loaders.deploy.kustomize import KustomizeLoader
from loaders.deploy.skaffold import SkaffoldLoader
from loaders.dotnet.packages_lock import NugetLockLoader
from loaders.dotnet.project import DotnetProjectLoader
from loaders.go.mod import GoModLoader, GoWorkLoader
from loaders.go.sum import GoSumLoader
from loaders.gradle.build import GradleBuildLoader
from loaders.gradle.catalog import GradleCatalogLoader
from loaders.gradle.deps_text import GradleDepsTextLoader
from loaders.gradle.lockfile import GradleLockfileLoader
from loaders.gradle.settings import GradleSettingsLoader
from loaders.js.npm_lock import NpmLockLoader
from loaders.js.package_json import NpmPackageJsonLoader
from loaders.js.pnpm_lock import PnpmLockLoader
from loaders.js.yarn_lock import YarnLockLoader
from loaders.maven.dependency_tree import MavenDependencyTreeLoader
from loaders.maven.pom import MavenPomLoader
from loaders.ownership.backstage import BackstageLoader
from loaders.ownership.codeowners import CodeownersLoader
from loaders.ownership.k8s_owners import K8sOwnersLoader
from loaders.python.pdm_lock import PdmLockLoader
from loaders.python.pipfile import PipfileLoader, PipfileLockLoader
from loaders.python.poetry_lock import PoetryLockLoader
from loaders.python.pyproject import PyprojectTomlLoader
from loaders.python.requirements import PipRequirementsLoader
from loaders.python.uv_lock import UvLockLoader
from loaders.rust.cargo_lock import CargoLockLoader
from loaders.rust.cargo_toml import CargoTomlLoader
from loaders.sbom.cyclonedx_json import CycloneDxJsonLoader
from loaders.sbom.cyclonedx_xml import CycloneDxXmlLoader
from loaders.sbom.spdx_json import SpdxJsonLoader
from loaders.sbom.spdx_tagvalue import SpdxTagValueLoader
from loaders.source.loader import SourceScanLoader

LOADERS: tuple[Loader, ...] = (
    SpdxJsonLoader(),
    CycloneDxJsonLoader(),
    CycloneDxXmlLoader(),
    SpdxTagValueLoader(),
    MavenPomLoader(),
    MavenDependencyTreeLoader(),
    OsvJsonLoader(),
    NpmPackageJsonLoader(),
    NpmLockLoader(),
    YarnLockLoader(),
    PnpmLockLoader(),
    PyprojectTomlLoader(),
    PoetryLockLoader(),
    UvLockLoader(),
    PdmLockLoader(),
    PipfileLoader(),
    PipfileLockLoader(),
    PipRequirementsLoader(),
    GradleSettingsLoader(),
    GradleBuildLoader(),
    GradleCatalogLoader(),
    GradleLockfileLoader(),
    GradleDepsTextLoader(),
    GoModLoader(),
    GoWorkLoader(),
    GoSumLoader(),
    CargoTomlLoader(),
    CargoLockLoader(),
    DotnetProjectLoader(),
    NugetLockLoader(),
    # deployment and ownership
    HelmTemplateLoader(),
    KustomizeLoader(),
    SkaffoldLoader(),
    ComposeLoader(),
    KubectlDumpLoader(),
    BackstageLoader(),
    K8sManifestLoader(),
    DockerfileLoader(),
    CodeownersLoader(),
    K8sOwnersLoader(),
    # source code (``ingest --no-scan`` leaves it out); it claims at Precedence.SOURCE_CODE, so a
    # manifest or deploy file is never scanned as code
    SourceScanLoader(),
)
#: the loaders of everything but source code
MANIFEST_LOADERS: tuple[Loader, ...] = tuple(loader for loader in LOADERS if not loader.reads_bytes)


#: (winner, loser, why): who reads a file two loaders claim at the same precedence
TIE_BREAKS: tuple[tuple[str, str, str], ...] = (
    (
        "spdx-json",
        "cyclonedx-json",
        "bom.spdx.json: the .spdx.json suffix names the format, while bom.* is only CycloneDX's habit",
    ),
    ("helm", "k8s-manifest", "a chart's templates/ under deploy/ are rendered before they are read"),
    ("helm", "kubectl-dump", "inventory/<chart>/templates/ holds templates, which must be rendered"),
    ("kubectl-dump", "k8s-manifest", "inventory/ under deploy/ holds dumps of a cluster, not manifests"),
    ("cyclonedx-json", "osv-json", "GO-2024-x-bom.json: an advisory database never names a record *-bom"),
    ("cyclonedx-json", "kubectl-dump", "kubectl-bom.json: bom names what the file holds"),
)
_BEATEN_BY: dict[str, frozenset[str]] = {
    loser: frozenset(w for w, lo, _ in TIE_BREAKS if lo == loser) for _, loser, _ in TIE_BREAKS
}


class AmbiguousLoaders(Exception):
    """Two or more loaders claim a file at the same precedence and no tie-break settles it."""


def contenders(path: str, loaders: Iterable[Loader]) -> list[Loader]:
    """The loaders with the strongest claim on ``path`` after :data:`TIE_BREAKS`, sorted by name:
    one loader, none, or (a gap in the tie-breaks) several."""
    claims = [(claim, loader) for loader in loaders if (claim := loader.claim(path)) is not None]
    if not claims:
        return []
    best = max(claim for claim, _ in claims)
    top = {loader.name: loader for claim, loader in claims if claim == best}
    return [top[name] for name in sorted(top) if not (_BEATEN_BY.get(name, frozenset()) & top.keys())]


def choose(path: str, loaders: Iterable[Loader], *, strict: bool = False) -> Loader | None:
    """The loader that reads the file at this POSIX path, or None when no loader accepts it.

    The strongest claim wins (see the module docstring). A tie that :data:`TIE_BREAKS` leaves open
    raises :class:`AmbiguousLoaders` when ``strict``; otherwise the loader first by name reads the file,
    so the choice still never depends on the order of ``loaders`` (the registry tests check that no
    file of the examples, the corpus or the matching tables ends up there).
    """
    found = contenders(path, loaders)
    if len(found) > 1 and strict:
        raise AmbiguousLoaders(f"{path}: claimed by {', '.join(x.name for x in found)} with no tie-break")
    return found[0] if found else None


def loader_for(path: str, *, scan: bool = True) -> Loader | None:
    """The loader that handles the file at this POSIX path (see :func:`choose`), or None;
    ``scan=False`` leaves source code out."""
    return choose(path, LOADERS if scan else MANIFEST_LOADERS)
