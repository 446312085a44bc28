"""Gradle edits (scripts, gradle.properties, version catalogs): hand-written expected patches that
must apply with git apply and patch -p1."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.fix import catalog, gradle
from planner.fix.diff import unified
from planner.fix.model import OVERRIDE, Change, FixError
from tests.conftest import EXAMPLES, FIXTURES, check_patch

LOG4J = "pkg:maven/org.apache.logging.log4j/log4j-core"
JACKSON = "pkg:maven/com.fasterxml.jackson.core/jackson-databind"


def _patched(tmp_path: Path, path: str, text: str, new: str, expected: str) -> None:
    diff = unified(path, text, new)
    assert diff == expected
    check_patch(tmp_path, path, text, diff, new)


def test_string_notation(tmp_path: Path) -> None:
    text = (EXAMPLES / "orders-service" / "build.gradle").read_text()
    edit = gradle.bump(text, Change("build.gradle", LOG4J, "2.15.0", current="2.14.1", line=34))
    assert (edit.mechanism, edit.line, edit.before, edit.after) == ("direct-dependency", 34, "2.14.1", "2.15.0")
    _patched(
        tmp_path,
        "build.gradle",
        text,
        edit.text,
        """diff --git a/build.gradle b/build.gradle
--- a/build.gradle
+++ b/build.gradle
@@ -31,7 +31,7 @@
 dependencies {
     implementation 'com.acme.commons:commons-util:2.1.0'
     // We log through the Log4j 2 API directly (async appenders), so log4j-core is declared here too.
-    implementation 'org.apache.logging.log4j:log4j-core:2.14.1'
+    implementation 'org.apache.logging.log4j:log4j-core:2.15.0'
 
     testImplementation 'org.junit.jupiter:junit-jupiter:5.8.1'
 }
""",
    )


def test_constraint_with_because_in_a_new_constraints_block(tmp_path: Path) -> None:
    text = (EXAMPLES / "orders-service" / "build.gradle").read_text()
    change = Change("build.gradle", JACKSON, "2.13.4.2", OVERRIDE, because=("GHSA-rgv9-q543-rqg4",))
    edit = gradle.override(text, change)
    assert (edit.mechanism, edit.line, edit.before) == ("gradle-constraint", 38, None)
    _patched(
        tmp_path,
        "build.gradle",
        text,
        edit.text,
        """diff --git a/build.gradle b/build.gradle
--- a/build.gradle
+++ b/build.gradle
@@ -34,6 +34,11 @@
     implementation 'org.apache.logging.log4j:log4j-core:2.14.1'
 
     testImplementation 'org.junit.jupiter:junit-jupiter:5.8.1'
+    constraints {
+        implementation('com.fasterxml.jackson.core:jackson-databind:2.13.4.2') {
+            because 'GHSA-rgv9-q543-rqg4'
+        }
+    }
 }
 
 application {
""",
    )


def test_kotlin_constraint_goes_into_the_existing_constraints_block(tmp_path: Path) -> None:
    path = "app/build.gradle.kts"
    text = (FIXTURES / "gradle" / "kotlin" / path).read_text()
    edit = gradle.override(text, Change(path, JACKSON, "2.13.4.2", OVERRIDE, because=("GHSA-rgv9-q543-rqg4",)))
    assert edit.line == 32
    _patched(
        tmp_path,
        path,
        text,
        edit.text,
        """diff --git a/app/build.gradle.kts b/app/build.gradle.kts
--- a/app/build.gradle.kts
+++ b/app/build.gradle.kts
@@ -29,5 +29,8 @@
     debugImplementation("com.squareup.leakcanary:leakcanary-android:2.12")
     constraints {
         implementation("com.google.code.gson:gson:2.10.1")
+        implementation("com.fasterxml.jackson.core:jackson-databind:2.13.4.2") {
+            because("GHSA-rgv9-q543-rqg4")
+        }
     }
 }
""",
    )


def test_an_existing_constraint_is_moved_not_repeated(tmp_path: Path) -> None:
    path = "app/build.gradle"
    text = (FIXTURES / "gradle" / "groovy" / path).read_text()
    edit = gradle.override(text, Change(path, "pkg:maven/org.yaml/snakeyaml", "2.3", OVERRIDE))
    assert (edit.mechanism, edit.line, edit.before, edit.after) == ("gradle-constraint", 24, "2.2", "2.3")
    _patched(
        tmp_path,
        path,
        text,
        edit.text,
        """diff --git a/app/build.gradle b/app/build.gradle
