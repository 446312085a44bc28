"""pip requirements / constraints and pyproject.toml (PEP 621, Poetry) edits, hand-written patches."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.fix import pyproject, requirements
from planner.fix.diff import unified
from planner.fix.model import OVERRIDE, Change, FixError, NeedsCommand
from tests.conftest import EXAMPLES, FIXTURES, check_patch

REQUESTS = "pkg:pypi/requests"


def _patched(tmp_path: Path, path: str, text: str, new: str, expected: str) -> None:
    diff = unified(path, text, new)
    assert diff == expected
    check_patch(tmp_path, path, text, diff, new)


def test_compiled_pin(tmp_path: Path) -> None:
    text = (EXAMPLES / "recommendations" / "requirements.txt").read_text()
    edit = requirements.bump(text, Change("requirements.txt", REQUESTS, "2.31.0", current="2.25.1", line=23))
    assert (edit.mechanism, edit.line, edit.before, edit.after) == ("direct-dependency", 23, "==2.25.1", "==2.31.0")
    _patched(
        tmp_path,
        "requirements.txt",
        text,
        edit.text,
        """diff --git a/requirements.txt b/requirements.txt
--- a/requirements.txt
+++ b/requirements.txt
@@ -20,7 +20,7 @@
     # via flask
 markupsafe==2.0.1
     # via jinja2
-requests==2.25.1
+requests==2.31.0
     # via acme-recommendations (pyproject.toml)
 urllib3==1.26.5
     # via requests
""",
    )


# django/tests/requirements style: extras, markers and comments stay; CRLF stays
DJANGO_LIKE = (
    "aiosmtpd\r\n"
    "Requests[socks] >= 2.25.0 ; python_version < '3.13'  # HTTP in tests\r\n"
    "colorama; sys_platform == 'win32'\r\n"
)


def test_extras_markers_comments_and_crlf_survive(tmp_path: Path) -> None:
    edit = requirements.bump(DJANGO_LIKE, Change("tests/requirements/py3.txt", REQUESTS, "2.31.0"))
    assert (edit.line, edit.before, edit.after) == (2, ">= 2.25.0", ">= 2.31.0")
    _patched(
        tmp_path,
        "tests/requirements/py3.txt",
        DJANGO_LIKE,
        edit.text,
        "diff --git a/tests/requirements/py3.txt b/tests/requirements/py3.txt\n"
        "--- a/tests/requirements/py3.txt\n"
        "+++ b/tests/requirements/py3.txt\n"
        "@@ -1,3 +1,3 @@\n"
        " aiosmtpd\r\n"
        "-Requests[socks] >= 2.25.0 ; python_version < '3.13'  # HTTP in tests\r\n"
        "+Requests[socks] >= 2.31.0 ; python_version < '3.13'  # HTTP in tests\r\n"
        " colorama; sys_platform == 'win32'\r\n",
    )


def test_constraints_file_gets_a_pin_added_or_moved(tmp_path: Path) -> None:
    text = "# pins for the whole monorepo\nurllib3==1.26.5\n"
    path = "constraints.txt"
    added = requirements.override(
        text, Change(path, "pkg:pypi/idna", "3.7", OVERRIDE, because=("GHSA-jjg7-2v4v-x38h",))
    )
    assert (added.mechanism, added.line, added.before) == ("pip-constraint", 3, None)
    _patched(
        tmp_path,
        path,
        text,
        added.text,
        """diff --git a/constraints.txt b/constraints.txt
--- a/constraints.txt
+++ b/constraints.txt
@@ -1,2 +1,3 @@
 # pins for the whole monorepo
 urllib3==1.26.5
+idna==3.7  # GHSA-jjg7-2v4v-x38h: pinned by depwave fix
""",
    )
    moved = requirements.override(text, Change(path, "pkg:pypi/urllib3", "1.26.19", OVERRIDE))
    assert (moved.mechanism, moved.before, moved.after) == ("pip-constraint", "==1.26.5", "==1.26.19")


def test_hashed_pins_need_the_compile_command_not_a_hand_edit() -> None:
    text = "requests==2.25.1 \\\n    --hash=sha256:c210084e36a42ae6b9219e00e48287def368a26d03a048ddad7bfee44f75871e\n"
    with pytest.raises(NeedsCommand, match=r"requirements\.txt:1: the pins carry --hash values"):
        requirements.bump(text, Change("requirements.txt", REQUESTS, "2.31.0"))


def test_pep621_dependency(tmp_path: Path) -> None:
    text = (EXAMPLES / "recommendations" / "pyproject.toml").read_text()
    edit = pyproject.bump(text, Change("pyproject.toml", REQUESTS, "2.31.0"))
    assert (edit.line, edit.before, edit.after) == (19, ">=2.25", ">=2.31.0")
    _patched(
        tmp_path,
        "pyproject.toml",
        text,
        edit.text,
        """diff --git a/pyproject.toml b/pyproject.toml
--- a/pyproject.toml
+++ b/pyproject.toml
@@ -16,7 +16,7 @@
     "Programming Language :: Python :: 3.10",
 ]
 dependencies = [
-    "requests>=2.25",
+    "requests>=2.31.0",
     "flask>=2.0",
 ]
 
""",
    )


def test_poetry_caret_inline_table_and_table_form(tmp_path: Path) -> None:
    text = (FIXTURES / "python" / "pyproject" / "poetry" / "pyproject.toml").read_text()
    caret = pyproject.bump(text, Change("pyproject.toml", "pkg:pypi/pygments", "2.15.0"))
    assert (caret.line, caret.before, caret.after) == (8, "^2.13.0", "^2.15.0")
    _patched(
        tmp_path,
        "pyproject.toml",
        text,
        caret.text,
        """diff --git a/pyproject.toml b/pyproject.toml
--- a/pyproject.toml
+++ b/pyproject.toml
@@ -5,7 +5,7 @@
 
 [tool.poetry.dependencies]
 python = ">=3.8"
-pygments = "^2.13.0"
+pygments = "^2.15.0"
 ipywidgets = { version = ">=7.5.1,<9", optional = true }
 colorama = { version = "*", markers = "sys_platform == 'win32'", python = "<3.12" }
 mylib = { path = "../mylib", develop = true }
""",
    )
    inline = pyproject.bump(text, Change("pyproject.toml", "pkg:pypi/ipywidgets", "8.0.0"))
    assert (inline.line, inline.after) == (9, "^8.0.0")
    assert inline.notes == ("the constraint >=7.5.1,<9 became ^8.0.0",)
    table = text + '\n[tool.poetry.dependencies.requests]\nversion = "^2.25"\nextras = ["socks"]\n'
    edit = pyproject.bump(table, Change("pyproject.toml", REQUESTS, "2.31.0"))
    assert (edit.line, edit.before, edit.after) == (24, "^2.25", "^2.31.0")  # 21 lines, a blank, the header


def test_pyproject_errors() -> None:
    with pytest.raises(FixError, match=r"pyproject.toml:1: not TOML"):
        pyproject.bump("[project\n", Change("pyproject.toml", REQUESTS, "2.31.0"))
    with pytest.raises(FixError, match=r"requests is not a dependency in this pyproject\.toml"):
        pyproject.bump('[project]\nname = "requests"\n', Change("pyproject.toml", REQUESTS, "2.31.0"))
