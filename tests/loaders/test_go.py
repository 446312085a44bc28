"""Go loaders (go.mod, go.work, go.sum): fixtures, bad input, corpus ground truth, fuzzing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders.base import StaticContext
from loaders.go.mod import GoModLoader, GoWorkLoader
from loaders.go.sum import GoSumLoader
from planner.errors import ParseError
from planner.model import Constrains, Declared, Project, ProjectDependency, Publishes, Resolved, Source
from tests.conftest import FIXTURES, records_of

DIR = FIXTURES / "go"
MOD, WORK, SUM = GoModLoader(), GoWorkLoader(), GoSumLoader()


def context_of(root: Path, repo: str = "fx") -> StaticContext:
    return StaticContext({(repo, p.relative_to(root).as_posix()): p.read_text() for p in root.rglob("go.*")})


CTX = context_of(DIR)


def parse(loader, rel: str, ctx: StaticContext = CTX):
    return loader.parse((DIR / rel).read_text(), Source("fx", rel, f"fixtures/{rel}"), ctx)


@pytest.mark.parametrize(
    ("loader", "name", "expected"),
    [
        (MOD, "go.mod", True),
        (MOD, "src/frontend/go.mod", True),
        (MOD, "go.sum", False),
        (MOD, "go.mod.bak", False),
        (MOD, "xgo.mod", False),
        (MOD, "Go.mod", False),
        (WORK, "go.work", True),
        (WORK, "go.work.sum", False),
        (SUM, "go.sum", True),
        (SUM, "tools/mod/go.sum", True),
        (SUM, "go.work.sum", False),
        (SUM, "go.summary", False),
    ],
)
def test_matches_file_names(loader, name: str, expected: bool) -> None:
    assert loader.matches(name) is expected


def test_empty_module_is_a_project_with_nothing_resolved() -> None:
    result = parse(MOD, "empty/go.mod")
    (project,) = records_of(result, Project)
    assert project.key == "fx/empty#pkg:golang/example.com/empty"
    assert project.ecosystem == "golang" and project.name == "example.com/empty"
    assert records_of(result, Publishes) == [Publishes(project.key, "pkg:golang/example.com/empty")]
    assert records_of(result, Resolved) == [] and result.warnings == []


def test_one_package_is_declared_and_resolved_direct_with_line_toolchain_tolerated() -> None:
    result = parse(MOD, "one-package/go.mod")
    (decl,) = records_of(result, Declared)
    assert (decl.package, decl.range, decl.raw_scope, decl.location.line) == (
        "pkg:golang/github.com/pkg/errors",
        "v0.9.1",
        "require",
        8,
    )
    (res,) = records_of(result, Resolved)
    assert res.version == "pkg:golang/github.com/pkg/errors@v0.9.1" and res.depth == 1
    assert res.path == (res.version,)
    assert result.warnings == []


def test_indirect_requirement_is_resolved_at_unknown_depth_not_declared() -> None:
    result = parse(MOD, "two-packages/go.mod")
    (project,) = records_of(result, Project)
    assert project.key == "fx/two-packages#pkg:golang/example.com/two/v3"  # /v3 is part of the path
    resolved = {r.version: r for r in records_of(result, Resolved)}
    assert resolved["pkg:golang/google.golang.org/grpc@v1.83.0"].depth == 1
    net = resolved["pkg:golang/golang.org/x/net@v0.57.0"]
    assert net.depth is None and net.raw_scope == "require // indirect" and net.path == ()
    assert [d.package for d in records_of(result, Declared)] == ["pkg:golang/google.golang.org/grpc"]


def test_replace_directives() -> None:
    result = parse(MOD, "replace/go.mod")
    links = {(p.target, p.spec) for p in records_of(result, ProjectDependency)}
    # ../api has a go.mod in the ingest: its own module path names the target
    assert ("fx/api#pkg:golang/example.com/mono/api/v2", "example.com/mono/api/v2 => ../api") in links
    # ./missing has none: the replaced path is used; ../unused is not required, so it links nothing
    assert ("fx/replace/missing#pkg:golang/example.com/mono/missing", "example.com/mono/missing => ./missing") in links
    assert len(links) == 2
    resolved = {r.version for r in records_of(result, Resolved)}
    assert "pkg:golang/github.com/old/lib@v1.2.1" in resolved  # same-module replacement wins
    assert "pkg:golang/github.com/me/thing@v0.1.0" in resolved  # fork replacement
    assert "pkg:golang/github.com/legacy/pkg@v2.1.0%2Bincompatible" in resolved
    assert "pkg:golang/github.com/quoted/mod@v1.0.0" in resolved
    assert not any("mono/api" in v for v in resolved)  # a local replacement is not a registry package
    constrains = {(c.package, c.range, c.unresolved) for c in records_of(result, Constrains)}
    assert constrains == {
        ("pkg:golang/github.com/old/lib", "v1.2.1", None),
        ("pkg:golang/github.com/forked/thing", None, "=> github.com/me/thing v0.1.0"),
    }
    assert all(c.mechanism == "go-replace" for c in records_of(result, Constrains))
    declared = {d.package: d.range for d in records_of(result, Declared)}
    assert declared["pkg:golang/github.com/forked/thing"] == "v0.0.0-20190628185345-da137c7871d7"  # verbatim
    assert result.warnings == []


def test_go_work_links_each_used_module_and_warns_about_unknown_ones() -> None:
    result = parse(WORK, "go.work")
    (project,) = records_of(result, Project)
    assert project.key == "fx/.#pkg:generic/fx" and project.ecosystem == "generic"
    targets = sorted(p.target for p in records_of(result, ProjectDependency) if p.raw_scope == "use")
    assert targets == [
        "fx/api#pkg:golang/example.com/mono/api/v2",
        "fx/one-package#pkg:golang/example.com/one",
        "fx/replace#pkg:golang/example.com/mono/server/v2",
    ]
    (warning,) = result.warnings
    assert warning.line == 8 and "./nowhere" in warning.message
    (c,) = records_of(result, Constrains)
    assert (c.package, c.range, c.mechanism) == ("pkg:golang/github.com/old/lib", "v1.3.0", "go-replace")


def test_go_sum_is_a_cross_check_not_a_build_list() -> None:
    ok = parse(SUM, "one-package/go.sum")
    assert [type(r) for r in ok.records] == [Project] and ok.warnings == []
    stale = parse(SUM, "two-packages/go.sum")
    assert records_of(stale, Resolved) == []  # v0.51.0 and v0.55.0 are listed but not resolved
    (warning,) = stale.warnings
    assert "1 module version(s)" in warning.message and "golang.org/x/net@v0.57.0" in warning.message


def test_go_sum_without_go_mod_warns() -> None:
    result = SUM.parse("a v1.0.0 h1:x=\n", Source("r", "lonely/go.sum", "lonely/go.sum"))
    assert result.records == [] and "nothing to check" in result.warnings[0].message


def test_not_a_go_mod_is_a_parse_error() -> None:
    with pytest.raises(ParseError) as info:
        parse(MOD, "not-go/go.mod")
    assert str(info.value).startswith("fixtures/not-go/go.mod:1:")


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("", 1, "no module directive"),
        ("go 1.21\n", 1, "no module directive"),
        ("module a\nrequire (\n\tb v1.0.0\n", 2, "never closed"),
        ("module a\n)\n", 2, "expected a directive"),
        ('module "a\n', 1, "unterminated"),
        ("module a\nmodule b\n", 2, "more than one module"),
        ("module a\x00\x01\x02\n", 1, "binary data"),
        ("module a b\n", 1, "one module path"),
        ("module a\nrequire (\n\tb (v1)\n)\n", 3, "parenthesis"),
    ],
)
def test_bad_go_mod_is_a_parse_error_with_path_and_line(text: str, line: int, reason: str) -> None:
    with pytest.raises(ParseError) as info:
        MOD.parse(text, Source("r", "go.mod", "repo/go.mod"))
    assert str(info.value).startswith(f"repo/go.mod:{line}:") and reason in str(info.value)


@pytest.mark.parametrize(
    ("text", "warning"),
    [
        ("module a\nrequire b\n", "needs a module path and a version"),
        ("module a\nfrobnicate x\n", "unknown directive 'frobnicate'"),
        ("module a\nreplace b c\n", "without '=>'"),
        ("module a\nreplace b => c\n", "neither a directory"),
        ("module a\nrequire b v1\nrequire b v2\n", "already required"),
        ("module a\nrequire b v1\nreplace b => ../../..\n", "outside the repository"),
    ],
)
def test_questionable_go_mod_lines_are_warnings(text: str, warning: str) -> None:
    result = MOD.parse(text, Source("r", "sub/go.mod", "repo/sub/go.mod"))
    assert any(warning in w.message for w in result.warnings)
    assert all(str(w).startswith("repo/sub/go.mod:") for w in result.warnings)


def test_binary_go_sum_is_a_parse_error() -> None:
    with pytest.raises(ParseError) as info:
        SUM.parse("\x00\x01garbage\n", Source("r", "go.sum", "go.sum"))
    assert str(info.value).startswith("go.sum:1:")


GO_WORDS = st.sampled_from(
    ["module", "go", "toolchain", "require", "replace", "exclude", "retract", "use", "tool", "godebug", "(", ")",
     "=>", "//", "// indirect", "v1.2.3", "./x", "../y", "example.com/m", '"q"', "`r`", "\n", "\t", " "]
)  # fmt: skip


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(GO_WORDS | st.text(max_size=6), max_size=30))
def test_fuzz_go_mod_and_go_work_never_crash(words: list[str]) -> None:
    text = " ".join(words)
    for loader in (MOD, WORK, SUM):
        try:
            loader.parse(text, Source("r", "m/go.mod", "m/go.mod"), CTX)
        except ParseError as exc:
            assert str(exc).startswith("m/go.mod:")


# ------------------------------------------------------------------------------------------- corpus

_REQUIRE_LINE = re.compile(r"^\s*(?:require\s+)?(\S+)\s+(v\S+)(\s*//\s*indirect)?\s*$")


def _independent_requires(text: str) -> dict[str, tuple[str, bool]]:
    """module -> (version, indirect), by a line regex over require lines/blocks only."""
    out: dict[str, tuple[str, bool]] = {}
    in_block = False
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("require ("):
            in_block = True
            continue
        if in_block and s == ")":
            in_block = False
            continue
        if in_block or s.startswith("require "):
            m = _REQUIRE_LINE.match(s)
            if m:
                out[m.group(1)] = (m.group(2), bool(m.group(3)))
    return out


def _local_replaces(text: str) -> dict[str, str]:
    return dict(re.findall(r"^\s*(?:replace\s+)?(\S+)\s+=>\s+(\.\.?/\S*|\.)\s*$", text, re.MULTILINE))


def corpus_go_files(corpus: Path) -> dict[tuple[str, str], str]:
    files = {}
    for group in ("etcd-io__etcd", "GoogleCloudPlatform__microservices-demo"):
        for p in (corpus / group).rglob("go.*"):
            files[(group, p.relative_to(corpus / group).as_posix())] = p.read_text()
    return files


@pytest.mark.corpus
def test_corpus_go_mod_counts_match_an_independent_count(corpus: Path) -> None:
    files = corpus_go_files(corpus)
    ctx = StaticContext(files)
    go_mods = [k for k in files if k[1].endswith("go.mod")]
    assert len([k for k in go_mods if k[0] == "etcd-io__etcd"]) == 13
    for repo, path in sorted(go_mods):
        text = files[(repo, path)]
        result = MOD.parse(text, Source(repo, path, f"{repo}/{path}"), ctx)
        assert result.warnings == [], path
        requires = _independent_requires(text)
        local = _local_replaces(text)
        links = records_of(result, ProjectDependency)
        assert len(links) == len([m for m in local if m in requires]), path
        expected = {m for m in requires if m not in local}
        got = {r.location.line for r in records_of(result, Resolved)}
        assert len(records_of(result, Resolved)) == len(expected), path
        assert len(got) == len(expected), path
        assert len(records_of(result, Declared)) == len([m for m in expected if not requires[m][1]]), path


@pytest.mark.corpus
def test_etcd_local_replaces_link_to_the_right_module_projects(corpus: Path) -> None:
    files = corpus_go_files(corpus)
    ctx = StaticContext(files)
    repo = "etcd-io__etcd"
    result = MOD.parse(files[(repo, "server/go.mod")], Source(repo, "server/go.mod", "server/go.mod"), ctx)
    targets = {p.target for p in records_of(result, ProjectDependency)}
    assert "etcd-io__etcd/api#pkg:golang/go.etcd.io/etcd/api/v3" in targets  # => ../api
    root = MOD.parse(files[(repo, "go.mod")], Source(repo, "go.mod", "go.mod"), ctx)
    assert "etcd-io__etcd/api#pkg:golang/go.etcd.io/etcd/api/v3" in {
        p.target for p in records_of(root, ProjectDependency)
    }
    # every link target is the key the target directory's own go.mod produces
    own_keys = {
        next(r for r in MOD.parse(t, Source(repo, p, p), ctx).records if isinstance(r, Project)).key
        for (g, p), t in files.items()
        if g == repo and p.endswith("go.mod")
    }
    for path in [p for (g, p) in files if g == repo and p.endswith("go.mod")]:
        res = MOD.parse(files[(repo, path)], Source(repo, path, path), ctx)
        assert {p.target for p in records_of(res, ProjectDependency)} <= own_keys


@pytest.mark.corpus
def test_etcd_go_work_uses(corpus: Path) -> None:
    files = corpus_go_files(corpus)
    text = files[("etcd-io__etcd", "go.work")]
    uses = re.findall(r"^\t(\.\S*)$", text, re.MULTILINE)
    assert len(uses) == 14
    result = WORK.parse(text, Source("etcd-io__etcd", "go.work", "go.work"), StaticContext(files))
    links = records_of(result, ProjectDependency)
    with_go_mod = [u for u in uses if ("etcd-io__etcd", f"{u.removeprefix('./')}/go.mod".lstrip("./")) in files]
    assert len(with_go_mod) == 13  # tests/antithesis/pkg has no go.mod in the corpus
    assert len(links) == 13
    (warning,) = result.warnings
    assert "./tests/antithesis/pkg" in warning.message and warning.line == 18


@pytest.mark.corpus
@pytest.mark.parametrize("service", ["checkoutservice", "frontend", "productcatalogservice", "shippingservice"])
def test_microservices_demo_go_versions(corpus: Path, service: str) -> None:
    files = corpus_go_files(corpus)
    repo = "GoogleCloudPlatform__microservices-demo"
    path = f"src/{service}/go.mod"
    result = MOD.parse(files[(repo, path)], Source(repo, path, path), StaticContext(files))
    resolved = {r.version: r for r in records_of(result, Resolved)}
    assert resolved["pkg:golang/google.golang.org/grpc@v1.83.0"].depth == 1
    assert "pkg:golang/golang.org/x/net@v0.57.0" in resolved
    assert not any(v.startswith("pkg:golang/golang.org/x/net@") and not v.endswith("v0.57.0") for v in resolved)
    summed = GoSumLoader().parse(
        files[(repo, f"src/{service}/go.sum")], Source(repo, f"src/{service}/go.sum", "go.sum"), StaticContext(files)
    )
    assert records_of(summed, Resolved) == [] and summed.warnings == []


@pytest.mark.corpus
def test_frontend_go_sum_lists_versions_go_mod_does_not_resolve(corpus: Path) -> None:
    files = corpus_go_files(corpus)
    text = files[("GoogleCloudPlatform__microservices-demo", "src/frontend/go.sum")]
    assert {"v0.51.0", "v0.55.0", "v0.57.0"} <= set(re.findall(r"^golang.org/x/net (v[\d.]+)[ /]", text, re.M))
    result = MOD.parse(
        files[("GoogleCloudPlatform__microservices-demo", "src/frontend/go.mod")],
        Source("m", "src/frontend/go.mod", "go.mod"),
    )
    nets = [r.version for r in records_of(result, Resolved) if "x/net@" in r.version]
    assert nets == ["pkg:golang/golang.org/x/net@v0.57.0"]
