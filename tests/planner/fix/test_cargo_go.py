"""Cargo.toml and go.mod edits, hand-written expected patches."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.fix import cargo, gomod
from planner.fix.diff import unified
from planner.fix.model import OVERRIDE, Change, FixError
from tests.conftest import CORPUS, FIXTURES, check_patch


def _patched(tmp_path: Path, path: str, text: str, new: str, expected: str) -> None:
    diff = unified(path, text, new)
    assert diff == expected
    check_patch(tmp_path, path, text, diff, new)


WORKSPACE = (FIXTURES / "cargo" / "workspace" / "Cargo.toml").read_text()
CORE = (FIXTURES / "cargo" / "workspace" / "crates" / "core" / "Cargo.toml").read_text()


def test_workspace_dependency_inline_table(tmp_path: Path) -> None:
    edit = cargo.bump(WORKSPACE, Change("Cargo.toml", "pkg:cargo/regex", "1.10.6", current="1.10"))
    assert (edit.mechanism, edit.line, edit.before, edit.after) == ("cargo-workspace", 11, "1.10", "1.10.6")
    _patched(
        tmp_path,
        "Cargo.toml",
        WORKSPACE,
        edit.text,
        """diff --git a/Cargo.toml b/Cargo.toml
--- a/Cargo.toml
+++ b/Cargo.toml
@@ -8,7 +8,7 @@
 
 [workspace.dependencies]
 log = "0.4.20"
-regex = { version = "1.10", default-features = false }
+regex = { version = "1.10.6", default-features = false }
 core-crate = { path = "crates/core", version = "2.3.0" }
 
 [patch.crates-io]
""",
    )


def test_plain_renamed_and_target_tables(tmp_path: Path) -> None:
    path = "crates/core/Cargo.toml"
    plain = cargo.bump(CORE, Change(path, "pkg:cargo/cc", "1.0.83"))
    assert (plain.mechanism, plain.line, plain.before) == ("direct-dependency", 18, "1.0")
    renamed = cargo.bump(CORE, Change(path, "pkg:cargo/rand", "0.8.5"))  # rand_real = { package = "rand", ... }
    assert (renamed.line, renamed.before, renamed.after) == (11, "0.8", "0.8.5")
    _patched(
        tmp_path,
        path,
        CORE,
        renamed.text,
        """diff --git a/crates/core/Cargo.toml b/crates/core/Cargo.toml
--- a/crates/core/Cargo.toml
+++ b/crates/core/Cargo.toml
@@ -8,7 +8,7 @@
 
 [dependencies]
 log = { workspace = true, optional = true }
-rand_real = { package = "rand", version = "0.8" }
+rand_real = { package = "rand", version = "0.8.5" }
 gitdep = { git = "https://github.com/example/gitdep", rev = "abc123" }
 
 [dev-dependencies]
""",
    )
    winapi = cargo.bump(CORE, Change(path, "pkg:cargo/winapi", "0.3.9"))  # [target.'cfg(windows)'.dependencies]
    assert (winapi.line, winapi.before) == (21, "0.3")


def test_a_dependency_table_of_its_own(tmp_path: Path, corpus: Path) -> None:
    text = (corpus / "BurntSushi__ripgrep" / "Cargo.toml").read_text()
    edit = cargo.bump(text, Change("Cargo.toml", "pkg:cargo/tikv-jemallocator", "0.7.1"))
    assert (edit.line, edit.before) == (70, "0.7.0")
    _patched(
        tmp_path,
        "Cargo.toml",
        text,
        edit.text,
        """diff --git a/Cargo.toml b/Cargo.toml
--- a/Cargo.toml
+++ b/Cargo.toml
@@ -67,7 +67,7 @@
 textwrap = { version = "0.16.0", default-features = false }
 
 [target.'cfg(all(target_env = "musl", target_pointer_width = "64"))'.dependencies.tikv-jemallocator]
-version = "0.7.0"
+version = "0.7.1"
 
 [dev-dependencies]
 serde = "1.0.77"
""",
    )


def test_a_crate_inherited_from_the_workspace_names_where_to_edit() -> None:
    with pytest.raises(FixError, match=r"crates/core/Cargo\.toml:15: regex comes from the workspace"):
        cargo.bump(CORE, Change("crates/core/Cargo.toml", "pkg:cargo/regex", "1.10.6"))


FRONTEND_GO_MOD = CORPUS / "GoogleCloudPlatform__microservices-demo" / "src" / "frontend" / "go.mod"


def test_require_block(tmp_path: Path, corpus: Path) -> None:
    text = FRONTEND_GO_MOD.read_text()
    edit = gomod.bump(text, Change("go.mod", "pkg:golang/google.golang.org/grpc", "1.84.0", current="v1.83.0"))
    assert (edit.mechanism, edit.line, edit.before, edit.after) == ("direct-dependency", 20, "v1.83.0", "v1.84.0")
    _patched(
        tmp_path,
        "go.mod",
        text,
        edit.text,
        """diff --git a/go.mod b/go.mod
--- a/go.mod
+++ b/go.mod
@@ -17,7 +17,7 @@
 \tgo.opentelemetry.io/otel v1.45.0
 \tgo.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc v1.45.0
 \tgo.opentelemetry.io/otel/sdk v1.45.0
-\tgoogle.golang.org/grpc v1.83.0
+\tgoogle.golang.org/grpc v1.84.0
 \tgoogle.golang.org/protobuf v1.36.11
 )
 
""",
    )


SINGLE = "module github.com/acme/tool\n\ngo 1.21\n\nrequire github.com/pkg/errors v0.9.0\n"


def test_single_line_require_and_an_added_indirect_requirement(tmp_path: Path) -> None:
    bumped = gomod.bump(SINGLE, Change("go.mod", "pkg:golang/github.com/pkg/errors", "0.9.1"))
    _patched(
        tmp_path,
        "go.mod",
        SINGLE,
        bumped.text,
        """diff --git a/go.mod b/go.mod
--- a/go.mod
+++ b/go.mod
@@ -2,4 +2,4 @@
 
 go 1.21
 
-require github.com/pkg/errors v0.9.0
+require github.com/pkg/errors v0.9.1
""",
    )
    added = gomod.override(SINGLE, Change("go.mod", "pkg:golang/golang.org/x/net", "0.17.0", OVERRIDE))
    assert (added.mechanism, added.line, added.before, added.after) == ("go-require", 7, None, "v0.17.0")
    _patched(
        tmp_path,
        "go.mod",
        SINGLE,
        added.text,
        """diff --git a/go.mod b/go.mod
--- a/go.mod
+++ b/go.mod
@@ -3,3 +3,5 @@
 go 1.21
 
 require github.com/pkg/errors v0.9.0
+
+require golang.org/x/net v0.17.0 // indirect
""",
    )


def test_an_override_joins_the_block_of_indirect_requirements(corpus: Path) -> None:
    text = FRONTEND_GO_MOD.read_text()
    version = "0.0.0-20240409090435-93d18d7e34b8"
    edit = gomod.override(text, Change("go.mod", "pkg:golang/golang.org/x/exp", version, OVERRIDE))
    lines = edit.text.splitlines()
    # the second require block (the indirect one) closes at line 58: the new requirement takes that line
    assert (edit.mechanism, edit.line, edit.before) == ("go-require", 58, None)
    assert lines[57:59] == [f"\tgolang.org/x/exp v{version} // indirect", ")"]
    assert len(lines) == len(text.splitlines()) + 1
