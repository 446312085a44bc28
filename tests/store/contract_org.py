"""The two-repository organisation of the store contract: lib publishes acme:lib and resolves log4j-core,
app resolves acme:lib; shared by the contract suite and the CLI tests."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import comp, sbom

LOG4J = "pkg:maven/org.apache.logging.log4j/log4j-core"


def write_lib_app_org(root: Path, app_deps: list[str]) -> None:
    """lib (publishes acme:lib, resolves log4j-core) and app (resolves acme:lib + app_deps)."""
    lib = root / "lib-repo" / "lib"
    app = root / "app-repo"
    lib.mkdir(parents=True, exist_ok=True)
    app.mkdir(parents=True, exist_ok=True)
    core = f"{LOG4J}@2.14.1"
    lib_doc = sbom(
        comp("pkg:maven/com.acme/lib@1.0.0"),
        [comp(core)],
        [{"ref": "pkg:maven/com.acme/lib@1.0.0", "dependsOn": [core]}],
    )
    (lib / "bom.json").write_text(json.dumps(lib_doc))
    deps = ["pkg:maven/com.acme/lib@1.0.0", *app_deps]
    app_doc = sbom(
        comp("pkg:maven/com.acme/app@2.0.0", type="application"),
        [comp(d) for d in deps],
        [{"ref": "pkg:maven/com.acme/app@2.0.0", "dependsOn": deps}],
    )
    (app / "bom.json").write_text(json.dumps(app_doc))
