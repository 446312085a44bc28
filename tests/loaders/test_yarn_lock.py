"""yarn.lock loader (v1 and Berry): fixtures, workspaces, scopes, hostile YAML, fuzzing, corpus."""

from __future__ import annotations

import contextlib
import json
import re
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders.base import StaticContext
from loaders.js.yarn_lock import YarnLockLoader
from planner.errors import ParseError
from planner.model import Project, ProjectDependency, Publishes, Resolved, Source, VersionDependency
from tests.conftest import FIXTURES, records_of

LOADER = YarnLockLoader()
DIR = FIXTURES / "yarn"


def parse(name: str, files: dict[str, str] | None = None):
    text = (DIR / name).read_text()
    ctx = StaticContext({("acme", k): v for k, v in (files or {}).items()})
    return LOADER.parse(text, Source("acme", "app/yarn.lock", f"fixtures/{name}"), ctx)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("yarn.lock", True),
        ("website/yarn.lock", True),
        ("node_modules/x/yarn.lock", False),
        ("yarn.lock.orig", False),
        (".yarnrc.yml", False),
        ("package-lock.json", False),
        ("pnpm-lock.yaml", False),
    ],
)
def test_matches_file_names(name: str, expected: bool) -> None:
    assert LOADER.matches(name) is expected


def test_empty_lock_is_a_project_without_packages() -> None:
    result = parse("empty.yarn.lock")
    (project,) = records_of(result, Project)
    assert project.key == "acme/app#pkg:generic/app"
    assert records_of(result, Resolved) == [] and result.warnings == []


def test_v1_with_package_json_gets_scope_depth_and_chain() -> None:
    result = parse("v1.yarn.lock", {"app/package.json": (DIR / "package.json").read_text()})
    (project,) = records_of(result, Project)
    assert project.key == "acme/app#pkg:npm/yarn-app" and project.kind == "application"
    assert records_of(result, Publishes) == []
    by = {r.version: r for r in records_of(result, Resolved)}
    assert set(by) == {"pkg:npm/%40scope/a@1.2.0", "pkg:npm/b@2.1.0", "pkg:npm/real-c@3.0.0"}
    assert (by["pkg:npm/%40scope/a@1.2.0"].depth, by["pkg:npm/%40scope/a@1.2.0"].scope) == (1, "runtime")
    assert by["pkg:npm/b@2.1.0"].path == ("pkg:npm/%40scope/a@1.2.0", "pkg:npm/b@2.1.0")
    assert by["pkg:npm/b@2.1.0"].scope == "runtime"
    assert (by["pkg:npm/real-c@3.0.0"].scope, by["pkg:npm/real-c@3.0.0"].location.line) == ("dev", 15)
    edges = {(e.version, e.package, e.range, e.resolved, e.scope) for e in records_of(result, VersionDependency)}
    assert edges == {
        ("pkg:npm/%40scope/a@1.2.0", "pkg:npm/b", "^2.0.0", "2.1.0", "runtime"),
        ("pkg:npm/real-c@3.0.0", "pkg:npm/b", "^2.0.0", "2.1.0", "optional"),
    }
    assert result.warnings == []


def test_v1_without_package_json_has_unknown_depth_and_scope() -> None:
    result = parse("v1.yarn.lock")
    assert {(r.depth, r.scope) for r in records_of(result, Resolved)} == {(None, "unknown")}


