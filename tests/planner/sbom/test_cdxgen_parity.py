"""depwave sbom against cdxgen on corpus projects: the (name, version) sets of the two BOMs.

Issue 17 asks for >= 99 % agreement on a corpus project. Each project is copied (its manifest and
lockfile only) to a fresh directory, ingested, exported with ``depwave sbom`` (CycloneDX 1.6 JSON),
and cdxgen is run on the same directory the way ../shared/PEERS.md says keeps it offline. cdxgen lists
the project's own local packages as components (ripgrep's path crates, flask itself from uv.lock's
editable root, as PEERS.md describes); depwave models those as projects, not components. The expected
local packages are written here by hand from the lockfiles; every other package version must be on
both sides.

Skips without the corpus or without cdxgen in the depwave cache (``bench/parity.py`` installs it; a
test never does).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner import purl as purls
from planner.cli import cli

CDXGEN = Path(os.environ.get("DEPWAVE_CACHE") or Path.home() / ".cache" / "depwave") / "cdxgen"
CDXGEN_BIN = CDXGEN / "node_modules" / ".bin" / "cdxgen"
CDXGEN_ENV = {
    "CDXGEN_NO_BANNER": "true",
    "FETCH_LICENSE": "false",
    "CDXGEN_FETCH_PKG_METADATA": "false",
    "GO_FETCH_VCS": "false",
    "CDXGEN_ALLOWED_COMMANDS": "ldd",
}
DEMO = "GoogleCloudPlatform__microservices-demo/src"
PAY = f"{DEMO}/paymentservice"
RIPGREP_PATH_CRATES = {
    # Cargo.lock entries without a `source` line: the workspace's own crates
    ("cargo", "globset", "0.4.20"),
    ("cargo", "grep", "0.4.1"),
    ("cargo", "grep-cli", "0.1.12"),
    ("cargo", "grep-index", "0.0.1"),
    ("cargo", "grep-matcher", "0.1.9"),
    ("cargo", "grep-pcre2", "0.1.10"),
    ("cargo", "grep-printer", "0.3.1"),
    ("cargo", "grep-regex", "0.1.14"),
    ("cargo", "grep-searcher", "0.1.17"),
    ("cargo", "ignore", "0.4.33"),
    ("cargo", "ripgrep", "15.2.0"),
}
CASES = [
    # (cdxgen -t, project name, corpus files, packages only cdxgen lists: the project's own, by hand)
    ("js", "paymentservice", (f"{PAY}/package.json", f"{PAY}/package-lock.json"), set()),
    ("go", "frontend", (f"{DEMO}/frontend/go.mod", f"{DEMO}/frontend/go.sum"), set()),
    ("python", "flask", ("pallets__flask/pyproject.toml", "pallets__flask/uv.lock"), {("pypi", "flask", "3.2.0.dev0")}),
    ("python", "poetry", ("python-poetry__poetry/pyproject.toml", "python-poetry__poetry/poetry.lock"), set()),
    ("rust", "ripgrep", ("BurntSushi__ripgrep/Cargo.toml", "BurntSushi__ripgrep/Cargo.lock"), RIPGREP_PATH_CRATES),
]

Item = tuple[str, str, str]


def _item(purl_text: str) -> Item | None:
    """(type, name, version) as both tools spell it: PyPI names PEP 503-normalised, npm names lower-case."""
    try:
        p = purls.parse(purl_text)
    except ValueError:
        return None
    name = p.display_name
    if p.type == "pypi":
        name = re.sub(r"[-_.]+", "-", name).lower()
    elif p.type == "npm":
        name = name.lower()
    return (p.type, name, p.version or "")


def _items(bom: dict) -> set[Item]:
    """Every component with a purl, nested ones too (the document's own subject is in metadata, not here)."""
    out: set[Item] = set()
    todo = list(bom.get("components") or [])
    while todo:
        c = todo.pop()
        todo.extend(c.get("components") or [])
        item = _item(c.get("purl") or "")
        if item is not None:
            out.add(item)
    return out


def _cdxgen(kind: str, directory: Path) -> set[Item]:
    out = directory.parent / "cdxgen.json"
    cmd = [str(CDXGEN_BIN), "-t", kind, "--no-install-deps", "--no-recurse", "--no-babel", "--no-validate"]
    done = subprocess.run(
        [*cmd, "-o", str(out), str(directory)],
        capture_output=True,
        text=True,
        env={**os.environ, **CDXGEN_ENV},
        cwd=directory.parent,
        timeout=300,
    )
    assert done.returncode == 0 and out.exists(), done.stderr[-2000:]
    return _items(json.loads(out.read_text(encoding="utf-8")))


@pytest.mark.corpus
@pytest.mark.skipif(not CDXGEN_BIN.exists(), reason=f"cdxgen is not installed in {CDXGEN} (bench/parity.py does)")
@pytest.mark.parametrize(("kind", "name", "files", "local"), CASES, ids=[c[1] for c in CASES])
def test_sbom_matches_cdxgen(
    store, data_dir: Path, corpus: Path, tmp_path: Path, kind: str, name: str, files, local
) -> None:
    """Every registry package version in one SBOM is in the other (100 %, above the issue's 99 %)."""
    project = tmp_path / name
    project.mkdir()
    for f in files:
        shutil.copyfile(corpus / f, project / Path(f).name)
    runner = CliRunner()
    assert runner.invoke(cli, ["--data-dir", str(data_dir), "ingest", str(project)]).exit_code == 0
    res = runner.invoke(cli, ["--data-dir", str(data_dir), "sbom", name, "--format", "cyclonedx-json"])
    assert res.exit_code == 0, res.output
    ours = _items(json.loads(res.output))
    theirs = _cdxgen(kind, project)
    assert len(ours) > 40
    assert theirs - ours == local, "cdxgen lists a registry package version depwave's SBOM lacks"
    assert ours - theirs == set(), "depwave's SBOM lists a package version cdxgen does not"
