"""A package name with a newline or ESC cannot forge SPDX tag-value fields or reach the terminal."""

from __future__ import annotations

import json
from pathlib import Path

from planner import sbom
from planner.ingest import ingest
from planner.sbom import collect
from tests.conftest import comp
from tests.planner.sbom.document_info import INFO

#: a version in a purl is percent-decoded: this one holds a newline, ESC, BEL and a closing </text>
EVIL = "pkg:npm/left-pad@1.3.0%0APackageName:%20injected%1B]0;owned%07%3C/text%3E"


def test_tag_value_keeps_one_field_per_line(store, tmp_path: Path) -> None:
    repo = tmp_path / "web"
    repo.mkdir()
    bom = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "metadata": {"component": comp("pkg:npm/web@1.0.0", type="application")},
        "components": [comp(EVIL, name="left-pad")],
    }
    (repo / "bom.json").write_text(json.dumps(bom))
    assert ingest(store, [tmp_path]).loaded == 1
    subject, projects = collect.for_organisation(store, "acme")
    text = sbom.render(collect.collect(store, subject, projects), INFO, "spdx-tagvalue", None)
    assert "\x1b" not in text and "\x07" not in text
    assert not any(line.startswith("PackageName: injected") for line in text.splitlines())
    assert "PackageVersion: 1.3.0\\u000aPackageName: injected\\u001b]0;owned\\u0007<\\/text>" in text.splitlines()