--- a/app/build.gradle
+++ b/app/build.gradle
@@ -21,7 +21,7 @@
     }
     /* implementation 'commented:out:1.0' */
     constraints {
-        implementation('org.yaml:snakeyaml:2.2') {
+        implementation('org.yaml:snakeyaml:2.3') {
             because 'CVE-2022-1471'
         }
     }
""",
    )


def test_map_notation_follows_the_variable(tmp_path: Path) -> None:
    path = "app/build.gradle"
    text = (FIXTURES / "gradle" / "groovy" / path).read_text()
    edit = gradle.bump(text, Change(path, "pkg:maven/org.slf4j/slf4j-api", "2.0.13", current="2.0.9"))
    assert (edit.mechanism, edit.line, edit.before) == ("property", 6, "2.0.9")
    _patched(
        tmp_path,
        path,
        text,
        edit.text,
        """diff --git a/app/build.gradle b/app/build.gradle
--- a/app/build.gradle
+++ b/app/build.gradle
@@ -3,7 +3,7 @@
 }
 
 def jacksonVersion = '2.15.2'
-String slf4j = "2.0.9"
+String slf4j = "2.0.13"
 
 dependencies {
     implementation 'org.apache.logging.log4j:log4j-core:2.14.1'   // pinned { not a brace }
""",
    )


def test_kotlin_template_variable(tmp_path: Path) -> None:
    path = "app/build.gradle.kts"
    text = (FIXTURES / "gradle" / "kotlin" / path).read_text()
    edit = gradle.bump(text, Change(path, "pkg:maven/com.squareup.retrofit2/retrofit", "2.11.0"))
    assert (edit.mechanism, edit.line) == ("property", 8)
    _patched(
        tmp_path,
        path,
        text,
        edit.text,
        """diff --git a/app/build.gradle.kts b/app/build.gradle.kts
--- a/app/build.gradle.kts
+++ b/app/build.gradle.kts
@@ -5,7 +5,7 @@
     id("com.android.application")
 }
 