def test_berry_workspaces_patches_and_scopes() -> None:
    files = {
        "app/package.json": json.dumps(
            {
                "name": "root",
                "workspaces": ["packages/*"],
                "dependencies": {"lib": "workspace:^"},
                "devDependencies": {"b": "^2"},
            }
        ),
        "app/packages/lib/package.json": json.dumps({"name": "lib", "dependencies": {"a": "^1.0.0"}}),
    }
    result = parse("berry.yarn.lock", files)
    by = {r.version: r for r in records_of(result, Resolved)}
    assert set(by) == {"pkg:npm/a@1.0.0", "pkg:npm/b@2.0.0"}  # the patch is the same version as its base
    assert (by["pkg:npm/a@1.0.0"].scope, by["pkg:npm/a@1.0.0"].depth) == ("runtime", 1)
    assert by["pkg:npm/b@2.0.0"].scope == "runtime"  # dev for root, but runtime through lib -> a -> b
    got = {(r.project.split("#")[1], r.version, r.scope, r.depth) for r in records_of(result, Resolved)}
    assert got == {  # each workspace resolves its own tree (issue 12, finding 6)
        ("pkg:npm/lib", "pkg:npm/a@1.0.0", "runtime", 1),
        ("pkg:npm/lib", "pkg:npm/b@2.0.0", "runtime", 2),
        ("pkg:npm/root", "pkg:npm/a@1.0.0", "runtime", 1),  # through lib, which has no version to name
        ("pkg:npm/root", "pkg:npm/b@2.0.0", "runtime", 1),
    }
    links = {(p.project, p.target, p.spec) for p in records_of(result, ProjectDependency)}
    assert links == {
        ("acme/app#pkg:npm/root", "acme/app/packages/lib#pkg:npm/lib", "workspace-member"),
        ("acme/app#pkg:npm/root", "acme/app/packages/lib#pkg:npm/lib", "workspace:^"),
    }
    assert result.warnings == []


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("a@^1:\n   version 1\n", "odd indentation"),
        ('{"a": 1}\n', "expected an entry header"),
        ('"a@^1:\n  version "1"\n', "unterminated"),
        ("a@^1:\n\tversion 1\n", "tab indentation"),
        ("a@^1:\n  version 1 2\n", "expected 'key value'"),
        ("a@^1:\n      version 1\n", "unexpected indentation"),
        ((DIR / "not-yaml.yarn.lock").read_text(), "malformed YAML"),
        ("__metadata:\n  version: 8\nx: !!python/object:os.system {}\n", "malformed YAML"),
        ("__metadata: []\n- a\n", "malformed YAML"),
        ("__metadata:\n  version: 8\n" + "a: " + "[" * 10_000 + "\n", "malformed YAML|nested too deeply"),
    ],
)
def test_bad_input_is_a_parse_error_with_path_and_line(text: str, reason: str) -> None:
    with pytest.raises(ParseError) as info:
        LOADER.parse(text, Source("r", "yarn.lock", "repo/yarn.lock"))
    assert re.match(r"repo/yarn\.lock:\d+: ", str(info.value))
    assert any(part in str(info.value) for part in reason.split("|"))


def test_billion_laughs_is_refused_fast() -> None:
    lines = ["__metadata:\n  version: 8\n", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n']
    prev = "a"
    for name in "bcdefghij":
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]\n")
        prev = name
    started = time.perf_counter()
    with pytest.raises(ParseError) as info:
        LOADER.parse("".join(lines), Source("r", "yarn.lock", "yarn.lock"))
    assert time.perf_counter() - started < 2
    assert "alias" in str(info.value)


def test_duplicates_and_unknown_version_are_warnings() -> None:
    v1 = 'a@^1:\n  version "1.0.0"\n\na@^1:\n  version "1.0.1"\n'
    result = LOADER.parse(v1, Source("r", "yarn.lock", "yarn.lock"))
    assert any("duplicate entry 'a@^1'" in w.message and w.line == 4 for w in result.warnings)
    berry = (
        '__metadata:\n  version: 99\n"a@npm:^1":\n  version: 1.0.0\n  resolution: "a@npm:1.0.0"\n'
        '"a@npm:^1":\n  version: 1.0.0\n'
    )
    result = LOADER.parse(berry, Source("r", "yarn.lock", "yarn.lock"))
    messages = [str(w) for w in result.warnings]
    assert any("unknown yarn.lock version 99" in m for m in messages)
    assert any(m.startswith("yarn.lock:6: duplicate key 'a@npm:^1'") for m in messages)


