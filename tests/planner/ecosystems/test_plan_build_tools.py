"""The planner's override, verify and relock commands for uv, PDM and NuGet (new in the registry):
before, a uv or PDM project was planned as pip, and a NuGet project had no build tool (no override,
no verify command, a sentence instead of a relock command)."""

from __future__ import annotations

import networkx as nx
import pytest

from planner.policy import Policy
from planner.waves import Target, build_plan


def _plan(eco: str, package: str, location: str, consumer: dict | None = None):
    g = nx.DiGraph()
    g.add_node(
        "lib",
        name="lib",
        repo="r1",
        kind="library",
        ecosystem=eco,
        exposure="direct",
        vulnerable_version="1.0.0",
        publishes=f"pkg:{eco}/lib",
    )
    g.add_node(
        "app",
        name="app",
        repo="r2",
        kind="service",
        ecosystem=eco,
        exposure="transitive",
        vulnerable_version="1.0.0",
        edit_location=location,
        deployments=[("app", "prod")],
        **(consumer or {}),
    )
    g.add_edge("app", "lib", pinned=True)
    return build_plan(g, Target(package, "1.0.1"), Policy())


@pytest.mark.parametrize(
    ("eco", "package", "location", "mechanism", "change", "verify"),
    [
        (
            "pypi",
            "pkg:pypi/urllib3",
            "uv.lock:40",
            "uv-constraint",
            'pyproject.toml [tool.uv] constraint-dependencies = ["urllib3==1.0.1"]',
            "uv tree --invert --package urllib3",
        ),
        (
            "pypi",
            "pkg:pypi/urllib3",
            "pdm.lock:40",
            "pdm-override",
            'pyproject.toml [tool.pdm.resolution.overrides] urllib3 = "==1.0.1"',
            "pdm list --tree --reverse urllib3",
        ),
        (
            "nuget",
            "pkg:nuget/Newtonsoft.Json",
            "src/Api/Api.csproj:12",
            "nuget-central-pin",
            'Directory.Packages.props <PackageVersion Include="Newtonsoft.Json" Version="1.0.1" /> with '
            "<CentralPackageTransitivePinningEnabled>true</CentralPackageTransitivePinningEnabled> "
            "(without central package management: dotnet add package Newtonsoft.Json --version 1.0.1)",
            "dotnet nuget why Newtonsoft.Json",
        ),
    ],
)
def test_override_and_verify(eco: str, package: str, location: str, mechanism: str, change: str, verify: str) -> None:
    plan = _plan(eco, package, location)
    edit = plan.step("edit:app")
    assert (edit.mechanism, edit.change) == (mechanism, change)
    assert plan.step("build:app").verify == verify
    assert edit.edits[0]["tool"] == ("dotnet" if eco == "nuget" else location.split(".")[0])


def test_a_nuget_project_defaults_to_dotnet_without_a_location() -> None:
    plan = _plan("nuget", "pkg:nuget/Newtonsoft.Json", "")
    edit = plan.step("edit:app")
    assert edit.mechanism == "nuget-central-pin"
    assert edit.edits[0]["tool"] == "dotnet"