-val retrofitVersion = "2.9.0"
+val retrofitVersion = "2.11.0"
 val computed = Build.version()
 
 dependencies {
""",
    )


def test_gradle_properties(tmp_path: Path) -> None:
    text = (FIXTURES / "gradle" / "groovy" / "gradle.properties").read_text()
    change = Change("gradle.properties", "pkg:maven/io.netty/netty-handler", "4.1.108.Final", line=3)
    edit = gradle.bump_property(text, change)
    assert (edit.mechanism, edit.before) == ("property", "4.1.100.Final")
    _patched(
        tmp_path,
        "gradle.properties",
        text,
        edit.text,
        """diff --git a/gradle.properties b/gradle.properties
--- a/gradle.properties
+++ b/gradle.properties
@@ -1,3 +1,3 @@
 # shared properties
 group=com.acme.shop
-nettyVersion=4.1.100.Final
+nettyVersion=4.1.108.Final
""",
    )


def test_an_ext_property_of_the_root_script_at_the_plan_s_line(tmp_path: Path) -> None:
    """app/build.gradle uses ${guavaVersion}; the plan points at the root script's line that sets it."""
    text = (FIXTURES / "gradle" / "groovy" / "build.gradle").read_text()
    change = Change("build.gradle", "pkg:maven/com.google.guava/guava", "33.0.0-jre", current="31.1-jre", line=7)
    edit = gradle.bump(text, change)
    assert (edit.mechanism, edit.line, edit.before) == ("property", 7, "31.1-jre")
    _patched(
        tmp_path,
        "build.gradle",
        text,
        edit.text,
        """diff --git a/build.gradle b/build.gradle
--- a/build.gradle
+++ b/build.gradle
@@ -4,4 +4,4 @@
 ext {
     log4jVersion = '2.14.1'
 }
-ext.guavaVersion = "31.1-jre"
+ext.guavaVersion = "33.0.0-jre"
""",
    )
    with pytest.raises(FixError, match=r"^build\.gradle:0: org\.example:absent is not declared with a version"):
        gradle.bump(text, Change("build.gradle", "pkg:maven/org.example/absent", "1.0"))


def test_a_variable_set_in_another_script_is_an_error_naming_it() -> None:
    path = "app/build.gradle"
    text = (FIXTURES / "gradle" / "groovy" / path).read_text()
    with pytest.raises(FixError, match=r"app/build.gradle:11: the version is \$\{guavaVersion\}, set outside"):
        gradle.bump(text, Change(path, "pkg:maven/com.google.guava/guava", "33.0.0-jre"))


# nowinandroid's catalog layout: [versions] refs shared by several libraries
CATALOG = """[versions]
okhttp = "4.12.0"
retrofit = "2.11.0"

[libraries]
okhttp-logging = { group = "com.squareup.okhttp3", name = "logging-interceptor", version.ref = "okhttp" }
okhttp-core = { module = "com.squareup.okhttp3:okhttp", version.ref = "okhttp" }
retrofit-core = { group = "com.squareup.retrofit2", name = "retrofit", version.ref = "retrofit" }
jsoup = { group = "org.jsoup", name = "jsoup", version = "1.15.3" }
snakeyaml = "org.yaml:snakeyaml:2.2"
"""


def test_catalog_version_ref_moves_every_library_that_shares_it(tmp_path: Path) -> None:
    path = "gradle/libs.versions.toml"
    edit = catalog.bump(CATALOG, Change(path, "pkg:maven/com.squareup.okhttp3/okhttp", "4.12.1", current="4.12.0"))
    assert (edit.mechanism, edit.line) == ("version-catalog", 2)
    assert edit.notes == ("the same version entry sets com.squareup.okhttp3:logging-interceptor: they move too",)
    _patched(
        tmp_path,
        path,
        CATALOG,
        edit.text,
        """diff --git a/gradle/libs.versions.toml b/gradle/libs.versions.toml
--- a/gradle/libs.versions.toml
+++ b/gradle/libs.versions.toml
@@ -1,5 +1,5 @@
 [versions]
-okhttp = "4.12.0"
+okhttp = "4.12.1"
 retrofit = "2.11.0"
 
 [libraries]
""",
    )


def test_catalog_version_in_the_library_table(tmp_path: Path) -> None:
    path = "gradle/libs.versions.toml"
    edit = catalog.bump(CATALOG, Change(path, "pkg:maven/org.jsoup/jsoup", "1.15.4", current="1.15.3"))
    assert (edit.line, edit.notes) == (9, ())
    _patched(
        tmp_path,
        path,
        CATALOG,
        edit.text,
        """diff --git a/gradle/libs.versions.toml b/gradle/libs.versions.toml
--- a/gradle/libs.versions.toml
+++ b/gradle/libs.versions.toml
@@ -6,5 +6,5 @@
 okhttp-logging = { group = "com.squareup.okhttp3", name = "logging-interceptor", version.ref = "okhttp" }
 okhttp-core = { module = "com.squareup.okhttp3:okhttp", version.ref = "okhttp" }
 retrofit-core = { group = "com.squareup.retrofit2", name = "retrofit", version.ref = "retrofit" }
-jsoup = { group = "org.jsoup", name = "jsoup", version = "1.15.3" }
+jsoup = { group = "org.jsoup", name = "jsoup", version = "1.15.4" }
 snakeyaml = "org.yaml:snakeyaml:2.2"
""",
    )


def test_catalog_group_name_version_string(tmp_path: Path) -> None:
    path = "gradle/libs.versions.toml"
    edit = catalog.bump(CATALOG, Change(path, "pkg:maven/org.yaml/snakeyaml", "2.3", current="2.2"))
    assert edit.line == 10
    _patched(
        tmp_path,
        path,
        CATALOG,
        edit.text,
        """diff --git a/gradle/libs.versions.toml b/gradle/libs.versions.toml
--- a/gradle/libs.versions.toml
+++ b/gradle/libs.versions.toml
@@ -7,4 +7,4 @@
 okhttp-core = { module = "com.squareup.okhttp3:okhttp", version.ref = "okhttp" }
 retrofit-core = { group = "com.squareup.retrofit2", name = "retrofit", version.ref = "retrofit" }
 jsoup = { group = "org.jsoup", name = "jsoup", version = "1.15.3" }
-snakeyaml = "org.yaml:snakeyaml:2.2"
+snakeyaml = "org.yaml:snakeyaml:2.3"
""",
    )