names = st.sampled_from(["a", "@s/b", "c", "x@npm:y", "", '"q"', "a b"])
ranges = st.sampled_from(["^1", "npm:^1", "workspace:^", "catalog:", "patch:a@npm%3A1#x", "link:./x", "1.0.0", ""])


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    blocks=st.lists(
        st.tuples(
            st.lists(st.tuples(names, ranges), min_size=1, max_size=3),
            st.sampled_from(['"1.0.0"', "1.0.0", '""', "", '"x']),
            st.lists(st.tuples(names, ranges), max_size=3),
        ),
        max_size=5,
    ),
    noise=st.text(max_size=20),
)
def test_fuzz_v1_never_crashes(blocks, noise) -> None:
    out = []
    for keys, version, deps in blocks:
        out.append(", ".join(json.dumps(f"{n}@{r}") for n, r in keys) + ":")
        out.append(f"  version {version}")
        if deps:
            out.append("  dependencies:")
            out.extend(f"    {json.dumps(n)} {json.dumps(r)}" for n, r in deps)
        out.append("")
    out.append(noise)
    with contextlib.suppress(ParseError):
        LOADER.parse("\n".join(out), Source("r", "yarn.lock", "yarn.lock"))


yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=6), c, max_size=3),
    max_leaves=12,
)
berry_entry = st.fixed_dictionaries(
    {},
    optional={
        "version": st.sampled_from(["1.0.0", "0.0.0-use.local"]) | yaml_values,
        "resolution": st.sampled_from(
            [
                "a@npm:1.0.0",
                "w@workspace:.",
                "w@workspace:../..",
                "l@link:./x::locator=w%40workspace%3A.",
                "p@patch:p@npm%3A1#x",
                "bad",
            ]
        )
        | yaml_values,
        "dependencies": st.dictionaries(names, ranges, max_size=3) | yaml_values,
        "dependenciesMeta": yaml_values,
    },
)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    entries=st.dictionaries(
        st.text(max_size=12) | st.sampled_from(["a@npm:^1", "w@workspace:.", "x, y"]), berry_entry, max_size=5
    ),
    meta=yaml_values,
)
def test_fuzz_berry_never_crashes(entries, meta) -> None:
    doc = {"__metadata": meta, **entries}
    text = yaml.safe_dump(doc)
    if not text.startswith("__metadata:"):
        text = "__metadata:\n  version: 8\n" + text
    try:
        result = LOADER.parse(text, Source("r", "w/yarn.lock", "w/yarn.lock"))
    except ParseError:
        return
    assert len(records_of(result, Project)) == 1


# ------------------------------------------------------------------------------------------- corpus


def independent_v1(text: str) -> set[tuple[str, str]]:
    """Distinct (real name, version) per v1 block; an ``npm:`` alias in a header names the real package."""
    out = set()
    for block in re.split(r"\n(?=\S)", text):
        header, _, body = block.partition("\n")
        if header.startswith("#") or not header.endswith(":"):
            continue
        m = re.search(r'^  version "([^"]+)"', body, re.M)
        descriptors = [d.strip().strip('"') for d in header[:-1].split(",")]
        name = descriptors[0][: descriptors[0].index("@", 1)]
        for d in descriptors:
            if "@npm:" in d:
                real = d.split("@npm:", 1)[1]
                name = real[: real.index("@", 1)] if "@" in real[1:] else real
        out.add((name, m.group(1)))
    return out


def independent_berry(text: str) -> set[tuple[str, str]]:
    """Distinct (name of the resolution, version) of entries that are not workspaces or links."""
    out = set()
    for key, entry in yaml.safe_load(text).items():
        if key == "__metadata":
            continue
        resolution = entry["resolution"]
        name = resolution[: resolution.index("@", 1)]
        if re.search(r"@(workspace|link|portal):", resolution):
            continue
        out.add((name, str(entry["version"])))
    return out


