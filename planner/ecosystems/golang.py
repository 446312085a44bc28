"""Go modules (``pkg:golang/module/path``), built with the go command."""

from __future__ import annotations

from planner.ecosystems import schemes
from planner.ecosystems.record import BuildTool, Ecosystem, Lockfile, Override

GO = BuildTool(
    name="go",
    files=("go.mod", "go.sum", "go.work"),
    override=Override("go-require", "go get {name}@{go_version} (require {name} {go_version} // indirect)"),
    verify="go list -m {name}",
    relock="go get {name}@{go_version} && go mod tidy",
    lockfiles=(Lockfile("go.sum", "go", "go mod tidy"),),
    build_lists=("go.mod",),
    workspaces=("go.work",),
)
ECOSYSTEM = Ecosystem(purl_type="golang", osv_name="Go", parse_version=schemes.go, build_tools=(GO,))
