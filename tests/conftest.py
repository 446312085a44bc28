"""Shared fixtures: a real embedded FalkorDB per test session, and paths to examples and corpus."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from planner.store import embedded_server
from planner.store.embedded import EmbeddedStore

# CI runs property tests with a fixed seed so that a submission's result does not depend on the
# examples a random run happens to draw; local runs keep exploring new examples.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CORPUS = Path(os.environ.get("DEPWAVE_CORPUS", ROOT.parent / "shared" / "corpus"))


@pytest.fixture(scope="session")
def data_dir() -> Iterator[Path]:
    """One embedded server for the whole session, always stopped at the end (no orphans)."""
    path = Path(tempfile.mkdtemp(prefix="depwave-test-"))
    try:
        yield path
    finally:
        embedded_server.stop(path)
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture()
def short_data_dir() -> Iterator[Path]:
    """An empty data directory of its own, under a short path (a unix socket's path must fit in 100
    bytes, which pytest's tmp_path may not), removed after the test."""
    path = Path(tempfile.mkdtemp(prefix="dw-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture()
def store(data_dir: Path) -> Iterator[EmbeddedStore]:
    """An empty embedded store (the graph is deleted before each test)."""
    s = EmbeddedStore(data_dir)
    s.reset()
    try:
        yield s
    finally:
        s.close()


@pytest.fixture(scope="session")
def corpus() -> Path:
    """../shared/corpus, or skip when this checkout has none beside it."""
    if not (CORPUS / "INDEX.md").exists():
        pytest.skip(f"the shared corpus is not at {CORPUS}")
    return CORPUS


def sbom(component: dict | None, components: list[dict], dependencies: list[dict] | None = None, spec="1.5") -> dict:
    """A small CycloneDX document for tests."""
    doc: dict = {"bomFormat": "CycloneDX", "specVersion": spec, "version": 1, "components": components}
    if component is not None:
        doc["metadata"] = {"component": component}
    if dependencies is not None:
        doc["dependencies"] = dependencies
    return doc


def comp(purl: str, scope: str | None = None, **extra) -> dict:
    """A component whose bom-ref is its purl."""
    c = {"type": "library", "bom-ref": purl, "purl": purl, "name": purl.split("/")[-1].split("@")[0]}
    if scope:
        c["scope"] = scope
    c.update(extra)
    return c


SOURCES = Path(os.environ.get("DEPWAVE_SOURCES", ROOT.parent / "shared" / "sources"))
SOURCE_FIXTURES = FIXTURES / "source"


@pytest.fixture(scope="session")
def sources() -> Path:
    """../shared/sources (real source code for reachability), or skip when absent."""
    if not (SOURCES / "README.md").exists():
        pytest.skip(f"the shared sources are not at {SOURCES}")
    return SOURCES


def scan_fixture(relative: str):
    """The scan of one file under tests/fixtures/source, its path shown repo-relative."""
    from loaders.source import scan_source

    return scan_source((SOURCE_FIXTURES / relative).read_bytes(), relative)


def calls_of(scan) -> list[tuple[str, int, int, str, str]]:
    """``(symbol, line, column, arguments, via)`` of each call site of a scan, in file order."""
    return [(c.symbol, c.line, c.column, c.arguments, c.via) for c in scan.calls]


def check_patch(root: Path, path: str, before: str | None, diff: str, after: str) -> None:
    """``diff`` applies to a repository holding ``before`` at ``path`` (None: the file does not exist)
    with ``git apply --check`` and ``patch -p1 --dry-run``, and ``git apply`` turns it into ``after``
    byte for byte."""
    import subprocess

    repo = root / "repo"
    if repo.exists():
        shutil.rmtree(repo)
    (repo / path).parent.mkdir(parents=True, exist_ok=True)
    if before is not None:
        (repo / path).write_bytes(before.encode("utf-8"))
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    patch = root / "change.patch"
    patch.write_bytes(diff.encode("utf-8"))
    for cmd in (["git", "apply", "--check", str(patch)], ["patch", "-p1", "--dry-run", "-s", "-i", str(patch)]):
        done = subprocess.run(cmd, cwd=repo, capture_output=True, text=True)
        assert done.returncode == 0, f"{' '.join(cmd[:2])} refused the patch: {done.stdout}{done.stderr}"
    subprocess.run(["git", "apply", str(patch)], cwd=repo, check=True)
    assert (repo / path).read_bytes() == after.encode("utf-8")


# ------------------------------------------------------------------------- headless Chromium (report)

CHROMIUM = Path(os.environ.get("DEPWAVE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    """A Playwright browser context on Debian's Chromium (new empty profile), or skip when no Chromium is
    installed (CI installs it: .ci/run)."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(
                f"CI must run the browser tests, but no Chromium is installed at {CHROMIUM} (.ci/run installs it)"
            )
        pytest.skip(f"no Chromium installed at {CHROMIUM} (apt-get install chromium; .ci/run does)")
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="depwave-chromium-")
    try:
        with sync_playwright() as pw:
            context = pw.chromium.launch_persistent_context(
                profile,
                executable_path=str(CHROMIUM),
                headless=True,
                args=CHROMIUM_ARGS,
                viewport={"width": 1280, "height": 900},
            )
            try:
                yield context
            finally:
                context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def synthetic_report_docs(graph, plan, generated_at):
    """The report documents of a planner-shaped synthetic organisation (tests/planner/synthetic_org.py):
    an exposure report with one project per exposed node (path down the library chain to log4j-core,
    evidence chain, services per deployment, owners) and the plan's JSON."""
    import networkx as nx

    from planner.exposure import AffectedPackage, Evidence, ExposureReport, ProjectExposure
    from planner.render import plan_view
    from planner.render.report import ReportDocuments

    package = plan.target.package
    projects = []
    for key, a in sorted(graph.nodes(data=True)):
        if not a.get("exposure"):
            continue
        chain = list(nx.dfs_preorder_nodes(graph, key))[1:]  # each synthetic project has one provider
        versions = [f"pkg:maven/com.synth/{k}@1.0.0" for k in chain] + [f"{package}@2.14.1"]
        services = [
            {
                "service": f"{env}/{svc}",
                "name": svc,
                "environment": env,
                "image": f"synth/{svc}:1",
                "origin": "manifest",
            }
            for svc, env in a.get("deployments") or []
        ]
        projects.append(
            ProjectExposure(
                project=key,
                name=a["name"],
                repo=a["repo"],
                kind=a["kind"],
                ecosystem="maven",
                verdict="exposed",
                reason="resolves affected 2.14.1",
                direct=a["exposure"] == "direct",
                depth=len(versions),
                scope="runtime",
                versions=["2.14.1"],
                path=[key, *versions],
                paths=[[key, *chain, package]],
                change_at=a.get("edit_location"),
                fixed=["2.17.1"],
                recommended="2.17.1",
                via=chain[:1],
                services=services,
                owners=list(a.get("owners") or []),
                evidence=[
                    Evidence("resolves", "2.14.1", None, "runtime", len(versions), True, "bom.json:1", None, versions)
                ],
            )
        )
    affected = [AffectedPackage("GHSA-jfh8-c2jp-5v3q", package, "Maven", {}, ("2.15.0", "2.17.1"), "Log4Shell")]
    report = ExposureReport(["GHSA-jfh8-c2jp-5v3q"], affected, projects, [])
    spread = {"schema": "depwave.versions/1", "package": package, "versions": [], "declared_only": []}
    return ReportDocuments(report.as_dict(), plan_view.as_dict(plan), generated_at, [spread])


@pytest.fixture()
def libraries_in_fix_phase(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run the CLI where ./depwave.yaml says ``defer_libraries: false``: for tests that follow every library of
    examples/ through edit, build and publish in the fix phase (the default defers the library chain that no
    production service waits for to the clean-up phase)."""
    where = tmp_path_factory.mktemp("policy")
    (where / "depwave.yaml").write_text("defer_libraries: false\n")
    monkeypatch.chdir(where)
    return where / "depwave.yaml"


def records_of(result, kind: type) -> list:
    """The records of one kind in a ``ParseResult``, in order."""
    return [r for r in result.records if isinstance(r, kind)]
