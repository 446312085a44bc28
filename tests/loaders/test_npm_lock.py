"""npm package-lock.json / npm-shrinkwrap.json loader: v1-v3, links, resolution, bad input, corpus."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders.base import StaticContext
from loaders.js.npm_lock import NpmLockLoader
from planner.errors import ParseError
from planner.model import Project, ProjectDependency, Publishes, Resolved, Source, VersionDependency
from tests.conftest import EXAMPLES, FIXTURES, records_of

LOADER = NpmLockLoader()
DIR = FIXTURES / "npm"


def parse(name: str, context=None):
    text = (DIR / name).read_text()
    return LOADER.parse(text, Source("acme", "app/package-lock.json", f"fixtures/{name}"), context or StaticContext({}))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("package-lock.json", True),
        ("sub/dir/npm-shrinkwrap.json", True),
        ("node_modules/.package-lock.json", False),
        ("node_modules/x/package-lock.json", False),
        ("package.json", False),
        ("package-lock.json.bak", False),
        ("yarn.lock", False),
        ("bom.json", False),
    ],
)
def test_matches_file_names(name: str, expected: bool) -> None:
    assert LOADER.matches(name) is expected


def test_one_package_is_direct_with_its_line() -> None:
    result = parse("one-package.package-lock.json")
    (project,) = records_of(result, Project)
    assert project.key == "acme/app#pkg:npm/app"
    assert records_of(result, Publishes) == [Publishes(project.key, "pkg:npm/app")]
    (res,) = records_of(result, Resolved)
    assert (res.version, res.depth, res.scope, res.path) == (
        "pkg:npm/lodash@4.17.21",
        1,
        "runtime",
        ("pkg:npm/lodash@4.17.21",),
    )
    assert res.location.line == 14
    assert result.warnings == []


def test_two_packages_nested_resolution_scopes_and_links() -> None:
    result = parse("two-packages.package-lock.json")
    by = {r.version: r for r in records_of(result, Resolved)}
    assert set(by) == {"pkg:npm/a@1.0.0", "pkg:npm/b@1.5.0", "pkg:npm/b@2.0.0"}
    assert by["pkg:npm/b@1.5.0"].depth == 2
    assert by["pkg:npm/b@1.5.0"].path == ("pkg:npm/a@1.0.0", "pkg:npm/b@1.5.0")
    assert (by["pkg:npm/b@2.0.0"].scope, by["pkg:npm/b@2.0.0"].raw_scope, by["pkg:npm/b@2.0.0"].depth) == (
        "dev",
        "dev",
        1,
    )
    (edge,) = records_of(result, VersionDependency)
    assert (edge.version, edge.package, edge.range, edge.resolved) == (
        "pkg:npm/a@1.0.0",
        "pkg:npm/b",
        "^1.0.0",
        "1.5.0",
    )
    links = {(p.project, p.target, p.spec) for p in records_of(result, ProjectDependency)}
    assert links == {
        ("acme/app#pkg:npm/app", "acme/app/packages/core#pkg:npm/%40acme/core", "workspace-member"),
        ("acme/app#pkg:npm/app", "acme/app/packages/util#pkg:npm/%40acme/util", "workspace-member"),
        ("acme/app/packages/util#pkg:npm/%40acme/util", "acme/app/packages/core#pkg:npm/%40acme/core", "0.1.0"),
    }
    assert not any("acme" in r.version for r in records_of(result, Resolved))


def test_v1_nested_dependencies_alias_and_package_json_roots() -> None:
    manifest = json.dumps({"name": "old", "dependencies": {"a": "^1.0.0"}, "devDependencies": {"b": "^2.0.0"}})
    result = parse("v1.package-lock.json", StaticContext({("acme", "app/package.json"): manifest}))
    by = {r.version: r for r in records_of(result, Resolved)}
    assert set(by) == {"pkg:npm/a@1.0.0", "pkg:npm/b@1.5.0", "pkg:npm/b@2.0.0", "pkg:npm/real@3.0.0"}
    assert by["pkg:npm/b@1.5.0"].path == ("pkg:npm/a@1.0.0", "pkg:npm/b@1.5.0")
    assert by["pkg:npm/b@2.0.0"].scope == "dev" and by["pkg:npm/b@2.0.0"].depth == 1
    assert by["pkg:npm/real@3.0.0"].depth is None  # nothing requires it
    assert by["pkg:npm/b@1.5.0"].location.line == 11


def test_v1_without_package_json_has_unknown_depth() -> None:
    result = parse("v1.package-lock.json")
    assert {r.depth for r in records_of(result, Resolved)} == {None}


def test_unknown_lockfile_version_is_a_warning_best_effort() -> None:
    text = json.dumps({"lockfileVersion": 7, "packages": {"node_modules/x": {"version": "1.0.0"}}})
    result = LOADER.parse(text, Source("r", "package-lock.json", "package-lock.json"))
    assert [r.version for r in records_of(result, Resolved)] == ["pkg:npm/x@1.0.0"]
    assert any("unknown lockfileVersion 7" in w.message for w in result.warnings)


def test_truncated_file_reports_its_line() -> None:
    with pytest.raises(ParseError) as info:
        parse("not-json.package-lock.json")
    assert info.value.line == 5 and str(info.value).startswith("fixtures/not-json.package-lock.json:5:")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "malformed JSON"),
        ((DIR / "not-npm.package-lock.json").read_text(), "top level is not an object"),
        ('{"lockfileVersion": "x"}', "neither packages nor dependencies"),
        ("{" * 50_000, "malformed JSON|nested too deeply"),
    ],
)
def test_bad_input_is_a_parse_error(text: str, reason: str) -> None:
    with pytest.raises(ParseError) as info:
        LOADER.parse(text, Source("r", "package-lock.json", "repo/package-lock.json"))
    assert str(info.value).startswith("repo/package-lock.json:")
    assert any(part in str(info.value) for part in reason.split("|"))


@pytest.mark.parametrize(
    ("packages", "warning"),
    [
        ({"node_modules/x": {}}, "without a usable name and version"),
        ({"node_modules/x": 5}, "are not objects"),
        ({"node_modules/x": {"resolved": "../../outside", "link": True}}, "leaves the repository"),
    ],
)
def test_odd_entries_are_warnings(packages, warning) -> None:
    text = json.dumps({"lockfileVersion": 3, "packages": packages})
    result = LOADER.parse(text, Source("r", "package-lock.json", "repo/package-lock.json"))
    assert any(warning in w.message and str(w).startswith("repo/package-lock.json:") for w in result.warnings)


def test_duplicate_keys_are_warned() -> None:
    text = '{"lockfileVersion": 3,\n "packages": {},\n "packages": {"node_modules/x": {"version": "1.0.0"}}}'
    result = LOADER.parse(text, Source("r", "package-lock.json", "p"))
    assert any("duplicate key 'packages'" in w.message for w in result.warnings)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=6), c, max_size=3),
    max_leaves=15,
)
locations = st.sampled_from(
    [
        "",
        "node_modules/a",
        "node_modules/@s/b",
        "node_modules/a/node_modules/b",
        "packages/x",
        "node_modules/x",
        "../up",
    ]
) | st.text(max_size=20)
entry = st.fixed_dictionaries(
    {},
    optional={
        "name": st.sampled_from(["a", "@s/b", ""]) | json_values,
        "version": st.sampled_from(["1.0.0", "", "file:x", "npm:a@1"]) | json_values,
        "dependencies": st.dictionaries(st.sampled_from(["a", "b", "@s/b", "x"]), st.text(max_size=5), max_size=3)
        | json_values,
        "link": st.booleans(),
        "resolved": st.sampled_from(["packages/x", "..", "", "/abs"]) | json_values,
        "dev": json_values,
        "requires": json_values,
    },
)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    version=st.sampled_from([1, 2, 3, 99, "3"]),
    packages=st.dictionaries(locations, entry, max_size=6) | json_values,
    dependencies=st.dictionaries(st.sampled_from(["a", "b", "@s/b"]), entry, max_size=4) | json_values,
)
def test_fuzz_never_crashes(version, packages, dependencies) -> None:
    doc = {"lockfileVersion": version, "packages": packages, "dependencies": dependencies}
    try:
        result = LOADER.parse(json.dumps(doc), Source("r", "a/package-lock.json", "a/package-lock.json"))
    except ParseError:
        return
    projects = records_of(result, Project)
    assert projects[0].manifest == "a/package-lock.json"  # the lockfile's own, then one per member folder
    assert {r.project for r in records_of(result, Resolved)} <= {p.key for p in projects}


# ------------------------------------------------------------------------------------------- corpus

CORPUS_LOCKS = [
    "open-telemetry__opentelemetry-js/package-lock.json",
    "GoogleCloudPlatform__microservices-demo/src/currencyservice/package-lock.json",
    "GoogleCloudPlatform__microservices-demo/src/paymentservice/package-lock.json",
    "pypi__warehouse/package-lock.json",
    "CycloneDX__cyclonedx-node-npm/demo/package-integrity/project/package-lock.json",
]


def independent_count(doc: dict) -> set[tuple[str, str]]:
    """Distinct (name, version) of non-link ``node_modules/...`` entries."""
    out = set()
    for key, value in doc["packages"].items():
        if "node_modules/" in key and not value.get("link"):
            out.add((value.get("name") or key.rsplit("node_modules/", 1)[1], value["version"]))
    return out


def got_pairs(result) -> set[tuple[str, str]]:
    out = set()
    for r in records_of(result, Resolved):
        body = r.version.removeprefix("pkg:npm/").replace("%40", "@")
        name, _, version = body.rpartition("@")
        out.add((name, version))
    return out


def load_corpus(corpus: Path, rel: str):
    path = corpus / rel
    group, _, inner = rel.partition("/")
    directory = inner.rsplit("/", 1)[0] if "/" in inner else ""
    files = {}
    for p in (corpus / group).rglob("package.json"):
        files[("r", p.relative_to(corpus / group).as_posix())] = p.read_text()
    text = path.read_text()
    started = time.perf_counter()
    result = LOADER.parse(text, Source("r", inner, str(path)), StaticContext(files))
    elapsed = time.perf_counter() - started
    return text, result, elapsed, directory


@pytest.mark.corpus
@pytest.mark.parametrize("rel", CORPUS_LOCKS)
def test_corpus_counts_match_an_independent_count(corpus: Path, rel: str) -> None:
    text, result, elapsed, _ = load_corpus(corpus, rel)
    doc = json.loads(text)
    expected = independent_count(doc)
    got = got_pairs(result)
    assert got == expected
    assert result.warnings == []
    assert all(r.depth is not None for r in records_of(result, Resolved))
    print(f"{rel}: {len(got)} packages in {elapsed:.3f}s = {len(got) / max(elapsed, 1e-9):,.0f} packages/s")


@pytest.mark.corpus
def test_opentelemetry_links_are_projects_not_packages(corpus: Path) -> None:
    text, result, _, _ = load_corpus(corpus, CORPUS_LOCKS[0])
    doc = json.loads(text)
    assert doc["lockfileVersion"] == 3 and len(doc["packages"]) == 1726
    links = sum(1 for v in doc["packages"].values() if v.get("link"))
    members = [p for p in records_of(result, ProjectDependency) if p.spec == "workspace-member"]
    assert len(members) == links
    assert not any("%40opentelemetry/core@" in r.version for r in records_of(result, Resolved))
    pins = [
        p
        for p in records_of(result, ProjectDependency)
        if p.project == "r/packages/opentelemetry-sdk-trace-base#pkg:npm/%40opentelemetry/sdk-trace-base"
        and p.target == "r/packages/opentelemetry-core#pkg:npm/%40opentelemetry/core"
    ]
    assert [(p.spec, p.scope) for p in pins] == [("2.10.0", "runtime")]


@pytest.mark.corpus
@pytest.mark.parametrize(
    ("rel", "pins"),
    [
        (CORPUS_LOCKS[1], {"%40grpc/grpc-js@1.14.4", "pino@10.3.1", "%40google-cloud/profiler@6.0.5"}),
        (CORPUS_LOCKS[2], {"%40grpc/grpc-js@1.14.4", "%40google-cloud/profiler@7.0.0"}),
    ],
)
def test_microservices_demo_direct_pins(corpus: Path, rel: str, pins: set[str]) -> None:
    _, result, _, _ = load_corpus(corpus, rel)
    direct = {r.version.removeprefix("pkg:npm/") for r in records_of(result, Resolved) if r.depth == 1}
    assert pins <= direct


def test_integrity_becomes_a_hex_hash() -> None:
    """The storefront example's lock: @jest/core 27.4.3 has a sha512 SRI ``integrity`` (base64 decoded by hand
    with ``base64 -d | xxd -p``); an entry without ``integrity`` has no hashes."""
    text = (EXAMPLES / "storefront" / "package-lock.json").read_text()
    result = LOADER.parse(text, Source("storefront", "package-lock.json", "package-lock.json"), StaticContext({}))
    by_version = {r.version: r for r in records_of(result, Resolved)}
    assert by_version["pkg:npm/%40jest/core@27.4.3"].hashes == (
        "sha512:58c45062d3db4fc09366ab4fb010e3875e99209c30eee0ab4a7d2abeed6c3a63"
        "c8cd98b7f10519a01883d3eaa04f39badd33549a5b12bafa5eaf66c041d62989",
    )
    v1 = parse("v1.package-lock.json")
    assert all(r.hashes == () for r in records_of(v1, Resolved))


def test_workspace_members_resolve_their_own_trees() -> None:
    """tests/fixtures/npm/otel-workspace (laid out like open-telemetry/opentelemetry-js): each member
    resolves what its own package.json brings in, through the members it links to (their runtime
    and peer dependencies, not their devDependencies); the root only its own devDependencies
    (issue 12, finding 6; before, the root resolved all 9 packages and the members nothing)."""
    root = FIXTURES / "npm" / "otel-workspace"
    files = {("r", p.relative_to(root).as_posix()): p.read_text() for p in root.rglob("package.json")}
    text = (root / "package-lock.json").read_text()
    result = LOADER.parse(text, Source("r", "package-lock.json", "package-lock.json"), StaticContext(files))
    base = "pkg:npm/%40opentelemetry/sdk-trace-base@1.0.0"
    api = "pkg:npm/%40opentelemetry/api@1.9.0"
    got = {(r.project.split("#")[1], r.version, r.scope, r.depth, r.path) for r in records_of(result, Resolved)}
    assert got == {
        ("pkg:npm/opentelemetry", "pkg:npm/lerna@6.6.2", "dev", 1, ("pkg:npm/lerna@6.6.2",)),
        ("pkg:npm/opentelemetry", "pkg:npm/typescript@5.2.2", "dev", 1, ("pkg:npm/typescript@5.2.2",)),
        ("pkg:npm/%40opentelemetry/core", api, "peer", 1, (api,)),
        ("pkg:npm/%40opentelemetry/core", "pkg:npm/mocha@10.2.0", "dev", 1, ("pkg:npm/mocha@10.2.0",)),
        ("pkg:npm/%40opentelemetry/sdk-trace-base", api, "peer", 1, (api,)),
        ("pkg:npm/%40opentelemetry/sdk-trace-base", "pkg:npm/shimmer@1.2.1", "runtime", 1, ("pkg:npm/shimmer@1.2.1",)),
        ("pkg:npm/%40opentelemetry/sdk-trace-base", "pkg:npm/sinon@15.1.2", "dev", 1, ("pkg:npm/sinon@15.1.2",)),
        ("pkg:npm/%40opentelemetry/sdk-node", api, "peer", 1, (api,)),
        ("pkg:npm/%40opentelemetry/sdk-node", "pkg:npm/protobufjs@7.2.4", "runtime", 1, ("pkg:npm/protobufjs@7.2.4",)),
        (
            "pkg:npm/%40opentelemetry/sdk-node",
            "pkg:npm/long@5.2.3",
            "runtime",
            2,
            ("pkg:npm/protobufjs@7.2.4", "pkg:npm/long@5.2.3"),
        ),
        ("pkg:npm/%40opentelemetry/sdk-node", "pkg:npm/shimmer@1.2.1", "runtime", 2, (base, "pkg:npm/shimmer@1.2.1")),
    }
    assert {p.key.split("#")[1] for p in records_of(result, Project)} == {
        "pkg:npm/opentelemetry",
        "pkg:npm/%40opentelemetry/core",
        "pkg:npm/%40opentelemetry/semantic-conventions",
        "pkg:npm/%40opentelemetry/sdk-trace-base",
        "pkg:npm/%40opentelemetry/sdk-node",
    }
    assert result.warnings == []
