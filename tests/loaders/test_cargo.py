"""Cargo loaders (Cargo.toml, Cargo.lock): fixtures, bad input, corpus ground truth, fuzzing."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from urllib.parse import unquote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders.base import StaticContext
from loaders.rust.cargo_lock import CargoLockLoader
from loaders.rust.cargo_toml import CargoTomlLoader
from planner.errors import ParseError
from planner.model import (
    Constrains,
    Declared,
    Project,
    ProjectDependency,
    Publishes,
    Resolved,
    Source,
    VersionDependency,
)
from tests.conftest import FIXTURES, records_of

DIR = FIXTURES / "cargo"
TOML, LOCK = CargoTomlLoader(), CargoLockLoader()


def context_of(root: Path, repo: str = "fx") -> StaticContext:
    return StaticContext({(repo, p.relative_to(root).as_posix()): p.read_text() for p in root.rglob("Cargo.*")})


CTX = context_of(DIR)


def parse(loader, rel: str, ctx: StaticContext = CTX):
    return loader.parse((DIR / rel).read_text(), Source("fx", rel, f"fixtures/{rel}"), ctx)


@pytest.mark.parametrize(
    ("loader", "name", "expected"),
    [
        (TOML, "Cargo.toml", True),
        (TOML, "crates/grep/Cargo.toml", True),
        (TOML, "cargo.toml", False),
        (TOML, "pyproject.toml", False),
        (TOML, "Cargo.toml.orig", False),
        (LOCK, "Cargo.lock", True),
        (LOCK, "fuzz/Cargo.lock", True),
        (LOCK, "Cargo.toml", False),
        (LOCK, "poetry.lock", False),
    ],
)
def test_matches_file_names(loader, name: str, expected: bool) -> None:
    assert loader.matches(name) is expected


def test_empty_package_is_a_published_project() -> None:
    result = parse(TOML, "empty/Cargo.toml")
    (project,) = records_of(result, Project)
    assert (project.key, project.purl, project.version) == (
        "fx/empty#pkg:cargo/empty",
        "pkg:cargo/empty@0.1.0",
        "0.1.0",
    )
    assert records_of(result, Publishes) == [Publishes(project.key, "pkg:cargo/empty")]
    assert records_of(result, Declared) == [] and result.warnings == []


def test_one_package_publish_false_and_its_lock() -> None:
    result = parse(TOML, "one-package/Cargo.toml")
    assert records_of(result, Publishes) == []
    (decl,) = records_of(result, Declared)
    assert (decl.package, decl.range, decl.scope, decl.location.line) == ("pkg:cargo/serde", "1.0.190", "runtime", 7)
    lock = parse(LOCK, "one-package/Cargo.lock")
    (project,) = records_of(lock, Project)
    assert project.key == "fx/one-package#pkg:cargo/one"
    (res,) = records_of(lock, Resolved)
    assert (res.version, res.depth, res.path, res.location.line) == (
        "pkg:cargo/serde@1.0.190",
        1,
        ("pkg:cargo/serde@1.0.190",),
        10,
    )
    assert [(v.version, v.package, v.resolved) for v in records_of(lock, VersionDependency)] == [
        ("pkg:cargo/one@1.0.0", "pkg:cargo/serde", "1.0.190")
    ]
    assert lock.warnings == []


def test_virtual_workspace_members_constraints_and_patches() -> None:
    result = parse(TOML, "workspace/Cargo.toml")
    (project,) = records_of(result, Project)
    assert project.key == "fx/workspace#pkg:generic/workspace"
    members = sorted(p.target for p in records_of(result, ProjectDependency))
    assert members == ["fx/workspace/crates/app#pkg:cargo/app", "fx/workspace/crates/core#pkg:cargo/core-crate"]
    constrains = {(c.package, c.range, c.mechanism) for c in records_of(result, Constrains)}
    assert ("pkg:cargo/log", "0.4.20", "cargo-workspace") in constrains
    assert ("pkg:cargo/regex", "1.10", "cargo-workspace") in constrains
    assert ("pkg:cargo/log", None, "cargo-patch") in constrains
    assert ("pkg:cargo/x", None, "cargo-patch") in constrains
    assert ("pkg:cargo/openssl", None, "cargo-patch") in constrains
    patch = next(c for c in records_of(result, Constrains) if c.package == "pkg:cargo/openssl")
    assert patch.unresolved == "replaces 0.10.0; git https://github.com/sfackler/rust-openssl tag=v0.10.1"
    assert result.warnings == []


def test_member_inherits_version_and_dependencies_from_the_workspace() -> None:
    result = parse(TOML, "workspace/crates/core/Cargo.toml")
    (project,) = records_of(result, Project)
    assert (project.version, project.kind) == ("2.3.0", "library")
    declared = {d.package: d for d in records_of(result, Declared)}
    log = declared["pkg:cargo/log"]
    assert (log.range, log.optional, log.location.line) == ("0.4.20", True, 10)
    assert log.version_location.path == "workspace/Cargo.toml" and log.version_location.line == 10
    assert declared["pkg:cargo/regex"].scope == "dev" and declared["pkg:cargo/regex"].range == "1.10"
    assert declared["pkg:cargo/rand"].range == "0.8"  # package = "rand"
    assert declared["pkg:cargo/gitdep"].unresolved == "git https://github.com/example/gitdep rev=abc123"
    assert declared["pkg:cargo/cc"].scope == "build"
    assert declared["pkg:cargo/winapi"].profile == "cfg(windows)"
    assert result.warnings == []


def test_path_dependencies_are_project_links_plus_declared_when_versioned() -> None:
    result = parse(TOML, "workspace/crates/app/Cargo.toml")
    links = {(p.target, p.spec) for p in records_of(result, ProjectDependency)}
    assert links == {
        ("fx/workspace/crates/core#pkg:cargo/core-crate", "path = crates/core"),  # inherited: relative to the root
        ("fx/workspace/crates/helper#pkg:cargo/helper", "path = ../helper"),
    }
    assert [(d.package, d.range) for d in records_of(result, Declared)] == [("pkg:cargo/core-crate", "2.3.0")]
    assert records_of(result, Project)[0].kind == "application"


def test_workspace_lock_depths_chains_and_disambiguation() -> None:
    """Each member resolves what its own lock entry reaches (issue 12, finding 6); the virtual root
    keeps only what no member resolves (nothing here); the git-sourced ``log`` is keyed apart."""
    result = parse(LOCK, "workspace/Cargo.lock")
    assert {p.key for p in records_of(result, Project)} == {
        "fx/workspace#pkg:generic/workspace",
        "fx/workspace/crates/app#pkg:cargo/app",
        "fx/workspace/crates/core#pkg:cargo/core-crate",
    }
    log = "pkg:cargo/log@0.4.21%2Bgit.0123456789ab"
    got = {(r.project.split("#")[1], r.version, r.depth, r.path) for r in records_of(result, Resolved)}
    core, rand, rand_core, helper = (
        "pkg:cargo/core-crate@2.3.0",
        "pkg:cargo/rand@0.8.5",
        "pkg:cargo/rand_core@0.6.4",
        "pkg:cargo/helper@0.0.1",
    )
    assert got == {
        ("pkg:cargo/app", log, 2, (core, log)),
        ("pkg:cargo/app", "pkg:cargo/rand@0.7.3", 2, (helper, "pkg:cargo/rand@0.7.3")),  # through the path crate
        ("pkg:cargo/app", rand, 2, (core, rand)),
        ("pkg:cargo/app", rand_core, 3, (core, rand, rand_core)),
        ("pkg:cargo/app", "pkg:cargo/regex@1.10.2", 2, (core, "pkg:cargo/regex@1.10.2")),
        ("pkg:cargo/core-crate", log, 1, (log,)),
        ("pkg:cargo/core-crate", rand, 1, (rand,)),
        ("pkg:cargo/core-crate", rand_core, 2, (rand, rand_core)),
        ("pkg:cargo/core-crate", "pkg:cargo/regex@1.10.2", 1, ("pkg:cargo/regex@1.10.2",)),
    }
    deps = {(v.version, v.package, v.resolved) for v in records_of(result, VersionDependency)}
    assert ("pkg:cargo/helper@0.0.1", "pkg:cargo/rand", "0.7.3") in deps
    assert ("pkg:cargo/core-crate@2.3.0", "pkg:cargo/rand", "0.8.5") in deps
    assert result.warnings == []


def test_a_lock_without_member_manifests_attributes_everything_to_its_project() -> None:
    text = (DIR / "workspace/Cargo.lock").read_text()
    result = LOCK.parse(text, Source("fx", "workspace/Cargo.lock", "x"), StaticContext({}))
    (project,) = records_of(result, Project)
    assert project.key == "fx/workspace#pkg:cargo/app"  # the one path package nothing depends on
    assert {r.version: r.depth for r in records_of(result, Resolved)} == {
        "pkg:cargo/log@0.4.21%2Bgit.0123456789ab": 1,
        "pkg:cargo/rand@0.7.3": 1,
        "pkg:cargo/rand@0.8.5": 1,
        "pkg:cargo/rand_core@0.6.4": 2,
        "pkg:cargo/regex@1.10.2": 1,
    }


@pytest.mark.parametrize(("rel", "root"), [("v1/Cargo.lock", "old"), ("v2/Cargo.lock", "mid")])
def test_old_lock_formats_without_a_manifest(rel: str, root: str) -> None:
    result = parse(LOCK, rel)
    (project,) = records_of(result, Project)
    assert project.key.endswith(f"#pkg:cargo/{root}")
    assert [r.version for r in records_of(result, Resolved)] == [
        "pkg:cargo/libc@0.2.40" if root == "old" else "pkg:cargo/libc@0.2.150"
    ]
    assert records_of(result, Resolved)[0].depth == 1
    (warning,) = result.warnings
    assert "no Cargo.toml beside this Cargo.lock" in warning.message


def test_not_a_cargo_manifest() -> None:
    with pytest.raises(ParseError) as info:
        parse(TOML, "not-cargo/Cargo.toml")
    assert str(info.value).startswith("fixtures/not-cargo/Cargo.toml:1:")


@pytest.mark.parametrize(
    ("loader", "text", "line", "reason"),
    [
        (TOML, '[package]\nname = "a"\nname = "b"\n', 3, "malformed TOML"),  # duplicate key
        (TOML, '[package]\nname = "a\n', 2, "malformed TOML"),  # truncated
        (TOML, "\x00\x01\x02", 1, "malformed TOML"),
        (TOML, "[package]\nversion = '1'\n", 1, "no name"),
        (TOML, "", 1, "no [package] or [workspace]"),
        (LOCK, "version = 4\n[[package]]\nname = ", 3, "malformed TOML"),
        (LOCK, 'version = "x"\n[[package]]\n', 1, "version is 'x'"),
        (LOCK, "version = 3\n", 1, "no [[package]]"),
        (LOCK, "version = 3\npackage = 1\n", 1, "not an array"),
        (LOCK, "a = [" * 5000, 1, "malformed TOML|nested too deeply"),
    ],
)
def test_bad_input_is_a_parse_error_with_path_and_line(loader, text: str, line: int, reason: str) -> None:
    with pytest.raises(ParseError) as info:
        loader.parse(text, Source("r", "Cargo.x", "repo/Cargo.x"))
    assert str(info.value).startswith(f"repo/Cargo.x:{line}:")
    assert any(r in str(info.value) for r in reason.split("|"))


def test_unknown_lock_version_is_a_warning() -> None:
    text = 'version = 9\n\n[[package]]\nname = "a"\nversion = "1.0.0"\nsource = "registry+x"\n'
    result = LOCK.parse(text, Source("r", "Cargo.lock", "Cargo.lock"))
    assert any("unknown Cargo.lock version 9" in w.message and w.line == 1 for w in result.warnings)
    assert [r.version for r in records_of(result, Resolved)] == ["pkg:cargo/a@1.0.0"]


TOML_BITS = st.sampled_from(
    ["[package]", "[workspace]", "[dependencies]", "[dev-dependencies]", "[target.'cfg(unix)'.dependencies]",
     "[patch.crates-io]", "[[package]]", 'name = "a"', 'version = "1.0"', "version = 4", "members = ['*']",
     'x = { path = "../x", version = "1" }', "y = { workspace = true }", 'dependencies = ["a", "b 1.0"]',
     'source = "registry+r"', "publish = false", "z = 1", '"q" = { git = "g", tag = "t" }', "[replace]"]
)  # fmt: skip


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TOML_BITS | st.text(max_size=8), max_size=14))
def test_fuzz_cargo_never_crashes(lines: list[str]) -> None:
    text = "\n".join(lines)
    for loader in (TOML, LOCK):
        try:
            loader.parse(text, Source("r", "w/Cargo.toml", "w/Cargo.toml"), CTX)
        except ParseError as exc:
            assert str(exc).startswith("w/Cargo.toml:")


# ------------------------------------------------------------------------------------------- corpus

RG = "BurntSushi__ripgrep"


def ripgrep(corpus: Path) -> dict[tuple[str, str], str]:
    return {(RG, p.relative_to(corpus / RG).as_posix()): p.read_text() for p in (corpus / RG).rglob("Cargo.*")}


@pytest.mark.corpus
def test_ripgrep_path_and_version_dependency_links_the_grep_crate(corpus: Path) -> None:
    files = ripgrep(corpus)
    ctx = StaticContext(files)
    result = TOML.parse(files[(RG, "Cargo.toml")], Source(RG, "Cargo.toml", "Cargo.toml"), ctx)
    grep_links = [p for p in records_of(result, ProjectDependency) if p.raw_scope == "dependencies"]
    assert "BurntSushi__ripgrep/crates/grep#pkg:cargo/grep" in {p.target for p in grep_links}
    grep = next(d for d in records_of(result, Declared) if d.package == "pkg:cargo/grep")
    assert grep.range == "0.4.1"
    target_keys = {
        records_of(TOML.parse(t, Source(RG, p, p), ctx), Project)[0].key
        for (_, p), t in files.items()
        if p.endswith(".toml")
    }
    for (_, path), text in files.items():
        if path.endswith("Cargo.toml"):
            res = TOML.parse(text, Source(RG, path, path), ctx)
            assert res.warnings == [], path
            assert {p.target for p in records_of(res, ProjectDependency)} <= target_keys, path  # every link lands


def _independent_manifest_counts(text: str) -> tuple[int, int]:
    """(registry-declared, path links) over every dependency table, via tomllib alone."""
    data = tomllib.loads(text)
    tables = [data.get(t, {}) for t in ("dependencies", "dev-dependencies", "build-dependencies")]
    for target in data.get("target", {}).values():
        tables += [target.get(t, {}) for t in ("dependencies", "dev-dependencies", "build-dependencies")]
    declared = links = 0
    for table in tables:
        for spec in table.values():
            if isinstance(spec, str) or "path" not in spec:
                declared += 1
            else:
                links += 1
                declared += "version" in spec
    return declared, links


@pytest.mark.corpus
def test_ripgrep_manifest_counts(corpus: Path) -> None:
    files = ripgrep(corpus)
    ctx = StaticContext(files)
    for (_, path), text in sorted(files.items()):
        if not path.endswith("Cargo.toml"):
            continue
        result = TOML.parse(text, Source(RG, path, path), ctx)
        declared, links = _independent_manifest_counts(text)
        assert len(records_of(result, Declared)) == declared, path
        assert len([p for p in records_of(result, ProjectDependency) if p.raw_scope != "workspace.members"]) == links, (
            path
        )
    root = TOML.parse(files[(RG, "Cargo.toml")], Source(RG, "Cargo.toml", "Cargo.toml"), ctx)
    assert len([p for p in records_of(root, ProjectDependency) if p.raw_scope == "workspace.members"]) == 10
    grep_cli = TOML.parse(files[(RG, "crates/cli/Cargo.toml")], Source(RG, "crates/cli/Cargo.toml", "x"), ctx)
    assert {d.profile for d in records_of(grep_cli, Declared)} == {None, "cfg(windows)", "cfg(unix)"}
    fuzz = TOML.parse(files[(RG, "fuzz/Cargo.toml")], Source(RG, "fuzz/Cargo.toml", "x"), ctx)
    assert records_of(fuzz, Publishes) == []  # publish = false


@pytest.mark.corpus
@pytest.mark.parametrize("rel", ["Cargo.lock", "fuzz/Cargo.lock"])
def test_ripgrep_locks_counted_independently(corpus: Path, rel: str) -> None:
    files = ripgrep(corpus)
    text = files[(RG, rel)]
    assert text.splitlines()[2] == "version = 4"
    blocks = text.split("[[package]]")[1:]
    expected = {
        (re.search(r'^name = "(.*)"', b, re.M).group(1), re.search(r'^version = "(.*)"', b, re.M).group(1))
        for b in blocks
        if re.search(r"^source = ", b, re.M)
    }
    result = LOCK.parse(text, Source(RG, rel, rel), StaticContext(files))
    got = {tuple(unquote(r.version.removeprefix("pkg:cargo/")).split("@")) for r in records_of(result, Resolved)}
    assert got == expected
    assert result.warnings == []
    projects = {p.key for p in records_of(result, Project)}
    if rel == "Cargo.lock":  # the root package and its 10 workspace members each resolve their own tree
        assert len(projects) == 11 and "BurntSushi__ripgrep/.#pkg:cargo/ripgrep" in projects
        assert "BurntSushi__ripgrep/crates/cli#pkg:cargo/grep-cli" in projects
    else:
        assert projects == {"BurntSushi__ripgrep/fuzz#pkg:cargo/fuzz"}
    edges = sum(
        len(re.findall(r'^ "', b.split("dependencies = [")[1], re.M)) for b in blocks if "dependencies = [" in b
    )
    assert len(records_of(result, VersionDependency)) == edges


def test_checksums_become_sha256_hashes_in_v1_metadata_and_per_package() -> None:
    (per_package,) = records_of(parse(LOCK, "one-package/Cargo.lock"), Resolved)
    assert per_package.hashes == ("sha256:91d3c334ca1ee894a2c6f6ad698fe8c435b76d504b13d436f0685d648d6d96f7",)
    (from_metadata,) = records_of(parse(LOCK, "v1/Cargo.lock"), Resolved)
    assert from_metadata.version == "pkg:cargo/libc@0.2.40"
    assert from_metadata.hashes == ("sha256:6fd41f331ac7c5b8ac259b8bf82c75c0fb2e469bbf37d2becbba9a6a2221965b",)
