"""poetry.lock, uv.lock and pdm.lock loaders: fixtures, graph, bad input, corpus counts, fuzzing."""

from __future__ import annotations

import json
import re
import time
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders.base import StaticContext
from loaders.python.pdm_lock import PdmLockLoader
from loaders.python.poetry_lock import PoetryLockLoader
from loaders.python.uv_lock import UvLockLoader
from planner.errors import ParseError
from planner.model import Project, ProjectDependency, Resolved, Source, VersionDependency
from tests.conftest import FIXTURES, records_of

POETRY, UV, PDM = PoetryLockLoader(), UvLockLoader(), PdmLockLoader()
DIR = FIXTURES / "python"


def load(loader, case: str, rel: str, repo: str = "acme"):
    root = DIR / case
    files = {(repo, p.relative_to(root).as_posix()): p.read_text() for p in root.rglob("*") if p.is_file()}
    return loader.parse(files[(repo, rel)], Source(repo, rel, f"{case}/{rel}"), StaticContext(files))


def resolved(result) -> dict[str, Resolved]:
    return {r.version: r for r in records_of(result, Resolved)}


@pytest.mark.parametrize(
    ("loader", "path", "expected"),
    [
        (POETRY, "poetry.lock", True),
        (POETRY, "a/b/poetry.lock", True),
        (POETRY, "poetry.lock.bak", False),
        (POETRY, "Poetry.lock", False),
        (UV, "uv.lock", True),
        (UV, "sub/uv.lock", True),
        (UV, "uv.lock.json", False),
        (UV, "poetry.lock", False),
        (PDM, "pdm.lock", True),
        (PDM, "pdm.lock.toml", False),
        (PDM, "uv.lock", False),
    ],
)
def test_matches_file_names(loader, path: str, expected: bool) -> None:
    assert loader.matches(path) is expected


# ------------------------------------------------------------------------------------------- poetry


def test_poetry_empty() -> None:
    result = load(POETRY, "poetry/empty", "poetry.lock")
    assert [type(r) for r in result.records] == [Project]
    assert result.warnings == []


def test_poetry_one_package_is_direct() -> None:
    result = load(POETRY, "poetry/one-package", "poetry.lock")
    (project,) = records_of(result, Project)
    assert project.key == "acme/.#pkg:pypi/app"  # the same key the pyproject.toml loader gives
    (res,) = records_of(result, Resolved)
    assert (res.version, res.depth, res.scope, res.raw_scope, res.location.line) == (
        "pkg:pypi/six@1.16.0",
        1,
        "runtime",
        "main",
        1,
    )


def test_poetry_two_packages_graph_groups_and_metadata() -> None:
    result = load(POETRY, "poetry/two-packages", "poetry.lock")
    res = resolved(result)
    assert res["pkg:pypi/urllib3@2.2.1"].depth == 2
    assert res["pkg:pypi/urllib3@2.2.1"].path == ("pkg:pypi/requests@2.31.0", "pkg:pypi/urllib3@2.2.1")
    assert (res["pkg:pypi/urllib3@2.2.1"].scope, res["pkg:pypi/urllib3@2.2.1"].raw_scope) == ("runtime", "main,test")
    assert (res["pkg:pypi/pytest@8.0.0"].scope, res["pkg:pypi/pytest@8.0.0"].depth) == ("test", 1)
    deps = {(d.version, d.package): (d.range, d.resolved) for d in records_of(result, VersionDependency)}
    assert deps[("pkg:pypi/requests@2.31.0", "pkg:pypi/urllib3")] == (">=1.21.1,<3", "2.2.1")
    assert deps[("pkg:pypi/requests@2.31.0", "pkg:pypi/certifi")] == (">=2017.4.17", None)  # not locked here
    assert result.warnings == []


def test_poetry_old_category_locks() -> None:
    result = load(POETRY, "poetry/old-category", "poetry.lock")
    res = resolved(result)
    assert res["pkg:pypi/black@22.12.0"].scope == "dev"
    assert res["pkg:pypi/pygments@2.15.1"].scope == "runtime"
    assert result.warnings == []


def test_poetry_without_pyproject_warns_and_leaves_depth_unknown() -> None:
    result = load(POETRY, "poetry/no-pyproject", "poetry.lock")
    assert [r.depth for r in records_of(result, Resolved)] == [None]
    (warning,) = result.warnings
    assert "no pyproject.toml beside the lock" in warning.message


def test_poetry_git_source_and_markers_keep_the_dependency() -> None:
    result = load(POETRY, "pyproject/git-dependency", "poetry.lock")
    res = resolved(result)
    assert res["pkg:pypi/core-lib@2.4.1"].depth == 1
    assert res["pkg:pypi/xattr@1.3.0"].depth == 1  # sys_platform == "darwin" does not drop it
    assert res["pkg:pypi/cffi@2.0.0"].path == ("pkg:pypi/xattr@1.3.0", "pkg:pypi/cffi@2.0.0")


