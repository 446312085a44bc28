"""The explicit list of loaders. A file goes to the first loader whose ``matches`` accepts it."""

from __future__ import annotations

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
    SpdxJsonLoader(),  # before CycloneDX JSON: "bom.spdx.json" matches both
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
    # deployment and ownership; the Kubernetes manifest loader is the catch-all for YAML in deploy
    # directories, so every more specific YAML loader comes before it
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
    # source code last: a manifest or deploy file is never scanned as code (``ingest --no-scan`` leaves it out)
    SourceScanLoader(),
)
#: the loaders of everything but source code
MANIFEST_LOADERS: tuple[Loader, ...] = tuple(loader for loader in LOADERS if not loader.reads_bytes)


def loader_for(path: str, *, scan: bool = True) -> Loader | None:
    """The loader that handles the file at this POSIX path (see ``Loader.matches``), or None;
    ``scan=False`` leaves source code out."""
    for loader in LOADERS if scan else MANIFEST_LOADERS:
        if loader.matches(path):
            return loader
    return None
