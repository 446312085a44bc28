"""pyproject.toml loader: PEP 621, PEP 735, Poetry, bad input, corpus, fuzzing."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders.base import StaticContext
from loaders.python.pyproject import PyprojectTomlLoader
from planner.errors import ParseError
from planner.model import Declared, Project, ProjectDependency, Publishes, Source
from tests.conftest import FIXTURES, records_of

LOADER = PyprojectTomlLoader()
DIR = FIXTURES / "python" / "pyproject"


def load(case: str, rel: str = "pyproject.toml", repo: str = "acme"):
    root = DIR / case
    files = {(repo, p.relative_to(root).as_posix()): p.read_text() for p in root.rglob("*") if p.is_file()}
    return LOADER.parse(files[(repo, rel)], Source(repo, rel, f"{case}/{rel}"), StaticContext(files))


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("pyproject.toml", True),
        ("sub/dir/pyproject.toml", True),
        ("pyproject.toml.orig", False),
        ("Pyproject.toml", False),
        ("pyproject.cfg", False),
        ("poetry.lock", False),
    ],
)
def test_matches_file_names(path: str, expected: bool) -> None:
    assert LOADER.matches(path) is expected


def test_empty_tool_only_file_is_a_generic_project_that_publishes_nothing() -> None:
    result = load("empty")
    assert result.records == [records_of(result, Project)[0]]
    assert records_of(result, Project)[0].key == "acme/.#pkg:generic/acme"
    assert result.warnings == []


def test_one_package_normalises_name_and_version_and_publishes() -> None:
    result = load("one-package")
    (project,) = records_of(result, Project)
    assert (project.key, project.version, project.purl) == (
        "acme/.#pkg:pypi/acme-widgets",
        "1.2.dev0",
        "pkg:pypi/acme-widgets@1.2.dev0",
    )
    assert records_of(result, Publishes) == [Publishes(project.key, "pkg:pypi/acme-widgets")]
    (dep,) = records_of(result, Declared)
    assert (dep.package, dep.range, dep.location.line) == ("pkg:pypi/requests", ">=2.31", 4)


def test_two_packages_extras_markers_optional_and_build() -> None:
    result = load("two-packages")
    by = {d.package: d for d in records_of(result, Declared)}
    assert by["pkg:pypi/flask"].range == "<4,>=3.0"
    assert by["pkg:pypi/tomli"].profile == 'python_version < "3.11"'
    assert (by["pkg:pypi/redis"].scope, by["pkg:pypi/redis"].optional, by["pkg:pypi/redis"].raw_scope) == (
        "optional",
        True,
        "optional-dependencies.redis",
    )
    assert (by["pkg:pypi/hatchling"].scope, by["pkg:pypi/hatchling"].location.line) == ("build", 2)
    assert records_of(result, Project)[0].version is None  # dynamic
    assert result.warnings == []


def test_dependency_groups_include_group_and_cycles() -> None:
    result = load("groups")
    scopes = {(d.package, d.raw_scope): d.scope for d in records_of(result, Declared)}
    assert scopes[("pkg:pypi/pytest", "dependency-groups.test")] == "test"
    assert scopes[("pkg:pypi/mypy", "dependency-groups.test")] == "test"  # included from typing
    assert scopes[("pkg:pypi/mypy", "dependency-groups.typing")] == "dev"
    assert scopes[("pkg:pypi/sphinx", "dependency-groups.docs")] == "dev"
    assert scopes[("pkg:pypi/black", "dependency-groups.loop-b")] == "dev"
    assert result.warnings and all("include cycle" in w.message for w in result.warnings)


def test_poetry_caret_tilde_tables_markers_git_and_paths() -> None:
    result = load("poetry")
    by = {d.package: d for d in records_of(result, Declared)}
    assert "pkg:pypi/python" not in by
    assert by["pkg:pypi/pygments"].range == "^2.13.0"
    assert (by["pkg:pypi/ipywidgets"].optional, by["pkg:pypi/ipywidgets"].scope) == (True, "optional")
    assert by["pkg:pypi/colorama"].profile == 'sys_platform == "win32" and python_version < "3.12"'
    assert by["pkg:pypi/tool"].unresolved == "git+https://github.com/acme/tool.git@v1"
    assert (by["pkg:pypi/pytest"].scope, by["pkg:pypi/pytest"].raw_scope) == ("test", "tool.poetry.group.test")
    assert (by["pkg:pypi/black"].scope, by["pkg:pypi/black"].range) == ("dev", "^22.6")
    (warning,) = result.warnings
    assert str(warning).startswith("poetry/pyproject.toml:11:") and "outside the repository" in warning.message


def test_poetry_path_dependency_is_a_project_link() -> None:
    text = '[tool.poetry]\nname = "app"\n[tool.poetry.dependencies]\nlib = { path = "libs/lib", develop = true }\n'
    files = {("r", "pyproject.toml"): text, ("r", "libs/lib/pyproject.toml"): '[project]\nname = "Acme.Lib"\n'}
    result = LOADER.parse(text, Source("r", "pyproject.toml", "pyproject.toml"), StaticContext(files))
    (link,) = records_of(result, ProjectDependency)
    assert (link.target, link.spec, link.location.line) == ("r/libs/lib#pkg:pypi/acme-lib", "libs/lib", 4)
    assert records_of(result, Declared) == []


def test_git_dependency_points_at_the_locked_reference() -> None:
    result = load("git-dependency")
    by = {d.package: d for d in records_of(result, Declared)}
    core = by["pkg:pypi/core-lib"]
    assert (core.range, core.unresolved) == (None, "git+https://github.com/acme/core-lib.git")
    lock = (DIR / "git-dependency" / "poetry.lock").read_text().splitlines()
    assert core.version_location.path == "poetry.lock"
    assert lock[core.version_location.line - 1].startswith('resolved_reference = "e3998b0e')
    assert by["pkg:pypi/xattr"].profile == 'sys_platform == "darwin"'


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("[project\nname = 'x'\n", 1, "malformed pyproject.toml"),
        ('[project]\nname = "a"\nname = "b"\n', 3, "duplicate key"),
        ('[project]\nname = "a"\n[project]\nversion = "1"\n', 3, "duplicate key"),
        ('[project]\ndependencies = ["a",\n', 2, "malformed pyproject.toml"),
        ("x = \xff\n", 1, "malformed pyproject.toml"),
    ],
)
def test_bad_input_is_a_parse_error_with_path_and_line(text: str, line: int, reason: str) -> None:
    with pytest.raises(ParseError) as info:
        LOADER.parse(text, Source("r", "pyproject.toml", "repo/pyproject.toml"))
    assert str(info.value).startswith(f"repo/pyproject.toml:{line}:")
    assert reason in str(info.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[project]\nname = "a"\ndependencies = "requests"\n', "dependencies is not a list"),
        ('[project]\nname = "a"\ndependencies = ["requests>>1"]\n', "invalid requirement"),
        ('[project]\nname = "bad name!"\n', "not a valid Python package name"),
        ('[dependency-groups]\na = [{include-group = "missing"}]\n', "'missing' is not defined"),
        ("[tool.poetry.dependencies]\nx = 3\n", "unsupported value"),
    ],
)
def test_unusable_parts_are_warnings(text: str, message: str) -> None:
    result = LOADER.parse(text, Source("r", "pyproject.toml", "repo/pyproject.toml"))
    assert any(message in w.message for w in result.warnings)
    assert all(str(w).startswith("repo/pyproject.toml:") for w in result.warnings)


toml_scalars = st.one_of(st.text(max_size=12), st.integers(), st.booleans())
toml_values = st.recursive(
    toml_scalars,
    lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(min_size=1, max_size=8), c, max_size=4),
    max_leaves=15,
)
requirement = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["requests>=2", "a[b]; python_version<'3'", "x @ git+https://g/x", "x @ file:../y", "-e ."]),
)


def _toml(value) -> str:
    """A tiny TOML writer for generated data (strings JSON-escaped, which TOML accepts)."""
    import json

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items()) + "}"


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.one_of(st.text(max_size=10), st.sampled_from(["pkg", "A.B_c"])),
    deps=st.one_of(st.lists(requirement, max_size=5), toml_values),
    groups=st.dictionaries(
        st.text(min_size=1, max_size=6), st.lists(requirement | toml_values, max_size=3), max_size=3
    ),
    poetry=st.dictionaries(st.text(min_size=1, max_size=8), toml_values | requirement, max_size=4),
)
def test_fuzz_never_crashes(name, deps, groups, poetry) -> None:
    text = (
        f"[project]\nname = {_toml(name)}\ndependencies = {_toml(deps)}\n\n"
        f"[dependency-groups]\n"
        + "".join(f"{_toml(k)} = {_toml(v)}\n" for k, v in groups.items())
        + "\n[tool.poetry.dependencies]\n"
        + "".join(f"{_toml(k)} = {_toml(v)}\n" for k, v in poetry.items())
    )
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return
    try:
        result = LOADER.parse(text, Source("r", "pyproject.toml", "pyproject.toml"))
    except ParseError:
        return
    assert len(records_of(result, Project)) == 1


# ------------------------------------------------------------------------------------------- corpus


def _pep508_names(items: list[str]) -> set[str]:
    return {re.sub(r"[-_.]+", "-", re.match(r"\s*([A-Za-z0-9._-]+)", i).group(1)).lower() for i in items}


def _parse(corpus: Path, group: str):
    path = corpus / group / "pyproject.toml"
    files = {
        (group, p.name): p.read_text()
        for p in (corpus / group).iterdir()
        if p.is_file() and p.suffix in (".toml", ".lock")
    }
    return LOADER.parse(path.read_text(), Source(group, "pyproject.toml", str(path)), StaticContext(files))


@pytest.mark.corpus
def test_poetry_pep621_with_groups_and_git_dependency(corpus: Path) -> None:
    result = _parse(corpus, "python-poetry__poetry")
    assert result.warnings == []
    data = tomllib.loads((corpus / "python-poetry__poetry/pyproject.toml").read_text())
    runtime = {
        d.package.removeprefix("pkg:pypi/") for d in records_of(result, Declared) if d.raw_scope == "dependencies"
    }
    assert runtime == _pep508_names(data["project"]["dependencies"])
    groups = data["tool"]["poetry"]["group"]
    expected_group_entries = sum(len(g.get("dependencies", {})) for g in groups.values())
    assert (
        sum(1 for d in records_of(result, Declared) if d.raw_scope.startswith("tool.poetry.group."))
        == expected_group_entries
    )
    core = next(d for d in records_of(result, Declared) if d.package == "pkg:pypi/poetry-core" and d.scope == "runtime")
    assert core.unresolved == "git+https://github.com/python-poetry/poetry-core.git"
    lock = (corpus / "python-poetry__poetry/poetry.lock").read_text().splitlines()
    assert lock[core.version_location.line - 1] == 'resolved_reference = "e3998b0e111dc03e4aa721fd054c48e5c7de6fc5"'
    xattr = next(d for d in records_of(result, Declared) if d.package == "pkg:pypi/xattr")
    assert xattr.profile == 'sys_platform == "darwin"'
    assert records_of(result, Publishes) == [Publishes("python-poetry__poetry/.#pkg:pypi/poetry", "pkg:pypi/poetry")]


@pytest.mark.corpus
def test_rich_poetry_style(corpus: Path) -> None:
    result = _parse(corpus, "Textualize__rich")
    assert result.warnings == []
    data = tomllib.loads((corpus / "Textualize__rich/pyproject.toml").read_text())
    poetry = data["tool"]["poetry"]
    declared = records_of(result, Declared)
    main = [d for d in declared if d.raw_scope == "tool.poetry.dependencies"]
    assert len(main) == len(poetry["dependencies"]) - 1  # python is not a dependency
    assert sum(1 for d in declared if d.raw_scope == "tool.poetry.dev-dependencies") == len(poetry["dev-dependencies"])
    pygments = next(d for d in main if d.package == "pkg:pypi/pygments")
    assert pygments.range == "^2.13.0"
    ipywidgets = next(d for d in main if d.package == "pkg:pypi/ipywidgets")
    assert ipywidgets.optional
    assert records_of(result, Project)[0].version == "14.3.3"


@pytest.mark.corpus
def test_flask_pep735_groups(corpus: Path) -> None:
    result = _parse(corpus, "pallets__flask")
    assert result.warnings == []
    data = tomllib.loads((corpus / "pallets__flask/pyproject.toml").read_text())
    for group, items in data["dependency-groups"].items():
        got = {
            d.package.removeprefix("pkg:pypi/")
            for d in records_of(result, Declared)
            if d.raw_scope == f"dependency-groups.{group}"
        }
        assert got == _pep508_names([i for i in items if isinstance(i, str)])
    scopes = {d.raw_scope: d.scope for d in records_of(result, Declared)}
    assert scopes["dependency-groups.tests"] == "test"
    assert scopes["dependency-groups.typing"] == "dev"
    assert scopes["dependencies"] == "runtime"
    assert records_of(result, Project)[0].key == "pallets__flask/.#pkg:pypi/flask"


@pytest.mark.corpus
def test_pipenv_and_warehouse(corpus: Path) -> None:
    pipenv = _parse(corpus, "pypa__pipenv")
    assert pipenv.warnings == []
    assert records_of(pipenv, Project)[0].version is None  # dynamic version
    data = tomllib.loads((corpus / "pypa__pipenv/pyproject.toml").read_text())
    extras = data["project"]["optional-dependencies"]
    assert sum(1 for d in records_of(pipenv, Declared) if d.optional) == sum(len(v) for v in extras.values())
    warehouse = _parse(corpus, "pypi__warehouse")
    assert warehouse.warnings == []
    assert records_of(warehouse, Project)[0].ecosystem == "generic"  # tool settings only
    assert records_of(warehouse, Publishes) == []