def test_poetry_directory_source_is_a_project_link() -> None:
    text = (
        '[[package]]\nname = "lib"\nversion = "1.0"\noptional = false\ngroups = ["main"]\n'
        '[package.source]\ntype = "directory"\nurl = "libs/lib"\n\n[metadata]\nlock-version = "2.1"\n'
    )
    files = {("r", "poetry.lock"): text, ("r", "libs/lib/pyproject.toml"): '[project]\nname = "lib"\n'}
    result = POETRY.parse(text, Source("r", "poetry.lock", "poetry.lock"), StaticContext(files))
    (link,) = records_of(result, ProjectDependency)
    assert link.target == "r/libs/lib#pkg:pypi/lib"


# ----------------------------------------------------------------------------------------------- uv


def test_uv_empty_root_is_the_project() -> None:
    result = load(UV, "uv/empty", "uv.lock")
    (project,) = records_of(result, Project)
    assert (project.key, project.version) == ("acme/.#pkg:pypi/solo", "0.1.0")
    assert records_of(result, Resolved) == [] and result.warnings == []


def test_uv_one_package() -> None:
    result = load(UV, "uv/one-package", "uv.lock")
    (res,) = records_of(result, Resolved)
    assert (res.version, res.depth, res.scope) == ("pkg:pypi/six@1.16.0", 1, "runtime")


def test_uv_two_versions_extras_groups_and_scopes() -> None:
    result = load(UV, "uv/two-packages", "uv.lock")
    res = resolved(result)
    assert records_of(result, Project)[0].key == "acme/.#pkg:pypi/flask"
    assert "pkg:pypi/flask@3.2.0.dev0" not in res  # the editable root is the project, not a dependency
    assert {"pkg:pypi/sphinx@8.1.3", "pkg:pypi/sphinx@8.2.3"} <= set(res)
    assert res["pkg:pypi/sphinx@8.2.3"].scope == "dev"
    assert res["pkg:pypi/pytest@8.3.0"].scope == "test"
    assert res["pkg:pypi/python-dotenv@1.0.1"].scope == "optional"
    markupsafe = res["pkg:pypi/markupsafe@3.0.2"]
    assert (markupsafe.scope, markupsafe.depth) == ("runtime", 2)  # via werkzeug, also via sphinx
    deps = {(d.version, d.package) for d in records_of(result, VersionDependency)}
    assert ("pkg:pypi/sphinx@8.1.3", "pkg:pypi/markupsafe") in deps
    assert result.warnings == []


def test_uv_workspace_members_are_project_links() -> None:
    result = load(UV, "uv/workspace", "uv.lock")
    (link,) = records_of(result, ProjectDependency)
    assert link.target == "acme/packages/core#pkg:pypi/core"
    assert set(resolved(result)) == {"pkg:pypi/attrs@23.2.0"}


# ---------------------------------------------------------------------------------------------- pdm


def test_pdm_one_and_two_packages() -> None:
    one = load(PDM, "pdm/one-package", "pdm.lock")
    assert [(r.version, r.depth) for r in records_of(one, Resolved)] == [("pkg:pypi/six@1.16.0", 1)]
    two = load(PDM, "pdm/two-packages", "pdm.lock")
    res = resolved(two)
    assert res["pkg:pypi/urllib3@2.2.1"].path == ("pkg:pypi/requests@2.31.0", "pkg:pypi/urllib3@2.2.1")
    assert res["pkg:pypi/pytest@8.0.0"].scope == "test"
    deps = {(d.version, d.package): d.range for d in records_of(two, VersionDependency)}
    assert deps[("pkg:pypi/requests@2.31.0", "pkg:pypi/urllib3")] == "<3,>=1.21.1"
    assert two.warnings == []


# ---------------------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("loader", "name", "text", "line", "reason"),
    [
        (POETRY, "poetry.lock", "[[package]\nname = 'x'\n", 1, "malformed poetry.lock"),
        (POETRY, "poetry.lock", '[[package]]\nname = "a"\nname = "b"\n', 3, "duplicate key"),
        (POETRY, "poetry.lock", 'package = "x"\n', 0, "not an array of tables"),
        (UV, "uv.lock", "version = 1\n[[package]\n", 2, "malformed uv.lock"),
        (UV, "uv.lock", "version = 1\nversion = 2\n", 2, "duplicate key"),
        (PDM, "pdm.lock", "[metadata]\n[metadata]\n", 2, "duplicate key"),
        (PDM, "pdm.lock", "\x00", 1, "malformed pdm.lock"),
    ],
)
def test_bad_input_is_a_parse_error(loader, name: str, text: str, line: int, reason: str) -> None:
    with pytest.raises(ParseError) as info:
        loader.parse(text, Source("r", name, f"repo/{name}"))
    assert str(info.value).startswith(f"repo/{name}:")
    if line:
        assert info.value.line == line
    assert reason in str(info.value)


