"""package.json edits: range bumps and the three override fields, with hand-written expected patches."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.fix import npm
from planner.fix.diff import unified
from planner.fix.model import OVERRIDE, Change, FixError
from tests.conftest import EXAMPLES, check_patch

LODASH = "pkg:npm/lodash"
STOREFRONT = (EXAMPLES / "storefront" / "package.json").read_text()
HEAD = "diff --git a/package.json b/package.json\n--- a/package.json\n+++ b/package.json\n"


def _patched(tmp_path: Path, text: str, new: str, expected: str) -> None:
    diff = unified("package.json", text, new)
    assert diff == expected
    check_patch(tmp_path, "package.json", text, diff, new)


def test_range_bump_keeps_the_caret(tmp_path: Path) -> None:
    edit = npm.bump(STOREFRONT, Change("package.json", LODASH, "4.17.21", line=22))
    assert (edit.mechanism, edit.line, edit.before, edit.after) == ("direct-dependency", 22, "^4.17.15", "^4.17.21")
    _patched(
        tmp_path,
        STOREFRONT,
        edit.text,
        HEAD
        + """@@ -19,7 +19,7 @@
   },
   "dependencies": {
     "express": "^4.17.1",
-    "lodash": "^4.17.15"
+    "lodash": "^4.17.21"
   },
   "devDependencies": {
     "jest": "^27.0.0"
""",
    )


@pytest.mark.parametrize(
    ("tool", "mechanism", "added"),
    [
        ("npm", "npm-override", '+  },\n+  "overrides": {\n+    "lodash": "4.17.21"\n'),
        ("yarn", "yarn-resolution", '+  },\n+  "resolutions": {\n+    "lodash": "4.17.21"\n'),
        ("pnpm", "pnpm-override", '+  },\n+  "pnpm": {\n+    "overrides": {\n+      "lodash": "4.17.21"\n+    }\n'),
    ],
)
def test_override_field_created_per_tool(tmp_path: Path, tool: str, mechanism: str, added: str) -> None:
    edit = npm.override(STOREFRONT, Change("package.json", LODASH, "4.17.21", OVERRIDE), tool)
    assert edit.mechanism == mechanism and edit.before is None
    grown = added.count("\n")
    expected = (
        HEAD
        + f"@@ -23,5 +23,{5 + grown} @@\n"
        + '   },\n   "devDependencies": {\n     "jest": "^27.0.0"\n'
        + added
        + "   }\n }\n"
    )
    _patched(tmp_path, STOREFRONT, edit.text, expected)


# a Yarn workspace root written with four-space indentation and no final newline, already resolving one package
YARN_ROOT = """{
    "private": true,
    "workspaces": ["packages/*"],
    "resolutions": {
        "minimist": "1.2.6"
    }
}"""


def test_a_new_resolution_joins_the_existing_ones_in_the_file_s_indentation(tmp_path: Path) -> None:
    edit = npm.override(YARN_ROOT, Change("package.json", LODASH, "4.17.21", OVERRIDE), "yarn")
    assert (edit.line, edit.before) == (6, None)
    _patched(
        tmp_path,
        YARN_ROOT,
        edit.text,
        HEAD
        + """@@ -2,6 +2,7 @@
     "private": true,
     "workspaces": ["packages/*"],
     "resolutions": {
-        "minimist": "1.2.6"
+        "minimist": "1.2.6",
+        "lodash": "4.17.21"
     }
 }
\\ No newline at end of file
""",
    )


def test_an_existing_override_is_moved_not_repeated(tmp_path: Path) -> None:
    edit = npm.override(YARN_ROOT, Change("package.json", "pkg:npm/minimist", "1.2.8", OVERRIDE), "yarn")
    assert (edit.line, edit.before, edit.after) == (5, "1.2.6", "1.2.8")
    _patched(
        tmp_path,
        YARN_ROOT,
        edit.text,
        HEAD
        + """@@ -2,6 +2,6 @@
     "private": true,
     "workspaces": ["packages/*"],
     "resolutions": {
-        "minimist": "1.2.6"
+        "minimist": "1.2.8"
     }
 }
\\ No newline at end of file
""",
    )


def test_pnpm_object_without_overrides_gets_one(tmp_path: Path) -> None:
    text = '{\n\t"name": "web",\n\t"pnpm": {\n\t\t"onlyBuiltDependencies": ["esbuild"]\n\t}\n}\n'
    edit = npm.override(text, Change("package.json", "pkg:npm/%40babel/traverse", "7.23.2", OVERRIDE), "pnpm")
    _patched(
        tmp_path,
        text,
        edit.text,
        HEAD
        + """@@ -1,6 +1,9 @@
 {
 \t"name": "web",
 \t"pnpm": {
-\t\t"onlyBuiltDependencies": ["esbuild"]
+\t\t"onlyBuiltDependencies": ["esbuild"],
+\t\t"overrides": {
+\t\t\t"@babel/traverse": "7.23.2"
+\t\t}
 \t}
 }
""",
    )


@pytest.mark.parametrize(
    ("text", "change", "message"),
    [
        (
            '{"dependencies": {"lodash": "^4"',
            Change("package.json", LODASH, "4.17.21"),
            "package.json:1: malformed JSON",
        ),
        ("[]", Change("package.json", LODASH, "4.17.21"), "package.json:1: the top level is not a JSON object"),
        (
            '{"dependencies": {"lodash": "github:lodash/lodash#4.17.15"}}',
            Change("package.json", LODASH, "4.17.21"),
            "package.json:1: lodash is 'github:lodash/lodash#4.17.15', not a registry range",
        ),
        (
            '{"dependencies": {}}',
            Change("package.json", LODASH, "4.17.21"),
            "package.json:0: lodash is not a dependency in this package.json",
        ),
        (
            '{"overrides": {"lodash": {".": "4.17.20"}}}',
            Change("package.json", LODASH, "4.17.21", OVERRIDE),
            "package.json:1: the override of lodash is nested",
        ),
    ],
)
def test_bad_input(text: str, change: Change, message: str) -> None:
    with pytest.raises(FixError) as err:
        npm.override(text, change, "npm") if change.action == OVERRIDE else npm.bump(text, change)
    assert str(err.value).startswith(message)
