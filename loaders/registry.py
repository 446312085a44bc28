"""The explicit list of loaders. A file goes to the first loader whose ``matches`` accepts it."""

from __future__ import annotations

from loaders.backstage import BackstageLoader
from loaders.base import Loader
from loaders.cargo_lock import CargoLockLoader
from loaders.cargo_toml import CargoTomlLoader
from loaders.codeowners import CodeownersLoader
from loaders.compose import ComposeLoader
from loaders.cyclonedx_json import CycloneDxJsonLoader
from loaders.cyclonedx_xml import CycloneDxXmlLoader
from loaders.dockerfile import DockerfileLoader
from loaders.dotnet_packages_lock import NugetLockLoader
from loaders.dotnet_project import DotnetProjectLoader
from loaders.go_mod import GoModLoader, GoWorkLoader
from loaders.go_sum import GoSumLoader
from loaders.gradle_build import GradleBuildLoader
from loaders.gradle_catalog import GradleCatalogLoader
from loaders.gradle_deps_text import GradleDepsTextLoader
from loaders.gradle_lockfile import GradleLockfileLoader
from loaders.gradle_settings import GradleSettingsLoader
from loaders.helm import HelmTemplateLoader
from loaders.k8s_manifest import K8sManifestLoader
from loaders.k8s_owners import K8sOwnersLoader
from loaders.kubectl_dump import KubectlDumpLoader
from loaders.kustomize import KustomizeLoader
from loaders.maven_pom import MavenPomLoader
from loaders.maven_tree import MavenDependencyTreeLoader
from loaders.npm_lock import NpmLockLoader
from loaders.npm_package_json import NpmPackageJsonLoader
from loaders.osv_json import OsvJsonLoader
from loaders.pdm_lock import PdmLockLoader
from loaders.pip_requirements import PipRequirementsLoader
from loaders.pipfile import PipfileLoader, PipfileLockLoader
from loaders.pnpm_lock import PnpmLockLoader
from loaders.poetry_lock import PoetryLockLoader
from loaders.pyproject_toml import PyprojectTomlLoader
from loaders.skaffold import SkaffoldLoader
from loaders.source_scan import SourceScanLoader
from loaders.spdx_json import SpdxJsonLoader
from loaders.spdx_tagvalue import SpdxTagValueLoader
from loaders.uv_lock import UvLockLoader
from loaders.yarn_lock import YarnLockLoader

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
