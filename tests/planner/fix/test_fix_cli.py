"""depwave fix through the CLI: patch files, JSON, applying to checkouts, and bad input."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import EXIT_COMPLETED_WITH_ERRORS, EXIT_USAGE, cli
from tests.conftest import EXAMPLES
from tests.planner.fix.examples_fix import ADVISORY, RELEASES


@pytest.fixture()
def org(tmp_path: Path) -> Path:
    """A copy of examples/ (each top-level directory a repository)."""
    shutil.copytree(EXAMPLES, tmp_path / "org")
    return tmp_path / "org"


@pytest.fixture()
def run(store, data_dir: Path, org: Path, libraries_in_fix_phase: Path):
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, ["--data-dir", str(data_dir), *args])

    assert invoke("ingest", str(org)).exit_code == 0
    return invoke


def test_out_writes_one_patch_per_step_and_repository_and_the_json(run, org: Path, tmp_path: Path) -> None:
    out = tmp_path / "patches"
    res = run("fix", "--advisory", ADVISORY, *RELEASES, "--out", str(out), "--format", "json")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    assert doc["schema"] == "depwave.fix/1" and doc["status"] == "ok" and doc["errors"] == []
    assert doc["target"] == {
        "package": "pkg:maven/org.apache.logging.log4j/log4j-core",
        "fixed_version": "2.15.0",
        "advisories": [ADVISORY],
    }
    written = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert written == [
        "acme-auth/04-edit-com.acme.auth-auth-client-com.acme.commons-commons-util.patch",
        "acme-commons/04-edit-com.acme.auth-auth-client-com.acme.commons-commons-util.patch",
        "acme-logging/01-edit-com.acme.logging-logging-core.patch",
        "acme-platform/07-edit-com.acme.platform-platform-web.patch",
        "billing-service/01-edit-com.acme.billing-billing-service.patch",
        "fix.json",
        "integration-tests/01-edit-com.acme.qa-integration-tests.patch",
        "orders-service/01-edit-com.acme.orders-orders-service.patch",
    ]
    assert json.loads((out / "fix.json").read_text()) == doc
    rows = {(p["repo"], p["file"]): p for p in doc["patches"]}
    core = rows[("acme-logging", "pom.xml")]
    assert (core["mechanism"], core["line"], core["before"], core["after"], core["status"]) == (
        "property",
        32,
        "2.14.1",
        "2.15.0",
        "changed",
    )
    assert core["step"] == "edit:acme-logging/logging-core#pkg:maven/com.acme.logging/logging-core"
    assert core["patch"] == "acme-logging/01-edit-com.acme.logging-logging-core.patch"
    assert rows[("billing-service", "pom.xml")]["mechanism"] == "dependency-management"
    assert rows[("orders-service", "build.gradle")]["mechanism"] == "direct-dependency"
    web = rows[
        ("acme-platform", "pom.xml")
    ]  # propagate: commons-util moves to its release; auth-client is not declared
    assert (web["package"], web["written_before"], web["written_after"]) == (
        "pkg:maven/com.acme.commons/commons-util",
        "2.1.0",
        "2.1.1",
    )
    assert doc["commands"] == [
        {
            "step": "edit:orders-service/.#pkg:maven/com.acme.orders/orders-service",
            "repo": "orders-service",
            "directory": ".",
            "command": "./gradlew dependencies --write-locks",
            "rewrites": ["gradle.lockfile"],
            "why": "build.gradle changed",
        }
    ]
    assert [p["step"] for p in doc["pending"]] == ["decide:image:registry.acme.io/legacy-reports:2019.4:unresolved"]
    assert not [p for p in out.rglob(".*") if p.is_file()], "no temp file left behind"
    for patch in out.glob("*/*.patch"):  # each applies in its repository with git apply and patch -p1
        repo = org / patch.parent.name
        for cmd in (["git", "apply", "--check", str(patch)], ["patch", "-p1", "--dry-run", "-s", "-i", str(patch)]):
            done = subprocess.run(cmd, cwd=repo, capture_output=True, text=True)
            assert done.returncode == 0, f"{patch}: {done.stdout}{done.stderr}"


def test_a_saved_plan_gives_the_same_patches(run, tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(run("plan", "--advisory", ADVISORY, "--format", "json").output)
    from_plan = run("fix", "--plan", str(plan), "--format", "json")
    direct = run("fix", "--advisory", ADVISORY, "--format", "json")
    assert from_plan.exit_code == direct.exit_code == 0
    assert json.loads(from_plan.output) == json.loads(direct.output)
    assert run("fix", "--plan", str(plan), "--advisory", ADVISORY).exit_code == EXIT_USAGE


def test_text_output_shows_each_step_with_its_diff(run) -> None:
    res = run("fix", "--advisory", ADVISORY)
    assert res.exit_code == 0
    assert "wave 1  edit acme-logging/logging-core\n" in res.output  # a label; the step id is in the JSON
    assert "  acme-logging/pom.xml:32  property  2.14.1 -> 2.15.0  [changed]" in res.output
    assert "    +    <log4j2.version>2.15.0</log4j2.version>" in res.output
    words = " ".join(res.output.split())  # lines are wrapped to the terminal
    assert "edit acme-platform/platform-web: acme-platform/" in words  # pending steps by label too
    assert "waits for the release of com.acme.logging:logging-core" in words  # no --release given
    assert res.output.rstrip().endswith("4 patches in 4 repositories, 1 commands, 4 pending, 0 errors")


def test_apply_writes_the_checkouts_and_refuses_a_file_changed_since_ingest(run, org: Path, tmp_path: Path) -> None:
    checkouts = tmp_path / "checkouts"
    shutil.copytree(org, checkouts)
    changed = checkouts / "integration-tests" / "pom.xml"
    changed.write_text(changed.read_text().replace("<name>", "<!-- local edit -->\n  <name>", 1))
    before = changed.read_bytes()
    res = run("fix", "--advisory", ADVISORY, "--apply", str(checkouts), "--format", "json")
    assert res.exit_code == EXIT_COMPLETED_WITH_ERRORS
    doc = json.loads(res.output)
    assert len(doc["errors"]) == 1
    assert doc["errors"][0].startswith(f"integration-tests/pom.xml:0: {changed} changed since it was ingested")
    assert changed.read_bytes() == before, "the refused file is left alone"
    assert "<log4j2.version>2.15.0</log4j2.version>" in (checkouts / "acme-logging" / "pom.xml").read_text()
    assert all(f["applied"] for f in doc["files"]) and len(doc["files"]) == 3
    again = run("fix", "--advisory", ADVISORY, "--apply", str(checkouts), "--format", "json")
    assert again.exit_code == EXIT_COMPLETED_WITH_ERRORS  # what the first run wrote differs from the ingest now
    assert not [f for f in json.loads(again.output)["files"] if f["applied"]]


def test_a_missing_checkout_is_one_message(run, tmp_path: Path) -> None:
    empty = tmp_path / "nothing-checked-out"
    empty.mkdir()
    res = run("fix", "--advisory", ADVISORY, "--apply", str(empty), "--format", "json")
    assert res.exit_code == EXIT_COMPLETED_WITH_ERRORS
    errors = json.loads(res.output)["errors"]
    assert f"acme-logging/pom.xml:0: missing checkout: {empty / 'acme-logging' / 'pom.xml'} does not exist" in errors
    assert not list(empty.iterdir()), "nothing written"


def test_a_plan_step_with_no_location_is_one_message(run, tmp_path: Path) -> None:
    plan = json.loads(run("plan", "--advisory", ADVISORY, "--format", "json").output)
    step = next(s for s in plan["steps"] if s["id"].startswith("edit:integration-tests"))
    step["location"] = None
    step["edits"][0]["location"] = None
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    res = run("fix", "--plan", str(path), "--format", "json")
    assert res.exit_code == EXIT_COMPLETED_WITH_ERRORS
    assert json.loads(res.output)["errors"] == [
        "edit:integration-tests/.#pkg:maven/com.acme.qa/integration-tests: "
        "integration-tests/.#pkg:maven/com.acme.qa/integration-tests has no location to edit "
        "(the plan could not tell where the version is set)"
    ]


@pytest.mark.parametrize(
    ("package", "fixed", "command", "rewrites"),
    [
        # storefront declares ^4.17.15 and locks 4.17.15: the range admits the fix, only the lockfile moves
        ("pkg:npm/lodash", "4.17.21", "npm install lodash@4.17.21 --package-lock-only", "package-lock.json"),
        # recommendations declares requests>=2.25 and pins 2.25.1 in its pip-compile output
        ("pkg:pypi/requests", "2.31.0", "pip-compile --upgrade-package requests==2.31.0", "requirements.txt"),
    ],
)
def test_a_lockfile_only_fix_is_the_exact_command(run, package: str, fixed: str, command: str, rewrites: str) -> None:
    doc = json.loads(run("fix", "--package", package, "--fixed", fixed, "--format", "json").output)
    assert doc["patches"] == [] and doc["errors"] == []
    [row] = doc["commands"]
    assert (row["command"], row["rewrites"], row["directory"], row["why"]) == (command, [rewrites], ".", "relock")


def test_a_plan_saved_before_steps_had_edits_still_gives_the_single_member_patches(run, tmp_path: Path) -> None:
    plan = json.loads(run("plan", "--advisory", ADVISORY, "--format", "json").output)
    for step in plan["steps"]:
        del step["edits"]
    path = tmp_path / "old-plan.json"
    path.write_text(json.dumps(plan))
    doc = json.loads(run("fix", "--plan", str(path), "--format", "json").output)
    assert sorted((p["repo"], p["file"], p["mechanism"]) for p in doc["patches"]) == [
        ("acme-logging", "pom.xml", "property"),
        ("billing-service", "pom.xml", "dependency-management"),
        ("integration-tests", "pom.xml", "direct-dependency"),
        ("orders-service", "build.gradle", "direct-dependency"),
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--release", "pkg:maven/com.acme.logging/logging-core"), "expected PURL=VERSION"),
        (("--release", "logging-core=1.4.1"), "not a package URL"),
    ],
)
def test_bad_options_are_usage_errors(run, args: tuple[str, ...], message: str) -> None:
    res = run("fix", "--advisory", ADVISORY, *args)
    assert res.exit_code == EXIT_USAGE and message in res.output


def test_a_file_that_is_not_a_plan_is_a_usage_error(run, tmp_path: Path) -> None:
    bad = tmp_path / "plan.json"
    bad.write_text('{"schema": "depwave.exposure/1"}')
    res = run("fix", "--plan", str(bad))
    assert res.exit_code == EXIT_USAGE and "not a plan (expected schema depwave.plan/1" in res.output


PARENT = """<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.acme</groupId>
  <artifactId>acme-parent</artifactId>
  <version>7</version>
  <packaging>pom</packaging>
  <properties>
    <log4j2.version>2.14.1</log4j2.version>
  </properties>
  <dependencyManagement>
    <dependencies>
      <dependency>
        <groupId>org.apache.logging.log4j</groupId>
        <artifactId>log4j-core</artifactId>
        <version>${log4j2.version}</version>
      </dependency>
    </dependencies>
  </dependencyManagement>