@pytest.mark.parametrize(
    ("loader", "name", "text", "message"),
    [
        (POETRY, "poetry.lock", '[metadata]\nlock-version = "9.0"\n', "unknown lock-version '9.0'"),
        (UV, "uv.lock", "version = 7\n", "unknown uv.lock version 7"),
        (PDM, "pdm.lock", '[metadata]\nlock_version = "9.1"\n', "unknown lock_version '9.1'"),
        (POETRY, "poetry.lock", '[[package]]\nname = "x"\n[metadata]\nlock-version = "2.1"\n', "no name or version"),
        (UV, "uv.lock", 'version = 1\n[[package]]\nname = "bad name!"\nversion = "1"\n', "not a valid Python"),
        (PDM, "pdm.lock", '[metadata]\nlock_version = "4.5.0"\n[[package]]\nversion = "1"\n', "no name or version"),
    ],
)
def test_unknown_versions_and_bad_entries_are_warnings(loader, name: str, text: str, message: str) -> None:
    result = loader.parse(text, Source("r", name, f"repo/{name}"))
    assert any(message in w.message for w in result.warnings), result.warnings
    assert all(str(w).startswith(f"repo/{name}:") for w in result.warnings)


# ------------------------------------------------------------------------------------------ fuzzing

scalars = st.one_of(st.text(max_size=10), st.integers(-3, 3), st.booleans())
values = st.recursive(
    scalars,
    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(min_size=1, max_size=6), c, max_size=3),
    max_leaves=12,
)
names = st.one_of(st.sampled_from(["a", "B_c", "d.e", "bad name", ""]), st.text(max_size=6), values)
dep_entries = st.one_of(
    st.fixed_dictionaries({"name": names}, optional={"version": values, "marker": values}),
    values,
)
package = st.fixed_dictionaries(
    {"name": names, "version": st.one_of(st.sampled_from(["1.0", "2.0.dev", ""]), values)},
    optional={
        "groups": st.lists(st.sampled_from(["main", "dev", "test", "default", "x"]) | values, max_size=3),
        "category": values,
        "optional": values,
        "source": st.one_of(
            st.fixed_dictionaries({"editable": st.sampled_from([".", "sub", "../x"])}),
            st.fixed_dictionaries({"type": st.just("directory"), "url": st.sampled_from(["lib", "../../x"])}),
            values,
        ),
        "dependencies": st.one_of(
            st.lists(dep_entries, max_size=3),
            st.dictionaries(st.sampled_from(["a", "B_c", "x y"]), values, max_size=3),
            st.lists(st.sampled_from(["a>=1", "b; python_version<'3'", "!!"]) | values, max_size=3),
            values,
        ),
    },
)


def _toml_doc(doc: dict) -> str:
    """TOML text for generated data: inline tables only, JSON-escaped strings (valid TOML)."""

    def val(v) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int):
            return str(v)
        if isinstance(v, str):
            return json.dumps(v)
        if isinstance(v, list):
            return "[" + ", ".join(val(x) for x in v) + "]"
        return "{" + ", ".join(f"{json.dumps(k)} = {val(x)}" for k, x in v.items()) + "}"

    return "\n".join(f"{json.dumps(k)} = {val(v)}" for k, v in doc.items()) + "\n"


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    loader=st.sampled_from([POETRY, UV, PDM]),
    packages=st.lists(package, max_size=5) | values,
    version=values,
)
def test_fuzz_never_crashes(loader, packages, version) -> None:
    doc = {"version": version, "metadata": {"lock-version": version, "lock_version": version}, "package": packages}
    text = _toml_doc(doc)
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return
    context = StaticContext({("r", "pyproject.toml"): '[project]\nname = "root"\ndependencies = ["a", "B_c"]\n'})
    try:
        result = loader.parse(text, Source("r", "x.lock", "x.lock"), context)
    except ParseError:
        return
    assert len(records_of(result, Project)) == 1


# ------------------------------------------------------------------------------------------- corpus


