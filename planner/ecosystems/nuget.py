"""NuGet packages (``pkg:nuget/Name``), built with the dotnet CLI.

A transitive package is pinned with central package management (``Directory.Packages.props`` with
transitive pinning), or, in a project without it, by referencing the package directly; ``dotnet restore
--force-evaluate`` rewrites ``packages.lock.json``
(https://learn.microsoft.com/nuget/consume-packages/central-package-management)."""

from __future__ import annotations

from planner.ecosystems import schemes
from planner.ecosystems.record import BuildTool, Ecosystem, Lockfile, Override

_RESTORE = "dotnet restore --force-evaluate"

DOTNET = BuildTool(
    name="dotnet",
    files=(
        "*.csproj",
        "*.fsproj",
        "*.vbproj",
        "directory.packages.props",
        "directory.build.props",
        "packages.lock.json",
    ),
    override=Override(
        "nuget-central-pin",
        'Directory.Packages.props <PackageVersion Include="{name}" Version="{version}" /> with '
        "<CentralPackageTransitivePinningEnabled>true</CentralPackageTransitivePinningEnabled> "
        "(without central package management: dotnet add package {name} --version {version})",
    ),
    verify="dotnet nuget why {name}",
    relock=_RESTORE,
    lockfiles=(Lockfile("packages.lock.json", "dotnet", _RESTORE),),
)
ECOSYSTEM = Ecosystem(
    purl_type="nuget",
    osv_name="NuGet",
    parse_version=schemes.nuget,
    range_scheme="nuget",
    build_tools=(DOTNET,),
)
