"""pip requirements loader: fixtures, includes, compiled output, bad input, corpus counts, fuzzing."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders.base import StaticContext
from loaders.python.requirements import PipRequirementsLoader
from planner.errors import ParseError
from planner.model import (
    Constrains,
    Declared,
    Project,
    ProjectDependency,
    Resolved,
    Source,
    VersionDependency,
)
from tests.conftest import FIXTURES, records_of

LOADER = PipRequirementsLoader()
DIR = FIXTURES / "python" / "requirements"


def tree(root: Path, repo: str = "acme") -> dict[tuple[str, str], str]:
    """Every file under ``root`` keyed ``(repo, relative path)``."""
    return {
        (repo, p.relative_to(root).as_posix()): p.read_text(encoding="utf-8", errors="replace")
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def load(case: str, rel: str = "requirements.txt", repo: str = "acme"):
    files = tree(DIR / case, repo)
    return LOADER.parse(files[(repo, rel)], Source(repo, rel, f"{case}/{rel}"), StaticContext(files))


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("requirements.txt", True),
        ("requirements.in", True),
        ("requirements-dev.txt", True),
        ("dev-requirements.txt", True),
        ("requirements_test.txt", True),
        ("requirements_test_pre_commit.txt", True),
        ("constraints.txt", True),
        ("constraints-3.12.txt", True),
        ("homeassistant/package_constraints.txt", True),
        ("requirements/main.in", True),
        ("requirements/main.txt", True),
        ("tests/requirements/py3.txt", True),
        ("src/emailservice/requirements.in", True),
        ("requirements.md", False),
        ("requirements.txt.bak", False),
        ("docs/requirements.rst", False),
        ("requirements/README.txt", False),
        ("requirements/README.md", False),
        ("CMakeLists.txt", False),
        ("LICENSE.txt", False),
        ("requirement.txt", False),
        ("Pipfile", False),
        ("pyproject.toml", False),
    ],
)
def test_matches_file_names(path: str, expected: bool) -> None:
    assert LOADER.matches(path) is expected


def test_empty() -> None:
    result = load("empty")
    (project,) = records_of(result, Project)
    assert project.key == "acme/.#pkg:generic/acme"
    assert result.records == [project]
    assert result.warnings == []


def test_one_package_is_declared_and_its_exact_pin_resolved() -> None:
    result = load("one-package")
    (declared,) = records_of(result, Declared)
    assert (declared.package, declared.range, declared.scope) == ("pkg:pypi/requests", "==2.31.0", "runtime")
    assert declared.location.line == 1
    (res,) = records_of(result, Resolved)
    assert (res.version, res.depth, res.path) == ("pkg:pypi/requests@2.31.0", 1, ("pkg:pypi/requests@2.31.0",))


def test_two_packages_markers_extras_hashes_continuations_and_comments() -> None:
    result = load("two-packages")
    by_package = {d.package: d for d in records_of(result, Declared)}
    assert set(by_package) == {"pkg:pypi/django", "pkg:pypi/celery"}
    django = by_package["pkg:pypi/django"]
    assert django.range == "<5,>=4.2"
    assert django.profile == 'python_version >= "3.10"'
    assert django.unresolved is None
    celery = by_package["pkg:pypi/celery"]
    assert (celery.range, celery.location.line) == ("==5.3.6", 4)
    assert [r.version for r in records_of(result, Resolved)] == ["pkg:pypi/celery@5.3.6"]
    assert result.warnings == []


def test_compiled_root_reads_includes_through_the_context() -> None:
    result = load("compiled")
    (project,) = records_of(result, Project)
    assert project.key == "acme/.#pkg:pypi/acme-web"  # the pyproject.toml beside it names the project
    assert records_of(result, Declared) == []  # compiled output resolves; the .in file declares
    resolved = {r.version: r for r in records_of(result, Resolved)}
    assert len(resolved) == 9  # 7 in main.txt + 3 in tests.txt, requests@2.31.0 in both
    requests = resolved["pkg:pypi/requests@2.31.0"]
    assert (requests.depth, requests.scope, requests.raw_scope) == (1, "runtime", "main")
    assert requests.location.path == "requirements/main.txt"
    urllib3 = resolved["pkg:pypi/urllib3@2.2.1"]
    assert urllib3.depth == 2
    assert urllib3.path == ("pkg:pypi/requests@2.31.0", "pkg:pypi/urllib3@2.2.1")
    redis = resolved["pkg:pypi/redis@5.0.1"]
    assert redis.path == ("pkg:pypi/celery@5.3.6", "pkg:pypi/redis@5.0.1")  # shortest of celery / kombu
    pytest_ = resolved["pkg:pypi/pytest@8.0.0"]
    assert (pytest_.scope, pytest_.depth) == ("test", 1)
    assert resolved["pkg:pypi/iniconfig@2.0.0"].depth == 2
    deps = {(d.version, d.package, d.resolved) for d in records_of(result, VersionDependency)}
    assert ("pkg:pypi/kombu@5.3.5", "pkg:pypi/redis", "5.0.1") in deps
    assert ("pkg:pypi/celery@5.3.6", "pkg:pypi/kombu", "5.3.5") in deps
    assert result.warnings == []


def test_the_input_file_declares_ranges() -> None:
    result = load("compiled", "requirements/main.in")
    ranges = {d.package: d.range for d in records_of(result, Declared)}
    assert ranges == {"pkg:pypi/celery": "<5.4,>=5.3", "pkg:pypi/requests": None}
    assert records_of(result, Project)[0].key == "acme/.#pkg:pypi/acme-web"


def test_includes_constraints_missing_files_and_cycles() -> None:
    result = load("includes")
    constrains = {c.package: c for c in records_of(result, Constrains)}
    assert {p: c.range for p, c in constrains.items()} == {
        "pkg:pypi/urllib3": "<2",
        "pkg:pypi/banned": "==1000000000.0.0",
        "pkg:pypi/pubnub": "!=6.4.0",
    }
    assert all(c.mechanism == "pip-constraint" for c in constrains.values())
    assert constrains["pkg:pypi/banned"].location.path == "constraints.txt"
    declared = {d.package: d for d in records_of(result, Declared)}
    assert set(declared) == {"pkg:pypi/flask", "pkg:pypi/itsdangerous", "pkg:pypi/click"}
    assert declared["pkg:pypi/click"].range == "===8.1.7"
    assert declared["pkg:pypi/click"].location.path == "b.txt"
    messages = [str(w) for w in result.warnings]
    assert any(m.startswith("includes/requirements.txt:2: included file 'missing.txt' not found") for m in messages)
    assert any("include cycle: a.txt -> b.txt -> a.txt" in m and m.startswith("b.txt:1:") for m in messages)
    assert len(messages) == 2


def test_editable_paths_urls_and_wheels() -> None:
    result = load("editable", "app/requirements.txt")
    (project,) = records_of(result, Project)
    assert project.key == "acme/app#pkg:pypi/acme-app"
    (link,) = records_of(result, ProjectDependency)
    assert link.target == "acme/lib#pkg:pypi/acme-lib"
    assert link.spec == "-e ../lib"
    declared = {d.package: d for d in records_of(result, Declared)}
    assert declared["pkg:pypi/acme-tool"].unresolved == "git+https://github.com/acme/tool.git@v1.2#egg=acme-tool"
    assert declared["pkg:pypi/some-wheel"].range == "==2.0"
    assert declared["pkg:pypi/rich"].unresolved.endswith("v13.0.0.zip")
    (warning,) = result.warnings  # -e . is the project itself; ./nothere is nothing
    assert str(warning).startswith("editable/app/requirements.txt:3:") and "'./nothere'" in warning.message


def test_include_outside_the_repository_and_remote_includes_are_warnings() -> None:
    text = "-r ../../etc/passwd\n-r https://example.org/r.txt\n-c\nrequests\n"
    result = LOADER.parse(text, Source("r", "requirements.txt", "requirements.txt"))
    assert [d.package for d in records_of(result, Declared)] == ["pkg:pypi/requests"]
    assert [w.line for w in result.warnings] == [1, 2, 3]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("requests=>1\n", "invalid requirement"),
        ("Django>=2 ; python_version >>> '3'\n", "invalid requirement"),
        ("https://example.org/archive.tar.gz\n", "cannot tell the package name"),
        ("-e\n", "-e without a value"),
        ("[extras-only]\n", "invalid requirement"),
    ],
)
def test_bad_lines_are_warnings_with_path_and_line(text: str, reason: str) -> None:
    result = LOADER.parse("ok==1.0\n" + text, Source("r", "requirements.txt", "repo/requirements.txt"))
    (warning,) = result.warnings
    assert str(warning).startswith("repo/requirements.txt:2:")
    assert reason in warning.message
    assert [d.package for d in records_of(result, Declared)] == ["pkg:pypi/ok"]


def test_garbage_file_never_raises() -> None:
    result = load("not-requirements")
    assert records_of(result, Declared) == []
    assert result.warnings  # each unusable line is reported


def test_parse_error_is_never_raised_for_text() -> None:
    # A requirements file has no syntax of its own to violate: every failure is a line warning.
    result = LOADER.parse("\\\n\\", Source("r", "requirements.txt", "requirements.txt"))
    assert isinstance(result.warnings, list)


requirement_lines = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "requests==2.31.0",
            "-r other.txt",
            "-c c.txt",
            "-e .",
            "    # via requests",
            "    # via -r requirements.in",
            "# via",
            "    #   pkg",
            "pkg[a,b] >= 1 ; python_version < '3.11'",
            "pkg @ https://x/y.whl",
            "git+https://g/x.git#egg=x",
            "--hash=sha256:00 \\",
            "\\",
            "x==1.0 \\",
            "-rrequirements.txt",
            "--requirement=requirements.txt",
            "./local",
            "===",
        ]
    ),
)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.lists(requirement_lines, max_size=12), other=st.lists(requirement_lines, max_size=4))
def test_fuzz_never_crashes(lines: list[str], other: list[str]) -> None:
    context = StaticContext({("r", "other.txt"): "\n".join(other), ("r", "requirements.txt"): "\n".join(lines)})
    try:
        result = LOADER.parse("\n".join(lines), Source("r", "requirements.txt", "requirements.txt"), context)
    except ParseError:
        return
    assert len(records_of(result, Project)) == 1


# ------------------------------------------------------------------------------------------- corpus

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)", re.MULTILINE)


def _pins(text: str) -> set[str]:
    """Independent count: distinct ``name==version`` lines at column 0, names PEP 503-normalised."""
    return {f"{re.sub(r'[-_.]+', '-', m.group(1)).lower()}@{m.group(2)}" for m in PIN.finditer(text)}


def _corpus_context(corpus: Path, group: str) -> StaticContext:
    root = corpus / group
    return StaticContext(
        {
            (group, p.relative_to(root).as_posix()): p.read_text(encoding="utf-8")
            for p in root.rglob("*")
            if p.is_file() and p.suffix in (".txt", ".in", ".toml", ".cfg", ".py")
        }
    )


def _parse_corpus(corpus: Path, group: str, rel: str):
    context = _corpus_context(corpus, group)
    text = context.read(group, rel)
    assert text is not None
    start = time.perf_counter()
    result = LOADER.parse(text, Source(group, rel, f"{group}/{rel}"), context)
    elapsed = time.perf_counter() - start
    print(f"{group}/{rel}: {len(text) / 1024:.0f} KiB in {elapsed * 1000:.1f} ms")
    return result


def _versions(result) -> set[str]:
    return {r.version.removeprefix("pkg:pypi/") for r in records_of(result, Resolved)}


WAREHOUSE_COMPILED = ["main", "deploy", "docs-dev", "docs-user", "docs-blog", "lint", "tests", "dev"]


@pytest.mark.corpus
@pytest.mark.parametrize("name", WAREHOUSE_COMPILED)
def test_warehouse_compiled_files_resolve_every_pin(corpus: Path, name: str) -> None:
    rel = f"requirements/{name}.txt"
    result = _parse_corpus(corpus, "pypi__warehouse", rel)
    assert result.warnings == []
    assert _versions(result) == _pins((corpus / "pypi__warehouse" / rel).read_text())
    assert records_of(result, Declared) == []
    direct = {r.version.removeprefix("pkg:pypi/") for r in records_of(result, Resolved) if r.depth == 1}
    in_file = (corpus / "pypi__warehouse" / rel).read_text()
    expected_direct = set()
    for block in re.split(r"\n(?=[A-Za-z0-9])", in_file):  # one block per pin and its # via lines
        if "# via" in block and "-r " in block.split("# via", 1)[1]:
            expected_direct |= _pins(block)
    assert direct == expected_direct
    assert all(r.depth is not None for r in records_of(result, Resolved))  # every # via parent is in the file


@pytest.mark.corpus
def test_warehouse_root_reads_its_includes_and_ground_truth(corpus: Path) -> None:
    result = _parse_corpus(corpus, "pypi__warehouse", "requirements.txt")
    assert result.warnings == []
    root = corpus / "pypi__warehouse"
    expected: set[str] = set()
    for line in (root / "requirements.txt").read_text().splitlines():
        if line.startswith("-r "):
            expected |= _pins((root / line[3:].strip()).read_text())
    assert _versions(result) == expected
    versions = _versions(result)
    assert {"requests@2.34.2", "urllib3@2.7.0", "pyramid@2.1"} <= versions
    main = _parse_corpus(corpus, "pypi__warehouse", "requirements/main.txt")
    depth = {r.version: r.depth for r in records_of(main, Resolved)}
    assert depth["pkg:pypi/requests@2.34.2"] == 1 and depth["pkg:pypi/pyramid@2.1"] == 1
    assert depth["pkg:pypi/urllib3@2.7.0"] == 1  # main.in names urllib3 itself


@pytest.mark.corpus
def test_warehouse_input_files_declare(corpus: Path) -> None:
    result = _parse_corpus(corpus, "pypi__warehouse", "requirements/main.in")
    assert result.warnings == []
    text = (corpus / "pypi__warehouse/requirements/main.in").read_text()
    names = {
        re.sub(r"[-_.]+", "-", m.group(1)).lower()
        for m in re.finditer(r"^([A-Za-z0-9][A-Za-z0-9._-]*)", text, re.MULTILINE)
    }
    assert {d.package.removeprefix("pkg:pypi/") for d in records_of(result, Declared)} == names
    celery = next(d for d in records_of(result, Declared) if d.package == "pkg:pypi/celery")
    assert celery.range == "<5.7,>=5.6.2"


@pytest.mark.corpus
def test_home_assistant_constraints_and_ban_pins(corpus: Path) -> None:
    group = "home-assistant__core"
    result = _parse_corpus(corpus, group, "requirements_test.txt")
    assert result.warnings == []
    constraints_text = (corpus / group / "homeassistant/package_constraints.txt").read_text()
    requirement_lines = [ln for ln in constraints_text.splitlines() if ln.strip() and not ln.startswith(("#", "-"))]
    constrains = records_of(result, Constrains)
    assert len({c.package for c in constrains}) == len(
        {re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9._-]+", ln).group(0)).lower() for ln in requirement_lines}
    )
    ranges = {c.package: c.range for c in constrains}
    assert ranges["pkg:pypi/pubnub"] == "!=6.4.0"
    assert any(r == "==1000000000.0.0" for r in ranges.values())
    own = (corpus / group / "requirements_test.txt").read_text() + (
        corpus / group / "requirements_test_pre_commit.txt"
    ).read_text()
    assert _versions(result) == _pins(own)
    assert {r.scope for r in records_of(result, Resolved)} == {"test"}


@pytest.mark.corpus
def test_home_assistant_requirements(corpus: Path) -> None:
    group = "home-assistant__core"
    result = _parse_corpus(corpus, group, "requirements.txt")
    assert result.warnings == []
    text = (corpus / group / "requirements.txt").read_text()
    assert _versions(result) == _pins(text)
    assert "requests@2.34.2" in _versions(result)
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith(("#", "-"))]
    assert len(records_of(result, Declared)) == len(lines)
    standalone = _parse_corpus(corpus, group, "homeassistant/package_constraints.txt")
    assert records_of(standalone, Declared) == [] and standalone.warnings == []
    assert "pkg:pypi/requests" in {c.package for c in records_of(standalone, Constrains)}


@pytest.mark.corpus
@pytest.mark.parametrize("rel", ["tests/requirements/py3.txt", "tests/requirements/py3-free-threading.txt"])
def test_django_markers_are_kept(corpus: Path, rel: str) -> None:
    result = _parse_corpus(corpus, "django__django", rel)
    assert result.warnings == []
    text = (corpus / "django__django" / rel).read_text()
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    declared = records_of(result, Declared)
    assert len(declared) == len(lines)
    assert sum(1 for d in declared if d.profile) == sum(1 for ln in lines if ";" in ln)
    assert {d.scope for d in declared} == {"test"}
    if rel.endswith("py3.txt"):
        numpy = next(d for d in declared if d.package == "pkg:pypi/numpy")
        assert numpy.profile == 'sys_platform != "win32" or python_version < "3.13"'


MICROSERVICES = ["emailservice", "recommendationservice", "shoppingassistantservice", "loadgenerator"]


@pytest.mark.corpus
@pytest.mark.parametrize("service", MICROSERVICES)
def test_microservices_demo_compiled_requirements(corpus: Path, service: str) -> None:
    group = "GoogleCloudPlatform__microservices-demo"
    rel = f"src/{service}/requirements.txt"
    result = _parse_corpus(corpus, group, rel)
    assert result.warnings == []
    assert _versions(result) == _pins((corpus / group / rel).read_text())
    (project,) = records_of(result, Project)
    assert project.key == f"{group}/src/{service}#pkg:generic/{service}"
    assert "requests@2.32.5" in _versions(result)
    if service != "loadgenerator":
        assert {"grpcio@1.76.0", "urllib3@2.6.3"} <= _versions(result)
    else:
        assert "locust@2.43.0" in _versions(result)
    inputs = _parse_corpus(corpus, group, f"src/{service}/requirements.in")
    assert inputs.warnings == []
    assert records_of(inputs, Project)[0].key == project.key


@pytest.mark.corpus
def test_pipenv_docs_requirements_editable_self_install(corpus: Path) -> None:
    result = _parse_corpus(corpus, "pypa__pipenv", "docs/requirements.txt")
    assert result.warnings == []  # -e . installs pipenv itself, the project the docs belong to
    assert records_of(result, Project)[0].key == "pypa__pipenv/.#pkg:pypi/pipenv"
    assert {d.scope for d in records_of(result, Declared)} == {"dev"}
    assert records_of(result, ProjectDependency) == []
