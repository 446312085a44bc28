"""Closed loop: plan, apply the patches to a copy, re-ingest, and exposure says not-exposed.

How the test stands in for the build. A patch edits manifests; what a build *generates* from them
is then stale: the SBOMs (``bom.json``) the examples' builds write, and the lockfiles that the
commands ``depwave fix`` lists (``go mod tidy``, ``npm install --package-lock-only``,
``./gradlew dependencies --write-locks``, ``pip-compile``) rewrite. Running those tools is not
possible here (no network, and depwave never runs them), so the test does the one thing that is
honest without them: it deletes what the build would regenerate (each file a listed command
rewrites, and the SBOM of every project the plan rebuilds), so that the re-ingest reads the edited
manifests and nothing stale. It never writes a lockfile or an SBOM itself: a test that did would be
asserting its own guess. A relock command (one that picks a version, not one that follows an
edited manifest) would need the tool; the loops below are chosen so that the plan has none, and
the test checks that.

Internal releases (``--release``) are what the library teams would publish; the graph links a
consumer to the library project by package, not by version, so the release itself (the library's
own ``<version>``) is not modelled.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import cli
from tests.conftest import EXAMPLES, FIXTURES

_SBOMS = ("bom.json", "bom.xml")


class Loop:
    """One organisation copied to a temp directory and taken round the loop."""

    def __init__(self, data_dir: Path, org: Path) -> None:
        self.org = org
        self.runner = CliRunner()
        self.data_dir = data_dir

    def run(self, *args: str):
        return self.runner.invoke(cli, ["--data-dir", str(self.data_dir), *args])

    def close(self, plan_args: tuple[str, ...], target: str, releases: tuple[str, ...] = ()) -> dict:
        """Ingest, plan, fix --apply, stand in for the build, re-ingest; the verdicts after."""
        assert self.run("ingest", str(self.org)).exit_code == 0
        plan_text = self.run("plan", *plan_args, "--format", "json").output
        plan = json.loads(plan_text)
        (self.org.parent / "plan.json").write_text(plan_text)
        res = self.run(
            "fix",
            "--plan",
            str(self.org.parent / "plan.json"),
            "--apply",
            str(self.org),
            "--format",
            "json",
            *[x for r in releases for x in ("--release", r)],
        )
        assert res.exit_code == 0, res.output
        fix = json.loads(res.output)
        assert all(f["applied"] for f in fix["files"])
        for command in fix["commands"]:
            assert command["why"].endswith(" changed"), f"a relock would need the tool: {command}"
            for path in command["rewrites"]:
                (self.org / command["repo"] / path).unlink(missing_ok=True)
        rebuilt = {m for s in plan["steps"] if s["kind"] == "build" and s["phase"] == "fix" for m in s["members"]}
        for key in rebuilt:
            repo, directory = key.split("#", 1)[0].split("/", 1)
            for name in _SBOMS:
                (self.org / repo / directory / name).unlink(missing_ok=True)
        assert self.run("ingest", str(self.org)).exit_code == 0
        exposure = json.loads(self.run("exposure", target, "--format", "json").output)
        covered = {
            m for s in plan["steps"] if s["phase"] == "fix" and s["kind"] in ("edit", "relock") for m in s["members"]
        }
        verdicts = {p["project"]: p["verdict"] for p in exposure["projects"]}
        return {"plan": plan, "fix": fix, "covered": covered, "verdicts": verdicts}


def _copy(src: Path, dst: Path) -> Path:
    """A writable checkout of ``src`` (the shared corpus is read-only, and fix --apply refuses read-only
    files: a Perforce-style checkout must be opened for edit first)."""
    shutil.copytree(src, dst, copy_function=shutil.copyfile)
    for d in [dst, *(p for p in dst.rglob("*") if p.is_dir())]:
        d.chmod(0o755)
    return dst


def test_examples(store, data_dir: Path, tmp_path: Path, libraries_in_fix_phase: Path) -> None:
    loop = Loop(data_dir, _copy(EXAMPLES, tmp_path / "org"))
    releases = (
        "pkg:maven/com.acme.logging/logging-core=1.4.1",
        "pkg:maven/com.acme.commons/commons-util=2.1.1",
        "pkg:maven/com.acme.auth/auth-client=1.2.1",
    )
    out = loop.close(("--advisory", "GHSA-jfh8-c2jp-5v3q"), "GHSA-jfh8-c2jp-5v3q", releases)
    assert out["covered"] == {
        "acme-logging/logging-core#pkg:maven/com.acme.logging/logging-core",
        "acme-auth/.#pkg:maven/com.acme.auth/auth-client",
        "acme-commons/.#pkg:maven/com.acme.commons/commons-util",
        "acme-platform/.#pkg:maven/com.acme.platform/platform-web",
        "billing-service/.#pkg:maven/com.acme.billing/billing-service",
        "orders-service/.#pkg:maven/com.acme.orders/orders-service",
        "integration-tests/.#pkg:maven/com.acme.qa/integration-tests",
    }
    assert {k: out["verdicts"].get(k) for k in out["covered"]} == dict.fromkeys(out["covered"], "not-exposed")
    assert [p["step"] for p in out["fix"]["pending"]] == [
        "decide:image:registry.acme.io/legacy-reports:2019.4:unresolved"
    ]
    assert (loop.org / "orders-service" / "gradle.lockfile").exists() is False  # ./gradlew --write-locks rewrites it


def test_multi_module_fixtures(store, data_dir: Path, tmp_path: Path) -> None:
    """A Maven reactor whose version comes from an in-repo BOM's property, and a Gradle multi-project
    build with a lockfile (tests/fixtures/maven/multi, tests/fixtures/gradle/groovy)."""
    org = tmp_path / "org"
    _copy(FIXTURES / "maven" / "multi", org / "multi")
    _copy(FIXTURES / "gradle" / "groovy", org / "shop")
    loop = Loop(data_dir, org)
    log4j = "pkg:maven/org.apache.logging.log4j/log4j-core"
    out = loop.close(("--package", log4j, "--fixed", "2.27.0"), f"{log4j}@<2.27.0")
    assert out["covered"] == {"multi/app#pkg:maven/com.acme/acme-app", "shop/app#pkg:maven/com.acme.shop/app"}
    assert {k: out["verdicts"].get(k) for k in out["covered"]} == dict.fromkeys(out["covered"], "not-exposed")
    rows = {(p["repo"], p["file"]): (p["mechanism"], p["line"]) for p in out["fix"]["patches"]}
    assert rows == {("multi", "bom/pom.xml"): ("property", 9), ("shop", "app/build.gradle"): ("direct-dependency", 9)}


@pytest.mark.corpus
def test_corpus_maven_reactor(store, data_dir: Path, tmp_path: Path, corpus: Path) -> None:
    """apache/shiro: 21 modules declare log4j-core (test, runtime or compile scope) at the root POM's
    ${log4j.version} (a probe range, the corpus being current): one property bump, the other modules
    covered by it. The 20 more that only depend on a sibling with a test-scoped log4j-core are not
    exposed (Maven never passes a test dependency on; they were covered before issue 12's scope rules)."""
    _copy(corpus / "apache__shiro", tmp_path / "org" / "shiro")
    loop = Loop(data_dir, tmp_path / "org")
    log4j = "pkg:maven/org.apache.logging.log4j/log4j-core"
    out = loop.close(("--package", log4j, "--fixed", "2.27.0"), f"{log4j}@<2.27.0")
    assert len(out["covered"]) == 21
    assert {k: out["verdicts"].get(k) for k in out["covered"]} == dict.fromkeys(out["covered"], "not-exposed")
    changed = [p for p in out["fix"]["patches"] if p["status"] == "changed"]
    assert [(p["file"], p["line"], p["written_before"], p["written_after"]) for p in changed] == [
        ("pom.xml", 117, "2.26.1", "2.27.0")
    ]
    # shiro-test-coverage (parent 3.0.0-SNAPSHOT, not built by the reactor) was a pending decision; it only
    # depends on modules whose log4j-core is test-scoped, so it no longer reaches log4j-core at all
    assert out["fix"]["pending"] == []
    assert "shiro/test-coverage#pkg:maven/org.apache.shiro/shiro-test-coverage" not in out["verdicts"]


@pytest.mark.corpus
def test_corpus_go_modules(store, data_dir: Path, tmp_path: Path, corpus: Path) -> None:
    """etcd-io/etcd: 13 go.mod files with local replaces; grpc required directly or // indirect."""
    _copy(corpus / "etcd-io__etcd", tmp_path / "org" / "etcd")
    loop = Loop(data_dir, tmp_path / "org")
    grpc = "pkg:golang/google.golang.org/grpc"
    out = loop.close(("--package", grpc, "--fixed", "1.84.0"), f"{grpc}@<1.84.0")
    assert len(out["covered"]) == 12
    assert {k: out["verdicts"].get(k) for k in out["covered"]} == dict.fromkeys(out["covered"], "not-exposed")
    assert len([p for p in out["fix"]["patches"] if p["status"] == "changed"]) == 11  # every go.mod but go.work's
    assert {c["command"] for c in out["fix"]["commands"]} == {"go mod tidy"}
    # the go.work workspace is one build unit (one edit step); go.work records no versions, so its
    # modules' edits are its fix and nothing is left pending (it was, before go.work members were carried)
    assert out["fix"]["pending"] == []


@pytest.mark.corpus
def test_corpus_npm_and_pip(store, data_dir: Path, tmp_path: Path, corpus: Path) -> None:
    """GoogleCloudPlatform/microservices-demo (its src/ tree): npm services pin @grpc/grpc-js exactly
    in package.json (with a lockfile); Python services pin requests in pip-compile .in files."""
    org = tmp_path / "org"
    _copy(corpus / "GoogleCloudPlatform__microservices-demo" / "src", org / "microservices-demo" / "src")
    loop = Loop(data_dir, org)
    grpc = "pkg:npm/%40grpc/grpc-js"
    out = loop.close(("--package", grpc, "--fixed", "1.14.5"), f"{grpc}@<1.14.5")
    assert out["covered"] == {
        "microservices-demo/src/currencyservice#pkg:npm/grpc-currency-service",
        "microservices-demo/src/paymentservice#pkg:npm/paymentservice",
    }
    assert {k: out["verdicts"].get(k) for k in out["covered"]} == dict.fromkeys(out["covered"], "not-exposed")
    assert sorted(c["rewrites"][0] for c in out["fix"]["commands"]) == [
        "src/currencyservice/package-lock.json",
        "src/paymentservice/package-lock.json",
    ]

    requests = "pkg:pypi/requests"
    out = loop.close(("--package", requests, "--fixed", "2.33.0"), f"{requests}@<2.33.0")
    patched = {p["project"] for p in out["fix"]["patches"]}
    assert patched == {
        "microservices-demo/src/emailservice#pkg:generic/emailservice",
        "microservices-demo/src/recommendationservice#pkg:generic/recommendationservice",
    }
    assert {k: out["verdicts"][k] for k in patched} == dict.fromkeys(patched, "not-exposed")
    # locust and the LangChain stack bring requests into these two: the plan waits for their releases
    waiting = {p["step"].split(":", 1)[1] for p in out["fix"]["pending"]}
    assert waiting == out["covered"] - patched
    assert {out["verdicts"][k] for k in waiting} == {"exposed"}