</project>
"""
CHILD = """<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <parent>
    <groupId>com.acme</groupId>
    <artifactId>acme-parent</artifactId>
    <version>7</version>
    <relativePath/>
  </parent>
  <artifactId>svc</artifactId>
  <version>1.0.0</version>

  <dependencies>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-core</artifactId>
    </dependency>
  </dependencies>
</project>
"""


LOG4J_FIX = ["--package", "pkg:maven/org.apache.logging.log4j/log4j-core", "--fixed", "2.15.0", "--format", "json"]
LOG4J_AFFECTED = "pkg:maven/org.apache.logging.log4j/log4j-core@<2.15.0"


def _ingest_repos(data_dir: Path, root: Path, poms: dict[str, str]):
    """Each repository's pom.xml under ``root``, ingested; returns a runner of depwave commands on that store."""
    for repo, text in poms.items():
        (root / repo).mkdir(parents=True)
        (root / repo / "pom.xml").write_text(text)
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, ["--data-dir", str(data_dir), *args])

    assert invoke("ingest", str(root)).exit_code == 0
    return invoke


def test_a_version_set_by_a_parent_pom_in_another_repository_is_overridden_in_the_child(
    store, data_dir: Path, tmp_path: Path
) -> None:
    """The company parent POM (its own repository, released as com.acme:acme-parent:7) sets log4j2.version;
    the service's repository cannot change that release: its POM overrides the property."""
    run = _ingest_repos(data_dir, tmp_path / "org", {"acme-parent": PARENT, "svc": CHILD})
    # exposure and the plan name svc's own file: its log4j-core dependency (line 16), where the version is
    # overridden; before, both said svc pom.xml:9, which is line 9 of acme-parent/pom.xml
    exposure = run("exposure", LOG4J_AFFECTED, "--format", "json")
    [project] = json.loads(exposure.output)["projects"]
    [evidence] = project["evidence"]
    assert project["change_at"] == "pom.xml:16"
    assert (evidence["version_location"], evidence["version_repo"], evidence["version_property"]) == (
        "pom.xml:9",
        "acme-parent",
        "log4j2.version",
    )
    plan = json.loads(run("plan", *LOG4J_FIX).output)
    [edit] = [s for s in plan["steps"] if s["kind"] == "edit"]
    assert (edit["repo"], edit["location"], edit["edits"][0]["property"]) == ("svc", "pom.xml:16", "log4j2.version")
    assert edit["edits"][0]["overrides"] == "acme-parent/pom.xml:9"
    assert edit["change"] == "<log4j2.version>2.15.0</log4j2.version> in this POM, overriding acme-parent/pom.xml:9"
    res = run("fix", *LOG4J_FIX)
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    [row] = doc["patches"]
    assert (row["repo"], row["file"], row["mechanism"], row["line"]) == ("svc", "pom.xml", "property-override", 14)
    assert row["notes"] == [
        "log4j2.version is set by the parent POM acme-parent/pom.xml:9; this POM overrides it until that parent "
        "releases 2.15.0"
    ]
    assert (
        doc["files"][0]["diff"]
        == """diff --git a/pom.xml b/pom.xml
--- a/pom.xml
+++ b/pom.xml
@@ -10,6 +10,10 @@
   <artifactId>svc</artifactId>
   <version>1.0.0</version>
 
+  <properties>
+    <log4j2.version>2.15.0</log4j2.version>
+  </properties>
+
   <dependencies>
     <dependency>
       <groupId>org.apache.logging.log4j</groupId>
"""
    )


