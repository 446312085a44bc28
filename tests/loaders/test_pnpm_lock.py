"""pnpm-lock.yaml loader (v5, v6, v9): importers, snapshots, links, overrides, hostile YAML, corpus."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders.base import StaticContext
from loaders.js.pnpm_lock import PnpmLockLoader
from planner.errors import ParseError
from planner.model import Constrains, Project, ProjectDependency, Resolved, Source, VersionDependency
from tests.conftest import FIXTURES, records_of

LOADER = PnpmLockLoader()
DIR = FIXTURES / "pnpm"


def parse(name: str, files: dict[str, str] | None = None):
    ctx = StaticContext({("acme", k): v for k, v in (files or {}).items()})
    return LOADER.parse((DIR / name).read_text(), Source("acme", "pnpm-lock.yaml", f"fixtures/{name}"), ctx)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("pnpm-lock.yaml", True),
        ("sub/pnpm-lock.yaml", True),
        ("node_modules/.pnpm/lock.yaml", False),
        ("pnpm-workspace.yaml", False),
        ("pnpm-lock.yml", False),
        ("yarn.lock", False),
    ],
)
def test_matches_file_names(name: str, expected: bool) -> None:
    assert LOADER.matches(name) is expected


def test_empty() -> None:
    result = parse("empty.pnpm-lock.yaml")
    assert [p.key for p in records_of(result, Project)] == ["acme/.#pkg:generic/acme"]
    assert records_of(result, Resolved) == [] and result.warnings == []


def test_v9_importers_snapshots_alias_links_and_overrides() -> None:
    files = {
        "package.json": json.dumps({"name": "root", "private": True}),
        "packages/lib/package.json": '{"name": "lib"}',
    }
    result = parse("v9.pnpm-lock.yaml", files)
    assert {p.key for p in records_of(result, Project)} == {"acme/.#pkg:npm/root", "acme/packages/lib#pkg:npm/lib"}
    got = {(r.project, r.version, r.depth, r.scope) for r in records_of(result, Resolved)}
    assert got == {
        ("acme/.#pkg:npm/root", "pkg:npm/a@1.0.0", 1, "runtime"),
        ("acme/.#pkg:npm/root", "pkg:npm/react@18.2.0", 2, "runtime"),
        ("acme/packages/lib#pkg:npm/lib", "pkg:npm/obug@1.0.2", 1, "runtime"),  # debug: npm:obug alias
        # the root links lib (a devDependency): lib's own dependencies come with it, as dev; lib has no
        # version, so it is no hop of the chain (issue 12, finding 6)
        ("acme/.#pkg:npm/root", "pkg:npm/obug@1.0.2", 1, "dev"),
    }
    react = next(r for r in records_of(result, Resolved) if r.version == "pkg:npm/react@18.2.0")
    assert react.path == ("pkg:npm/a@1.0.0", "pkg:npm/react@18.2.0")
    assert react.location.line == 35  # its packages: entry
    (link,) = records_of(result, ProjectDependency)
    assert (link.project, link.target, link.spec, link.scope) == (
        "acme/.#pkg:npm/root",
        "acme/packages/lib#pkg:npm/lib",
        "workspace:*",
        "dev",
    )
    constraints = {(c.package, c.range, c.unresolved, c.mechanism) for c in records_of(result, Constrains)}
    assert constraints == {
        ("pkg:npm/obug", "^1.0.2", None, "pnpm-override"),
        ("pkg:npm/lib", None, "workspace:*", "pnpm-override"),
    }
    (edge,) = records_of(result, VersionDependency)
    assert (edge.version, edge.package, edge.resolved) == ("pkg:npm/a@1.0.0", "pkg:npm/react", "18.2.0")
    assert result.warnings == []


@pytest.mark.parametrize("name", ["v6.pnpm-lock.yaml", "v5.pnpm-lock.yaml"])
def test_v6_and_v5_keys_and_peer_suffixes(name: str) -> None:
    result = parse(name)
    by = {r.version: r for r in records_of(result, Resolved)}
    assert set(by) == {"pkg:npm/a@1.0.0", "pkg:npm/%40s/b@2.0.0"}
    assert by["pkg:npm/a@1.0.0"].depth == 1 and by["pkg:npm/a@1.0.0"].scope == "runtime"
    assert by["pkg:npm/%40s/b@2.0.0"].depth == 1
    expected_scope = "dev" if name.startswith("v6") else "runtime"
    assert by["pkg:npm/%40s/b@2.0.0"].scope == expected_scope
    assert result.warnings == []


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ((DIR / "not-yaml.pnpm-lock.yaml").read_text(), "malformed YAML"),
        ("- a\n- b\n", "top level is not a mapping"),
        ("foo: bar\n", "no lockfileVersion, importers or packages"),
        ("lockfileVersion: '9.0'\npackages: !!python/object/apply:os.system ['true']\n", "malformed YAML"),
        ("lockfileVersion: '9.0'\nx: !custom 1\n", "malformed YAML"),
        ("a: &a [*a]\n", "recursive alias|malformed YAML"),
        ("\tlockfileVersion: 9\n", "malformed YAML"),
    ],
)
def test_bad_input_is_a_parse_error_with_path_and_line(text: str, reason: str) -> None:
    with pytest.raises(ParseError) as info:
        LOADER.parse(text, Source("r", "pnpm-lock.yaml", "repo/pnpm-lock.yaml"))
    assert re.match(r"repo/pnpm-lock\.yaml:\d+: ", str(info.value))
    assert any(part in str(info.value) for part in reason.split("|"))


def test_billion_laughs_is_refused() -> None:
    doc = ["lockfileVersion: '9.0'\n", "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"]
    prev = "a"
    for name in "bcdefghijk":
        doc.append(f"{name}: &{name} [{', '.join(['*' + prev] * 10)}]\n")
        prev = name
    with pytest.raises(ParseError) as info:
        LOADER.parse("".join(doc), Source("r", "pnpm-lock.yaml", "pnpm-lock.yaml"))
    assert "alias bomb" in str(info.value)


def test_unknown_version_and_duplicate_keys_are_warnings() -> None:
    text = "lockfileVersion: '42.0'\nimporters: {}\nimporters:\n  .: {}\n"
    result = LOADER.parse(text, Source("r", "pnpm-lock.yaml", "pnpm-lock.yaml"))
    messages = [str(w) for w in result.warnings]
    assert any("unknown lockfileVersion '42.0'" in m for m in messages)
    assert any(m.startswith("pnpm-lock.yaml:3: duplicate key 'importers'") for m in messages)


yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=6), c, max_size=3),
    max_leaves=12,
)
refs = st.sampled_from(["1.0.0", "1.0.0(x@1)", "link:../x", "file:x", "obug@1.0.2", "/a/1.0.0", "/a@1.0.0", ""])
dep_maps = st.dictionaries(
    st.sampled_from(["a", "@s/b", "", "x"]), refs | st.fixed_dictionaries({"specifier": refs, "version": refs})
)
package_keys = st.sampled_from(["a@1.0.0", "/a/1.0.0", "/a@1.0.0", "/@s/b/2.0.0_a@1", "@s/b@2.0.0(a@1.0.0)", "x", "/"])


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    version=st.sampled_from(["9.0", "6.0", 5.4, "5.3", "x", 9]),
    importers=st.dictionaries(
        st.sampled_from([".", "packages/a", "../..", ""]),
        st.fixed_dictionaries(
            {}, optional={"dependencies": dep_maps, "devDependencies": dep_maps, "specifiers": yaml_values}
        ),
    )
    | yaml_values,
    packages=st.dictionaries(
        package_keys,
        st.fixed_dictionaries(
            {}, optional={"dependencies": dep_maps | yaml_values, "version": yaml_values, "name": yaml_values}
        ),
    )
    | yaml_values,
    snapshots=st.dictionaries(package_keys, st.fixed_dictionaries({}, optional={"dependencies": dep_maps})) | st.none(),
    overrides=st.dictionaries(st.sampled_from(["a", "a>b", "@s/b@1", ""]), refs | yaml_values, max_size=3),
)
def test_fuzz_never_crashes(version, importers, packages, snapshots, overrides) -> None:
    doc = {"lockfileVersion": version, "importers": importers, "packages": packages, "overrides": overrides}
    if snapshots is not None:
        doc["snapshots"] = snapshots
    try:
        result = LOADER.parse(yaml.safe_dump(doc), Source("r", "w/pnpm-lock.yaml", "w/pnpm-lock.yaml"))
    except ParseError:
        return
    assert records_of(result, Project)


# ------------------------------------------------------------------------------------------- corpus


@pytest.mark.corpus
def test_vite_counts_links_and_overrides(corpus: Path) -> None:
    root = corpus / "vitejs__vite"
    files = {("r", p.relative_to(root).as_posix()): p.read_text() for p in root.rglob("package.json")}
    text = (root / "pnpm-lock.yaml").read_text()
    started = time.perf_counter()
    result = LOADER.parse(text, Source("r", "pnpm-lock.yaml", str(root / "pnpm-lock.yaml")), StaticContext(files))
    elapsed = time.perf_counter() - started
    doc = yaml.safe_load(text)
    assert doc["lockfileVersion"] == "9.0"
    expected = set()
    for key in doc["packages"]:
        name, version = key[: key.index("@", 1)], key[key.index("@", 1) + 1 :]
        if not version.startswith(("file:", "link:")):
            expected.add((name, version))
    got = set()
    for r in records_of(result, Resolved):
        name, _, version = r.version.removeprefix("pkg:npm/").replace("%40", "@").rpartition("@")
        got.add((name, version))
    assert got == expected
    assert result.warnings == []
    importers = len(doc["importers"])
    assert len(records_of(result, Project)) == importers
    links = records_of(result, ProjectDependency)
    assert ("r/.#pkg:npm/%40vitejs/vite-monorepo", "r/packages/vite#pkg:npm/vite", "workspace:*") in {
        (p.project, p.target, p.spec) for p in links
    }
    overrides = {(c.package, c.range, c.unresolved) for c in records_of(result, Constrains)}
    assert overrides == {
        ("pkg:npm/vite", None, "workspace:*"),
        ("pkg:npm/obug", "^1.0.2", None),
        ("pkg:npm/rolldown", "~1.2.4", None),
    }
    assert not any("pkg:npm/vite@" in r.version for r in records_of(result, Resolved))
    print(
        f"vite pnpm-lock.yaml: {len(got)} packages in {elapsed:.3f}s = {len(got) / max(elapsed, 1e-9):,.0f} packages/s"
    )


def test_override_selectors_with_version_ranges_and_parents() -> None:
    """pnpm splits ``parent>child`` only at a ``>`` after neither space, ``|`` nor ``@`` (a version
    range such as ``rollup@>=4.0.0 <4.22.4`` is not a parent): issue 12, finding 8."""
    result = parse("selectors.pnpm-lock.yaml")
    got = {(c.package, c.range, c.selector, c.location.line) for c in records_of(result, Constrains)}
    assert got == {
        ("pkg:npm/rollup", ">=4.22.4", "rollup@>=4.0.0 <4.22.4", 8),
        ("pkg:npm/%40babel/traverse", ">=7.23.2", "@babel/traverse@<7.23.2", 9),
        ("pkg:npm/esbuild", "0.25.0", "vite>esbuild", 10),
        ("pkg:npm/send", ">=0.19.0", "send@<0.19.0", 11),
        ("pkg:npm/semver", "^7.5.2", None, 12),
    }
    assert result.warnings == []


def test_a_linked_member_with_a_version_is_a_hop_of_the_chain() -> None:
    files = {
        "package.json": json.dumps({"name": "root", "private": True}),
        "packages/lib/package.json": json.dumps({"name": "lib", "version": "2.0.0"}),
    }
    result = parse("v9.pnpm-lock.yaml", files)
    (obug,) = [r for r in records_of(result, Resolved) if r.project == "acme/.#pkg:npm/root" and "obug" in r.version]
    assert (obug.depth, obug.scope, obug.path) == (2, "dev", ("pkg:npm/lib@2.0.0", "pkg:npm/obug@1.0.2"))
