"""``mvn dependency:tree`` loader: fixtures, project matching, bad input, fuzzing, corpus cross-check."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders.base import StaticContext
from loaders.maven.dependency_tree import MavenDependencyTreeLoader
from loaders.maven.pom import MavenPomLoader
from planner.errors import ParseError
from planner.model import Declared, Project, Resolved, Source, VersionDependency
from tests.conftest import FIXTURES, records_of

LOADER = MavenDependencyTreeLoader()
DIR = FIXTURES / "maven"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("dependency-tree.txt", True),
        ("gcsio/dependency_tree.txt", True),
        ("mvn-dependency-tree.txt", True),
        ("gcsio.dependency-tree.txt", True),
        ("Dependency-Tree.TXT", True),
        ("dependency-tree.json", False),
        ("requirements.txt", False),
        ("prodReleaseRuntimeClasspath.txt", False),
        ("tree.txt", False),
        ("dependency-tree.txt.orig", False),
    ],
)
def test_matches_file_names(path: str, expected: bool) -> None:
    assert LOADER.matches(path) is expected


@pytest.fixture()
def multi():
    poms = {("acme", p.relative_to(DIR / "multi").as_posix()): p.read_text() for p in (DIR / "multi").rglob("pom.xml")}
    text = (DIR / "tree/dependency-tree.txt").read_text()
    ctx = StaticContext({**poms, ("acme", "reports/dependency-tree.txt"): text})
    return LOADER.parse(text, Source("acme", "reports/dependency-tree.txt", "fixtures/dependency-tree.txt"), ctx), ctx


def test_multi_module_output_gives_one_project_per_root_keyed_like_the_pom(multi) -> None:
    result, ctx = multi
    assert result.warnings == []
    keys = [p.key for p in records_of(result, Project)]
    assert keys == ["acme/lib#pkg:maven/com.acme/acme-lib", "acme/app#pkg:maven/com.acme/acme-app"]
    pom_keys = set()
    for src in ctx.sources():
        if src.path.endswith("pom.xml"):
            pom_keys |= {
                p.key for p in records_of(MavenPomLoader().parse(ctx.read("acme", src.path), src, ctx), Project)
            }
    assert set(keys) <= pom_keys
    app = records_of(result, Project)[1]
    assert (app.kind, app.manifest, app.version) == ("application", "app/pom.xml", "3.1.0")


def test_resolved_depth_path_scope_and_omitted_nodes(multi) -> None:
    result, _ = multi
    lib = {r.version: r for r in records_of(result, Resolved) if r.project.startswith("acme/lib#")}
    assert set(lib) == {
        "pkg:maven/org.apache.logging.log4j/log4j-api@2.26.1",
        "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.17.0",
        "pkg:maven/com.fasterxml.jackson.core/jackson-annotations@2.17.0",
        "pkg:maven/com.fasterxml.jackson.core/jackson-core@2.17.0",
        "pkg:maven/org.slf4j/slf4j-api@2.0.9",
    }  # jackson-core 2.16.1 lost the conflict: not resolved
    ann = lib["pkg:maven/com.fasterxml.jackson.core/jackson-annotations@2.17.0"]
    assert ann.depth == 2 and ann.location.line == 9
    assert ann.path == ("pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.17.0", ann.version)
    slf4j = lib["pkg:maven/org.slf4j/slf4j-api@2.0.9"]
    assert (slf4j.scope, slf4j.raw_scope, slf4j.depth) == ("provided", "provided", 1)
    app = {r.version: r.depth for r in records_of(result, Resolved) if r.project.startswith("acme/app#")}
    assert app["pkg:maven/org.apache.logging.log4j/log4j-api@2.26.1"] == 2


def test_version_dependencies_record_what_was_asked_and_what_won(multi) -> None:
    result, _ = multi
    edges = {(e.version, e.package): e for e in records_of(result, VersionDependency)}
    databind = "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.17.0"
    conflict = edges[(databind, "pkg:maven/com.fasterxml.jackson.core/jackson-core")]
    assert (conflict.range, conflict.resolved) == ("2.16.1", "2.17.0")
    managed = edges[(databind, "pkg:maven/com.fasterxml.jackson.core/jackson-annotations")]
    assert (managed.range, managed.resolved) == ("2.16.0", "2.17.0")
    dup = edges[("pkg:maven/com.acme/acme-lib@3.1.0", "pkg:maven/org.slf4j/slf4j-api")]
    assert (dup.range, dup.resolved, dup.scope) == ("2.0.9", "2.0.9", "provided")
    assert not any(e.version.startswith("pkg:maven/com.acme/acme-app@") for e in edges.values())  # root: Resolved


def test_plain_output_without_prefix_classifier_root_and_fallback_directory() -> None:
    text = (DIR / "tree/plain.dependency-tree.txt").read_text()
    result = LOADER.parse(text, Source("r", "build/plain.dependency-tree.txt", "plain.dependency-tree.txt"))
    (project,) = records_of(result, Project)
    assert project.key == "r/build#pkg:maven/com.example/plain"
    assert project.manifest == "build/plain.dependency-tree.txt"
    got = {r.version: (r.depth, r.scope) for r in records_of(result, Resolved)}
    assert got == {
        "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1": (1, "runtime"),
        "pkg:maven/org.apache.logging.log4j/log4j-api@2.14.1": (2, "runtime"),
        "pkg:maven/junit/junit@4.13.2": (1, "test"),
        "pkg:maven/org.hamcrest/hamcrest-core@1.3": (2, "test"),
    }


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("", 1, "no dependency tree found"),
        ("[INFO] BUILD FAILURE\n[ERROR] something\n", 1, "no dependency tree found"),
        ("compileClasspath\n+--- org.a:b:1.0\n", 2, "Gradle"),
        ("\x00\x01\x02", 1, "no dependency tree found"),
    ],
)
def test_bad_input_is_a_parse_error(text: str, line: int, reason: str) -> None:
    with pytest.raises(ParseError) as info:
        LOADER.parse(text, Source("r", "dependency-tree.txt", "repo/dependency-tree.txt"))
    assert str(info.value).startswith(f"repo/dependency-tree.txt:{line}:")
    assert reason in info.value.reason


def test_odd_lines_are_warnings() -> None:
    text = (
        "+- a:b:jar:1:compile\ng:root:jar:1\n|  |  +- too:deep:jar:1:compile\n"
        "+- not coordinates here\n+- x:y:jar:2:test\n"
    )
    result = LOADER.parse(text, Source("r", "dependency-tree.txt", "t.txt"))
    messages = [(w.line, w.message.split(";")[0].split(":")[0]) for w in result.warnings]
    assert messages == [(1, "tree line before any module"), (3, "tree line indented too deep"), (4, "not a dependency")]
    assert [r.version for r in records_of(result, Resolved)] == ["pkg:maven/x/y@2"]


line_part = (
    st.sampled_from(
        [
            "[INFO] ",
            "+- ",
            "\\- ",
            "|  ",
            "   ",
            "(",
            ")",
            " - omitted for duplicate",
            " (version managed from 1)",
            "g:a:jar:1",
        ]
    )
    | st.sampled_from([":compile", ":test", ":2", "x", " ", "\t"])
    | st.text(max_size=4)
)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(line_part, max_size=8).map("".join), max_size=15))
def test_fuzz_never_crashes(lines) -> None:
    text = "g:root:jar:1\n" + "\n".join(lines)
    result = LOADER.parse(text, Source("r", "dependency-tree.txt", "t.txt"))
    for r in records_of(result, Resolved):
        assert r.depth is not None and r.depth >= 1
        assert not r.path or r.path[-1] == r.version


# ------------------------------------------------------------------------------------------ corpus


@pytest.mark.corpus
def test_hadoop_connectors_tree_against_the_poms(corpus: Path) -> None:
    root = corpus / "GoogleCloudDataproc__hadoop-connectors"
    files = {("h", p.relative_to(root).as_posix()): p.read_text() for p in root.rglob("*") if p.is_file()}
    ctx = StaticContext(files)
    text = files[("h", "dependency-tree.txt")]
    result = LOADER.parse(text, Source("h", "dependency-tree.txt", "dependency-tree.txt"), ctx)
    assert result.warnings == []
    (project,) = records_of(result, Project)
    assert project.key == "h/gcsio#pkg:maven/com.google.cloud.bigdataoss/gcsio"

    # independent count: distinct g:a:v of the non-omitted tree lines
    kept = set()
    for line in text.splitlines():
        m = re.search(r"[+\\]- ([^ (][^ ]*)", line)
        if m:
            g, a, *_, v, _scope = m.group(1).split(":")
            kept.add(f"{g}:{a}:{v}")
    got = {r.version for r in records_of(result, Resolved)}
    assert len(got) == len(kept) == 111
    assert len(text.splitlines()) == 466

    # the POM loader, reading the same files, agrees with what the tree resolved
    pom = MavenPomLoader().parse(files[("h", "gcsio/pom.xml")], Source("h", "gcsio/pom.xml", "gcsio/pom.xml"), ctx)
    assert records_of(pom, Project)[0].key == project.key
    declared = {d.package: d.range for d in records_of(pom, Declared) if d.range}
    checked = 0
    for package in (
        "pkg:maven/com.google.guava/guava",
        "pkg:maven/com.google.flogger/flogger",
        "pkg:maven/com.google.auto.value/auto-value-annotations",
        "pkg:maven/io.opencensus/opencensus-impl",
        "pkg:maven/junit/junit",
        "pkg:maven/com.google.truth/truth",
    ):
        assert f"{package}@{declared[package]}" in got, package
        checked += 1
    assert checked == 6
    codec = [e for e in records_of(result, VersionDependency) if e.package == "pkg:maven/commons-codec/commons-codec"]
    assert ("1.11", "1.18.0") in {(e.range, e.resolved) for e in codec}


# gcsio uses util at compile scope, app in tests: under each, Maven shows util's dependency on gson with
# the scope it mediated for that module (shaped like GoogleCloudDataproc/hadoop-connectors' output,
# where util's dependencies came out test or runtime from one run to the next)
TWO_SCOPES = """\
[INFO] --- dependency:3.6.0:tree (default-cli) @ app ---
[INFO] com.example:app:jar:3.0.0
[INFO] \\- com.example:util:jar:3.0.0:test
[INFO]    +- com.google.api-client:google-api-client-gson:jar:2.7.2:test
[INFO]    \\- com.google.flogger:google-extensions:jar:0.8:test
[INFO] --- dependency:3.6.0:tree (default-cli) @ gcsio ---
[INFO] com.example:gcsio:jar:3.0.0
[INFO] \\- com.example:util:jar:3.0.0:compile
[INFO]    +- com.google.api-client:google-api-client-gson:jar:2.7.2:compile
[INFO]    \\- com.google.flogger:google-extensions:jar:0.8:compile
"""

_FIRST_STATEMENTS = """
import sys
from loaders.maven.dependency_tree import MavenDependencyTreeLoader
from planner.model import Source, VersionDependency
result = MavenDependencyTreeLoader().parse(sys.stdin.read(), Source("r", "dependency-tree.txt", "t"))
first = {}
for e in result.records:
    if isinstance(e, VersionDependency):
        first.setdefault((e.version, e.package), e.scope)
print(sorted(first.items()))
"""


def test_a_pair_stated_in_two_module_trees_keeps_the_widest_scope_whatever_the_hash_seed() -> None:
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    answers = set()
    for seed in ("0", "1", "2", "3", "4", "5"):  # set order varies with the seed; the records' must not
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
        out = subprocess.run(
            [sys.executable, "-c", _FIRST_STATEMENTS], input=TWO_SCOPES, env=env, capture_output=True, text=True
        )
        assert out.returncode == 0, out.stderr
        answers.add(out.stdout)
    assert answers == {
        "[(('pkg:maven/com.example/util@3.0.0', 'pkg:maven/com.google.api-client/google-api-client-gson'), "
        "'runtime'), (('pkg:maven/com.example/util@3.0.0', 'pkg:maven/com.google.flogger/google-extensions'), "
        "'runtime')]\n"
    }
