"""Pipfile and Pipfile.lock loaders: fixtures, bad input, corpus counts, fuzzing."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders.base import StaticContext
from loaders.python.pipfile import PipfileLoader, PipfileLockLoader
from planner.errors import ParseError
from planner.model import Declared, Project, ProjectDependency, Resolved, Source
from tests.conftest import FIXTURES, records_of

PIPFILE, LOCK = PipfileLoader(), PipfileLockLoader()
DIR = FIXTURES / "python" / "pipenv"


def load(loader, case: str, rel: str, repo: str = "acme"):
    root = DIR / case
    files = {(repo, p.relative_to(root).as_posix()): p.read_text() for p in root.rglob("*") if p.is_file()}
    return loader.parse(files[(repo, rel)], Source(repo, rel, f"{case}/{rel}"), StaticContext(files))


@pytest.mark.parametrize(
    ("loader", "path", "expected"),
    [
        (PIPFILE, "Pipfile", True),
        (PIPFILE, "benchmarks/Pipfile", True),
        (PIPFILE, "Pipfile.lock", False),
        (PIPFILE, "pipfile", False),
        (PIPFILE, "Pipfile.txt", False),
        (LOCK, "Pipfile.lock", True),
        (LOCK, "sub/Pipfile.lock", True),
        (LOCK, "Pipfile", False),
        (LOCK, "Pipfile.lock.json", False),
    ],
)
def test_matches_file_names(loader, path: str, expected: bool) -> None:
    assert loader.matches(path) is expected


def test_empty() -> None:
    for loader, rel in ((PIPFILE, "Pipfile"), (LOCK, "Pipfile.lock")):
        result = load(loader, "empty", rel)
        assert [type(r) for r in result.records] == [Project]
        assert result.records[0].key == "acme/.#pkg:generic/acme"
        assert result.warnings == []


def test_one_package() -> None:
    (declared,) = records_of(load(PIPFILE, "one-package", "Pipfile"), Declared)
    assert (declared.package, declared.range, declared.scope, declared.location.line) == (
        "pkg:pypi/requests",
        "*",
        "runtime",
        2,
    )
    (res,) = records_of(load(LOCK, "one-package", "Pipfile.lock"), Resolved)
    assert (res.version, res.depth, res.raw_scope, res.location.line) == ("pkg:pypi/requests@2.31.0", 1, "default", 4)


def test_two_packages_pipfile_tables_markers_git_and_paths() -> None:
    result = load(PIPFILE, "two-packages", "Pipfile")
    by = {d.package: d for d in records_of(result, Declared)}
    assert by["pkg:pypi/requests"].range == ">=2.31"
    assert (by["pkg:pypi/pytest"].scope, by["pkg:pypi/pytest"].raw_scope) == ("dev", "dev-packages")
    assert by["pkg:pypi/stdeb"].profile == 'sys_platform == "linux"'
    assert by["pkg:pypi/legacy-cgi"].profile == 'python_version >= "3.13"'
    assert by["pkg:pypi/tool"].unresolved == "git+https://github.com/acme/tool.git@v1"
    (link,) = records_of(result, ProjectDependency)
    assert link.target == "acme/lib#pkg:pypi/acme-lib"
    assert result.warnings == []


def test_two_packages_lock_direct_from_the_pipfile_and_scopes() -> None:
    result = load(LOCK, "two-packages", "Pipfile.lock")
    res = {r.version: r for r in records_of(result, Resolved)}
    assert set(res) == {
        "pkg:pypi/requests@2.31.0",
        "pkg:pypi/urllib3@2.2.1",
        "pkg:pypi/pytest@8.0.0",
        "pkg:pypi/stdeb@0.10.0",
    }
    assert res["pkg:pypi/urllib3@2.2.1"].scope == "runtime"  # in default and develop: runtime wins
    assert res["pkg:pypi/urllib3@2.2.1"].depth is None  # transitive, the lock has no graph
    assert (res["pkg:pypi/requests@2.31.0"].depth, res["pkg:pypi/pytest@8.0.0"].scope) == (1, "dev")
    (link,) = records_of(result, ProjectDependency)
    assert link.target == "acme/lib#pkg:pypi/acme-lib"
    assert result.warnings == []


def test_lock_without_pipfile_warns() -> None:
    text = (DIR / "one-package" / "Pipfile.lock").read_text()
    result = LOCK.parse(text, Source("r", "Pipfile.lock", "repo/Pipfile.lock"))
    assert [r.depth for r in records_of(result, Resolved)] == [None]
    (warning,) = result.warnings
    assert str(warning).startswith("repo/Pipfile.lock:0: no Pipfile beside the lock")


@pytest.mark.parametrize(
    ("loader", "name", "text", "line", "reason"),
    [
        (PIPFILE, "Pipfile", "[packages\n", 1, "malformed Pipfile"),
        (PIPFILE, "Pipfile", '[packages]\na = "*"\na = "1"\n', 3, "duplicate key"),
        (PIPFILE, "Pipfile", "[packages]\n[packages]\n", 2, "duplicate key"),
        (LOCK, "Pipfile.lock", '{"default": {\n', 2, "malformed JSON"),
        (LOCK, "Pipfile.lock", "[1]", 1, "top level is not an object"),
        (LOCK, "Pipfile.lock", '{"x": 1}', 1, "not a Pipfile.lock"),
        (LOCK, "Pipfile.lock", "", 1, "malformed JSON"),
    ],
)
def test_bad_input_is_a_parse_error(loader, name: str, text: str, line: int, reason: str) -> None:
    with pytest.raises(ParseError) as info:
        loader.parse(text, Source("r", name, f"repo/{name}"))
    assert str(info.value).startswith(f"repo/{name}:{line}:")
    assert reason in str(info.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"_meta": {"pipfile-spec": 99}, "default": {}}', "unknown pipfile-spec 99"),
        (
            '{"_meta": {"pipfile-spec": 6},\n "default": {"a": {"version": "==1"}, "a": {"version": "==2"}}}',
            "duplicate key",
        ),
        ('{"_meta": {"pipfile-spec": 6}, "default": {"a": {"version": ">=1"}}}', "no '==' version"),
        ('{"_meta": {"pipfile-spec": 6}, "default": {"bad name": {"version": "==1"}}}', "not a valid Python"),
        ('{"_meta": {"pipfile-spec": 6}, "default": {"a": 3}}', "not an object"),
    ],
)
def test_lock_problems_are_warnings(text: str, message: str) -> None:
    context = StaticContext({("r", "Pipfile"): "[packages]\n"})
    result = LOCK.parse(text, Source("r", "Pipfile.lock", "repo/Pipfile.lock"), context)
    assert any(message in w.message for w in result.warnings), result.warnings


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=6), c, max_size=3),
    max_leaves=15,
)
entry = st.fixed_dictionaries(
    {},
    optional={
        "version": st.sampled_from(["==1.0", "*", ">=1", "==", ""]) | json_values,
        "markers": st.sampled_from(["python_version >= '3'", "garbage ((("]) | json_values,
        "path": st.sampled_from([".", "lib", "../x"]) | json_values,
        "git": st.text(max_size=8) | json_values,
        "extras": json_values,
        "sys_platform": st.sampled_from(["== 'linux'", "!!"]) | json_values,
    },
)
names = st.sampled_from(["requests", "A_b", "bad name", ""]) | st.text(max_size=6)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    default=st.dictionaries(names, entry | json_values, max_size=4) | json_values,
    develop=st.dictionaries(names, entry | json_values, max_size=4),
    meta=json_values,
)
def test_fuzz_lock_never_crashes(default, develop, meta) -> None:
    text = json.dumps({"_meta": meta, "default": default, "develop": develop})
    pipfile = '[packages]\nrequests = "*"\n'
    try:
        result = LOCK.parse(
            text, Source("r", "Pipfile.lock", "Pipfile.lock"), StaticContext({("r", "Pipfile"): pipfile})
        )
    except ParseError:
        return
    assert len(records_of(result, Project)) == 1


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(packages=st.dictionaries(names, entry | st.text(max_size=6), max_size=5))
def test_fuzz_pipfile_never_crashes(packages) -> None:
    def val(v) -> str:
        if isinstance(v, dict):
            return "{" + ", ".join(f"{json.dumps(k)} = {val(x)}" for k, x in v.items()) + "}"
        if isinstance(v, list):
            return "[" + ", ".join(val(x) for x in v) + "]"
        if isinstance(v, bool):
            return "true" if v else "false"
        if v is None:
            return '""'
        return json.dumps(v)

    text = "[packages]\n" + "".join(f"{json.dumps(k)} = {val(v)}\n" for k, v in packages.items())
    try:
        result = PIPFILE.parse(text, Source("r", "Pipfile", "Pipfile"))
    except ParseError:
        return
    assert len(records_of(result, Project)) == 1


# ------------------------------------------------------------------------------------------- corpus


@pytest.mark.corpus
def test_pipenv_corpus_lock_counts(corpus: Path) -> None:
    root = corpus / "pypa__pipenv"
    files = {("pipenv", n): (root / n).read_text() for n in ("Pipfile", "Pipfile.lock", "pyproject.toml")}
    text = files[("pipenv", "Pipfile.lock")]
    start = time.perf_counter()
    result = LOCK.parse(text, Source("pipenv", "Pipfile.lock", str(root / "Pipfile.lock")), StaticContext(files))
    print(f"Pipfile.lock: {len(text) / 1024:.0f} KiB in {(time.perf_counter() - start) * 1000:.1f} ms")
    assert result.warnings == []
    doc = json.loads(text)
    assert (len(doc["default"]), len(doc["develop"])) == (10, 100)

    def norm(name: str) -> str:
        return re.sub(r"[-_.]+", "-", name).lower()

    expected = {f"{norm(n)}@{e['version'][2:]}" for s in ("default", "develop") for n, e in doc[s].items()}
    got = {r.version.removeprefix("pkg:pypi/") for r in records_of(result, Resolved)}
    assert got == expected
    runtime = {r.version.removeprefix("pkg:pypi/") for r in records_of(result, Resolved) if r.scope == "runtime"}
    assert runtime == {f"{norm(n)}@{e['version'][2:]}" for n, e in doc["default"].items()}
    assert records_of(result, Project)[0].key == "pipenv/.#pkg:pypi/pipenv"  # keyed like its pyproject.toml
    assert {r.version for r in records_of(result, Resolved) if r.depth == 1} >= {"pkg:pypi/click@8.0.3"}


@pytest.mark.corpus
@pytest.mark.parametrize("rel", ["Pipfile", "benchmarks/Pipfile"])
def test_pipenv_corpus_pipfiles(corpus: Path, rel: str) -> None:
    import tomllib

    root = corpus / "pypa__pipenv"
    text = (root / rel).read_text()
    files = {("pipenv", rel): text, ("pipenv", "pyproject.toml"): (root / "pyproject.toml").read_text()}
    result = PIPFILE.parse(text, Source("pipenv", rel, str(root / rel)), StaticContext(files))
    assert result.warnings == []
    data = tomllib.loads(text)
    assert len(records_of(result, Declared)) == len(data.get("packages", {})) + len(data.get("dev-packages", {}))
    if rel == "Pipfile":
        by = {d.package: d for d in records_of(result, Declared)}
        assert by["pkg:pypi/stdeb"].profile == 'sys_platform == "linux"'
        assert by["pkg:pypi/pytz"].scope == "runtime"


@pytest.mark.corpus
def test_corpus_lock_hashes(corpus: Path) -> None:
    """pypa/pipenv's Pipfile.lock, copied by hand: exceptiongroup 1.3.1 lists two sha256 hashes."""
    root = corpus / "pypa__pipenv"
    files = {("pipenv", p.name): p.read_text() for p in root.iterdir() if p.is_file()}
    result = LOCK.parse(
        files[("pipenv", "Pipfile.lock")], Source("pipenv", "Pipfile.lock", "Pipfile.lock"), StaticContext(files)
    )
    got = {r.version: r.hashes for r in records_of(result, Resolved)}
    assert got["pkg:pypi/exceptiongroup@1.3.1"] == (
        "sha256:8b412432c6055b0b7d14c310000ae93352ed6754f70fa8f7c34141f91c4e3219",
        "sha256:a7a39a3bd276781e98394987d3a5701d0c4edffb633bb7a5144577f82c773598",
    )