def _parse_corpus(corpus: Path, loader, group: str, rel: str):
    root = corpus / group
    files = {(group, p.name): p.read_text() for p in root.iterdir() if p.is_file()}
    text = files[(group, rel)]
    start = time.perf_counter()
    result = loader.parse(text, Source(group, rel, f"{group}/{rel}"), StaticContext(files))
    elapsed = time.perf_counter() - start
    print(f"{group}/{rel}: {len(text) / 1024:.0f} KiB, {len(result.records)} records in {elapsed * 1000:.1f} ms")
    return result, text


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@pytest.mark.corpus
@pytest.mark.parametrize(("group", "count"), [("python-poetry__poetry", 78), ("Textualize__rich", 49)])
def test_corpus_poetry_locks(corpus: Path, group: str, count: int) -> None:
    result, text = _parse_corpus(corpus, POETRY, group, "poetry.lock")
    assert result.warnings == []
    packages = tomllib.loads(text)["package"]
    assert len(packages) == count
    assert len(records_of(result, Resolved)) == len({(_norm(p["name"]), p["version"]) for p in packages})
    # independent: the pyproject's direct dependencies are exactly the depth-1 entries
    pyproject = tomllib.loads((corpus / group / "pyproject.toml").read_text())
    direct = set()
    for item in pyproject.get("project", {}).get("dependencies", []):
        direct.add(_norm(re.match(r"[A-Za-z0-9._-]+", item).group(0)))
    poetry = pyproject.get("tool", {}).get("poetry", {})
    for table in [poetry.get("dependencies", {}), poetry.get("dev-dependencies", {})] + [
        g.get("dependencies", {}) for g in poetry.get("group", {}).values()
    ]:
        direct |= {_norm(n) for n in table if n != "python"}
    locked_names = {_norm(p["name"]) for p in packages}
    got = {r.version.removeprefix("pkg:pypi/").split("@")[0] for r in records_of(result, Resolved) if r.depth == 1}
    assert got == direct & locked_names
    assert all(r.depth is not None for r in records_of(result, Resolved))  # everything is reachable from the project


@pytest.mark.corpus
def test_poetry_lock_git_dependency_and_darwin_marker(corpus: Path) -> None:
    result, _ = _parse_corpus(corpus, POETRY, "python-poetry__poetry", "poetry.lock")
    res = resolved(result)
    assert res["pkg:pypi/poetry-core@2.4.1"].depth == 1
    xattr = next(r for v, r in res.items() if v.startswith("pkg:pypi/xattr@"))
    assert xattr.depth == 1 and xattr.scope == "runtime"


@pytest.mark.corpus
def test_rich_lock_scopes(corpus: Path) -> None:
    result, _ = _parse_corpus(corpus, POETRY, "Textualize__rich", "poetry.lock")
    res = {v.removeprefix("pkg:pypi/").split("@")[0]: r for v, r in resolved(result).items()}
    assert (res["pygments"].scope, res["pygments"].depth) == ("runtime", 1)
    assert res["pytest"].scope == "dev"
    assert res["ipywidgets"].scope == "optional"


@pytest.mark.corpus
def test_flask_uv_lock(corpus: Path) -> None:
    result, text = _parse_corpus(corpus, UV, "pallets__flask", "uv.lock")
    assert result.warnings == []
    packages = tomllib.loads(text)["package"]
    assert len(packages) == 83
    registry = {(p["name"], p["version"]) for p in packages if "registry" in p["source"]}
    assert len(records_of(result, Resolved)) == len(registry) == 82
    res = resolved(result)
    assert {"pkg:pypi/sphinx@8.1.3", "pkg:pypi/sphinx@8.2.3"} <= set(res)
    assert all(r.depth is not None for r in res.values())
    root = next(p for p in packages if p["source"] == {"editable": "."})
    runtime = {f"pkg:pypi/{d['name']}" for d in root["dependencies"]}
    assert {v.split("@")[0] for v, r in res.items() if r.depth == 1 and r.scope == "runtime"} == runtime
    assert records_of(result, Project)[0].key == "pallets__flask/.#pkg:pypi/flask"


@pytest.mark.corpus
def test_corpus_sdist_and_wheel_hashes(corpus: Path) -> None:
    """Copied by hand from the files: uv's ``sdist``/``wheels`` hashes and Poetry's ``files`` hashes."""
    uv, _ = _parse_corpus(corpus, UV, "pallets__flask", "uv.lock")
    assert resolved(uv)["pkg:pypi/blinker@1.9.0"].hashes == (
        "sha256:b4ce2265a7abece45e7cc896e98dbebe6cead56bcf805a3d23136d145f5445bf",
        "sha256:ba0efaa9080b619ff2f3459d1d500c57bddea4a6b424b60a91141db6fd2f08bc",
    )
    poetry, _ = _parse_corpus(corpus, POETRY, "python-poetry__poetry", "poetry.lock")
    assert resolved(poetry)["pkg:pypi/cachecontrol@0.14.4"].hashes == (
        "sha256:b7ac014ff72ee199b5f8af1de29d60239954f223e948196fa3d84adaffc71d2b",
        "sha256:e6220afafa4c22a47dd0badb319f84475d79108100d04e26e8542ef7d3ab05a1",
    )