#: a BOM of its own repository: the parent's text with the BOM's coordinates (line 9 sets log4j2.version)
BOM = PARENT.replace(
    "<artifactId>acme-parent</artifactId>\n  <version>7</version>",
    "<artifactId>acme-bom</artifactId>\n  <version>3</version>",
)
ORDERS = """<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.acme</groupId>
  <artifactId>orders</artifactId>
  <version>1.0.0</version>
  <dependencyManagement>
    <dependencies>
      <dependency>
        <groupId>com.acme</groupId>
        <artifactId>acme-bom</artifactId>
        <version>3</version>
        <type>pom</type>
        <scope>import</scope>
      </dependency>
    </dependencies>
  </dependencyManagement>
  <dependencies>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-core</artifactId>
    </dependency>
  </dependencies>
</project>
"""


def test_a_version_managed_by_a_bom_of_another_repository_is_pinned_in_the_importer(
    store, data_dir: Path, tmp_path: Path
) -> None:
    """com.acme:acme-bom:3 (its own repository) manages log4j-core at its ${log4j2.version}; orders imports
    it. The importer cannot override a BOM's property (Maven resolves an imported BOM in its own model), so
    the plan pins log4j-core in orders' own <dependencyManagement> (an explicit entry wins over an import).
    Before: the plan said 'orders/pom.xml:9 <log4j2.version>' (line 9 of the BOM) and fix failed."""
    run = _ingest_repos(data_dir, tmp_path / "org", {"acme-bom": BOM, "orders": ORDERS})
    exposure = run("exposure", LOG4J_AFFECTED, "--format", "json")
    projects = {p["name"]: p for p in json.loads(exposure.output)["projects"]}
    orders = projects["com.acme:orders"]
    [evidence] = orders["evidence"]
    assert orders["change_at"] == "pom.xml:21"  # its own log4j-core dependency
    assert (evidence["version_location"], evidence["version_repo"], evidence["version_property"]) == (
        "pom.xml:9",
        "acme-bom",
        None,
    )
    plan = json.loads(run("plan", *LOG4J_FIX).output)
    [edit] = [s for s in plan["steps"] if s["kind"] == "edit" and s["repo"] == "orders"]
    assert (edit["location"], edit["mechanism"], edit["edits"][0]["overrides"]) == (
        "pom.xml:21",
        "dependency-management",
        "acme-bom/pom.xml:9",
    )
    res = run("fix", *LOG4J_FIX)
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    rows = [r for r in doc["patches"] if r["repo"] == "orders"]
    assert [(r["file"], r["mechanism"], r["after"]) for r in rows] == [("pom.xml", "dependency-management", "2.15.0")]
    assert doc["errors"] == []