def got_pairs(result) -> set[tuple[str, str]]:
    out = set()
    for r in records_of(result, Resolved):
        name, _, version = r.version.removeprefix("pkg:npm/").replace("%40", "@").rpartition("@")
        out.add((name, version))
    return out


def corpus_result(corpus: Path, group: str, rel: str):
    root = corpus / group
    files = {}
    for p in root.rglob("*"):
        if p.name in ("package.json", ".yarnrc.yml"):
            files[("r", p.relative_to(root).as_posix())] = p.read_text()
    text = (root / rel).read_text()
    started = time.perf_counter()
    result = LOADER.parse(text, Source("r", rel, str(root / rel)), StaticContext(files))
    return text, result, time.perf_counter() - started


@pytest.mark.corpus
@pytest.mark.parametrize(
    ("group", "rel", "berry"),
    [
        ("facebook__metro", "yarn.lock", False),
        ("facebook__metro", "website/yarn.lock", False),
        ("babel__babel", "yarn.lock", True),
    ],
)
def test_corpus_counts_match_an_independent_count(corpus: Path, group: str, rel: str, berry: bool) -> None:
    text, result, elapsed = corpus_result(corpus, group, rel)
    expected = independent_berry(text) if berry else independent_v1(text)
    got = got_pairs(result)
    assert got == expected
    assert result.warnings == []
    assert all(r.depth is not None and r.scope != "unknown" for r in records_of(result, Resolved))
    print(f"{group}/{rel}: {len(got)} packages in {elapsed:.3f}s = {len(got) / max(elapsed, 1e-9):,.0f} packages/s")


@pytest.mark.corpus
def test_metro_workspace_packages_are_links_with_the_cycle(corpus: Path) -> None:
    _, result, _ = corpus_result(corpus, "facebook__metro", "yarn.lock")
    assert not any(
        "pkg:npm/metro@" in r.version or "pkg:npm/metro-config@" in r.version for r in records_of(result, Resolved)
    )
    links = {(p.project, p.target, p.spec) for p in records_of(result, ProjectDependency)}
    assert ("r/packages/metro#pkg:npm/metro", "r/packages/metro-config#pkg:npm/metro-config", "0.84.4") in links
    assert ("r/packages/metro-config#pkg:npm/metro-config", "r/packages/metro#pkg:npm/metro", "0.84.4") in links
    # each member resolves its own tree, through the cycle: metro-config gets metro's own dependencies
    by = {(r.project, r.version): r for r in records_of(result, Resolved)}
    config, metro = "r/packages/metro-config#pkg:npm/metro-config", "r/packages/metro#pkg:npm/metro"
    (jsc,) = [v for p, v in by if p == metro and v.startswith("pkg:npm/jsc-safe-url@")]
    assert by[(metro, jsc)].depth == 1 and by[(config, jsc)].depth == 2
    assert by[(config, jsc)].path == ("pkg:npm/metro@0.84.4", jsc)


@pytest.mark.corpus
def test_babel_workspace_caret_and_link_locator(corpus: Path) -> None:
    text, result, _ = corpus_result(corpus, "babel__babel", "yarn.lock")
    assert re.search(r"^__metadata:\n  version: 10$", text, re.M)
    links = records_of(result, ProjectDependency)
    caret = [p for p in links if p.spec == "workspace:^"]
    assert (
        "r/packages/babel-core#pkg:npm/%40babel/core",
        "r/packages/babel-parser#pkg:npm/%40babel/parser",
    ) in {(p.project, p.target) for p in caret}
    repo_utils = {p.project for p in links if p.target == "r/scripts/repo-utils#pkg:npm/%24repo-utils"}
    assert repo_utils == {"r/.#pkg:npm/babel", "r/benchmark#pkg:npm/%40babel/benchmark"}
    fsevents = {r.version for r in records_of(result, Resolved) if "fsevents" in r.version}
    assert {"pkg:npm/fsevents@1.2.13", "pkg:npm/fsevents@2.3.3"} <= fsevents
