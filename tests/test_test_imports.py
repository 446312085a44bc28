"""No module under tests/ or bench/ imports a test module (issue 14): what tests share lives in a
conftest.py or in a helper module named for what it holds, so running, moving or deleting one test file
never changes another."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

SCANNED = ("tests", "bench")
TEST_DATA = ROOT / "tests" / "fixtures"  # source files that are inputs to loaders, not test code


def is_test_module(dotted: str) -> bool:
    """Whether ``dotted`` names a module pytest collects under tests/ (``test_*.py`` or ``*_test.py``)."""
    first, _, _ = dotted.partition(".")
    last = dotted.rsplit(".", 1)[-1]
    return first == "tests" and (last.startswith("test_") or last.endswith("_test"))


def imported_names(tree: ast.Module, package: str) -> Iterator[tuple[int, str]]:
    """(line, dotted name) for every ``import`` anywhere in ``tree``, nested ones included: the module of a
    ``from … import``, and module plus each imported name (``from tests.x import test_y`` names a module);
    ``package`` (the dotted package of the file) resolves relative imports."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join([*parts, base] if base else parts)
            yield node.lineno, base
            for alias in node.names:
                yield node.lineno, f"{base}.{alias.name}"


def imports_of_test_modules(source: str, package: str) -> list[tuple[int, str]]:
    """The (line, module) pairs at which ``source`` imports a test module, sorted and without repeats."""
    found = {(line, name) for line, name in imported_names(ast.parse(source), package) if is_test_module(name)}
    return sorted(found)


def python_files() -> Iterator[Path]:
    """Every .py file under tests/ and bench/ except the loaders' test data."""
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*.py")):
            if TEST_DATA not in path.parents and ".venv" not in path.parts:
                yield path


def package_of(path: Path) -> str:
    """The dotted package a file under the repository root belongs to."""
    return ".".join(path.relative_to(ROOT).parent.parts)


@pytest.mark.parametrize(
    ("source", "package", "expected"),
    [
        ("from tests.store.test_contract import LOG4J, write_org\n", "tests.planner",
         [(1, "tests.store.test_contract")]),
        ("import tests.planner.test_waves as waves\n", "tests.planner", [(1, "tests.planner.test_waves")]),
        ("import os\nfrom tests.planner import test_waves\n", "tests.planner", [(2, "tests.planner.test_waves")]),
        ("from .test_export import INFO\n", "tests.planner.sbom", [(1, "tests.planner.sbom.test_export")]),
        ("from ..test_waves import load_org\n", "tests.planner.sbom", [(1, "tests.planner.test_waves")]),
        ("from . import test_export\n", "tests.planner.sbom", [(1, "tests.planner.sbom.test_export")]),
        ("def f():\n    from tests.planner.sbom.test_export import INFO\n", "tests.planner.sbom",
         [(2, "tests.planner.sbom.test_export")]),
        ("from tests.loaders.java_test import ORACLE\n", "tests.loaders", [(1, "tests.loaders.java_test")]),
        ("from tests.conftest import EXAMPLES, comp\n", "tests.planner", []),
        ("from tests.store.conftest import kill_server\n", "tests.store", []),
        ("from tests.planner.plan_fixtures import FIXTURES, load_org\n", "tests.planner", []),
        ("from tests.golden.regenerate import digest\n", "tests.golden", []),
        ("from . import conftest\n", "tests.planner", []),
        ("import pytest\nfrom planner.waves import build_plan\n", "tests.planner", []),
        ("from planner.testing import test_double\n", "tests.planner", []),  # not a module under tests/
    ],
)  # fmt: skip
def test_finds_imports_of_test_modules(source: str, package: str, expected: list[tuple[int, str]]) -> None:
    assert imports_of_test_modules(source, package) == expected


def test_no_module_imports_a_test_module() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line}: imports the test module {name}"
        for path in python_files()
        for line, name in imports_of_test_modules(path.read_text(encoding="utf-8"), package_of(path))
    ]
    assert found == [], "move what is shared into conftest.py or a helper module:\n" + "\n".join(found)
