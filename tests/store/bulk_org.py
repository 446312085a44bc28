"""A flat organisation of n repositories, each an application SBOM resolving log4j-core and one npm
package of its own; shared by the bulk-mode and load-statement tests."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import comp, sbom

LOG4J = "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"


def write_bulk_org(root: Path, n: int) -> None:
    """repo0..repo<n-1>, each with a bom.json: app<i> resolves LOG4J and pkg:npm/tp<i>."""
    for i in range(n):
        d = root / f"repo{i}"
        d.mkdir(parents=True)
        me = f"pkg:maven/com.acme/app{i}@1.0.0"
        deps = [LOG4J, f"pkg:npm/tp{i}@1.0.0"]
        doc = sbom(comp(me), [comp(c) for c in deps], [{"ref": me, "dependsOn": deps}])
        (d / "bom.json").write_text(json.dumps(doc))
