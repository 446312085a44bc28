"""Fixtures shared by the planner tests."""

from __future__ import annotations

import pytest

import loaders.registry as registry
from loaders.deploy.compose import ComposeLoader
from loaders.deploy.dockerfile import DockerfileLoader
from loaders.deploy.helm import HelmTemplateLoader
from loaders.deploy.k8s_manifest import K8sManifestLoader
from loaders.deploy.kubectl_dump import KubectlDumpLoader
from loaders.deploy.kustomize import KustomizeLoader
from loaders.deploy.skaffold import SkaffoldLoader
from loaders.ownership.backstage import BackstageLoader
from loaders.ownership.codeowners import CodeownersLoader
from loaders.ownership.k8s_owners import K8sOwnersLoader

DEPLOY_LOADERS = (
    HelmTemplateLoader(), KustomizeLoader(), SkaffoldLoader(), ComposeLoader(), KubectlDumpLoader(), BackstageLoader(),
    K8sManifestLoader(), DockerfileLoader(), CodeownersLoader(), K8sOwnersLoader(),
)  # fmt: skip


@pytest.fixture()
def deploy_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """The registry with the deployment loaders appended (until the lead wires them in)."""
    monkeypatch.setattr(registry, "LOADERS", registry.LOADERS + DEPLOY_LOADERS)
