"""CRLF line endings and tab indentation in every ecosystem's files (Maven's are in test_maven.py,
requirements' in test_python.py): a file checked out on Windows with ``core.autocrlf`` and indented
with tabs. Each expected patch is written by hand, line by line (file lines end in CRLF, the diff's
own header and hunk lines in LF, as git writes them), and must apply with git apply and patch -p1."""

from __future__ import annotations

from pathlib import Path

from planner.fix import cargo, gomod, gradle, npm, pyproject
from planner.fix.diff import unified
from planner.fix.model import OVERRIDE, Change
from tests.conftest import check_patch

JACKSON = "pkg:maven/com.fasterxml.jackson.core/jackson-databind"


def _crlf(*lines: str) -> str:
    return "".join(f"{line}\r\n" for line in lines)


def _patched(tmp_path: Path, path: str, text: str, new: str, expected: str) -> None:
    diff = unified(path, text, new)
    assert diff == expected
    check_patch(tmp_path, path, text, diff, new)


def test_gradle_constraints_block_with_tabs_and_crlf(tmp_path: Path) -> None:
    text = _crlf(
        "plugins {",
        "\tid 'java'",
        "}",
        "",
        "dependencies {",
        "\timplementation 'org.springframework:spring-web:5.3.13'",
        "}",
    )
    change = Change("build.gradle", JACKSON, "2.13.4.2", OVERRIDE, because=("GHSA-rgv9-q543-rqg4",))
    edit = gradle.override(text, change)
    assert (edit.mechanism, edit.line, edit.before) == ("gradle-constraint", 8, None)
    _patched(
        tmp_path,
        "build.gradle",
        text,
        edit.text,
        "diff --git a/build.gradle b/build.gradle\n--- a/build.gradle\n+++ b/build.gradle\n@@ -4,4 +4,9 @@\n"
        + " \r\n"
        + " dependencies {\r\n"
        + " \timplementation 'org.springframework:spring-web:5.3.13'\r\n"
        + "+\tconstraints {\r\n"
        + "+\t\timplementation('com.fasterxml.jackson.core:jackson-databind:2.13.4.2') {\r\n"
        + "+\t\t\tbecause 'GHSA-rgv9-q543-rqg4'\r\n"
        + "+\t\t}\r\n"
        + "+\t}\r\n"
        + " }\r\n",
    )


def test_npm_override_with_tabs_and_crlf(tmp_path: Path) -> None:
    text = _crlf(
        "{",
        '\t"name": "storefront",',
        '\t"version": "1.0.0",',
        '\t"dependencies": {',
        '\t\t"express": "^4.17.1"',
        "\t}",
        "}",
    )
    edit = npm.override(text, Change("package.json", "pkg:npm/qs", "6.10.3", OVERRIDE), "npm")
    assert (edit.mechanism, edit.line, edit.before, edit.after) == ("npm-override", 8, None, "6.10.3")
    assert edit.text == text.replace("\t}\r\n", '\t},\r\n\t"overrides": {\r\n\t\t"qs": "6.10.3"\r\n\t}\r\n')
    _patched(
        tmp_path,
        "package.json",
        text,
        edit.text,
        "diff --git a/package.json b/package.json\n--- a/package.json\n+++ b/package.json\n@@ -3,5 +3,8 @@\n"
        + ' \t"version": "1.0.0",\r\n'
        + ' \t"dependencies": {\r\n'
        + ' \t\t"express": "^4.17.1"\r\n'
        + "+\t},\r\n"  # difflib keeps the old closing brace as the new object's
        + '+\t"overrides": {\r\n'
        + '+\t\t"qs": "6.10.3"\r\n'
        + " \t}\r\n"
        + " }\r\n",
    )


def test_go_mod_indirect_requirement_with_crlf(tmp_path: Path) -> None:
    text = _crlf(
        "module github.com/acme/checkout",
        "",
        "go 1.21",
        "",
        "require (",
        "\tgoogle.golang.org/grpc v1.50.0",
        ")",
    )
    edit = gomod.override(text, Change("go.mod", "pkg:golang/golang.org/x/net", "v0.17.0", OVERRIDE))
    assert (edit.mechanism, edit.line, edit.before) == ("go-require", 7, None)
    _patched(
        tmp_path,
        "go.mod",
        text,
        edit.text,
        "diff --git a/go.mod b/go.mod\n--- a/go.mod\n+++ b/go.mod\n@@ -4,4 +4,5 @@\n"
        + " \r\n"
        + " require (\r\n"
        + " \tgoogle.golang.org/grpc v1.50.0\r\n"
        + "+\tgolang.org/x/net v0.17.0 // indirect\r\n"
        + " )\r\n",
    )


def test_cargo_requirement_with_a_tab_before_its_comment_and_crlf(tmp_path: Path) -> None:
    text = _crlf(
        "[package]",
        'name = "indexer"',
        'version = "0.1.0"',
        "",
        "[dependencies]",
        'regex = "1.5.4"\t# RUSTSEC-2022-0013',
        'serde = { version = "1.0", features = ["derive"] }',
    )
    edit = cargo.bump(text, Change("Cargo.toml", "pkg:cargo/regex", "1.5.5", current="1.5.4", line=6))
    assert (edit.mechanism, edit.line, edit.before, edit.after) == ("direct-dependency", 6, "1.5.4", "1.5.5")
    _patched(
        tmp_path,
        "Cargo.toml",
        text,
        edit.text,
        "diff --git a/Cargo.toml b/Cargo.toml\n--- a/Cargo.toml\n+++ b/Cargo.toml\n@@ -3,5 +3,5 @@\n"
        + ' version = "0.1.0"\r\n'
        + " \r\n"
        + " [dependencies]\r\n"
        + '-regex = "1.5.4"\t# RUSTSEC-2022-0013\r\n'
        + '+regex = "1.5.5"\t# RUSTSEC-2022-0013\r\n'
        + ' serde = { version = "1.0", features = ["derive"] }\r\n',
    )


def test_pep621_dependency_with_a_tab_and_crlf(tmp_path: Path) -> None:
    text = _crlf(
        "[project]",
        'name = "recommendations"',
        'version = "1.0"',
        "dependencies = [",
        '\t"requests>=2.25",',
        '\t"grpcio==1.48.1",',
        "]",
    )
    edit = pyproject.bump(text, Change("pyproject.toml", "pkg:pypi/requests", "2.31.0", current="2.25", line=5))
    assert (edit.mechanism, edit.line, edit.before, edit.after) == ("direct-dependency", 5, ">=2.25", ">=2.31.0")
    _patched(
        tmp_path,
        "pyproject.toml",
        text,
        edit.text,
        "diff --git a/pyproject.toml b/pyproject.toml\n--- a/pyproject.toml\n+++ b/pyproject.toml\n@@ -2,6 +2,6 @@\n"
        + ' name = "recommendations"\r\n'
        + ' version = "1.0"\r\n'
        + " dependencies = [\r\n"
        + '-\t"requests>=2.25",\r\n'
        + '+\t"requests>=2.31.0",\r\n'
        + ' \t"grpcio==1.48.1",\r\n'
        + " ]\r\n",
    )
