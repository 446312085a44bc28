"""pom.xml edits: each expected patch is written by hand and must apply with git apply and patch -p1."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.fix import maven
from planner.fix.diff import unified
from planner.fix.model import OVERRIDE, OVERRIDE_PROPERTY, Change, FixError
from tests.conftest import EXAMPLES, FIXTURES, check_patch

LOG4J = "pkg:maven/org.apache.logging.log4j/log4j-core"
GHSA = ("GHSA-jfh8-c2jp-5v3q",)


def _patched(tmp_path: Path, text: str, edit, expected: str, path: str = "pom.xml") -> None:
    diff = unified(path, text, edit.text)
    assert diff == expected
    check_patch(tmp_path, path, text, diff, edit.text)


def test_property_shared_by_two_dependencies_is_bumped_once_and_says_so(tmp_path: Path) -> None:
    text = (EXAMPLES / "acme-logging" / "pom.xml").read_text()
    edit = maven.bump(text, Change("pom.xml", LOG4J, "2.15.0", current="2.14.1", line=32))
    assert (edit.mechanism, edit.line, edit.before, edit.after) == ("property", 32, "2.14.1", "2.15.0")
    assert edit.notes == ("log4j2.version also sets org.apache.logging.log4j:log4j-api (line 42): they move too",)
    _patched(
        tmp_path,
        text,
        edit,
        """diff --git a/pom.xml b/pom.xml
--- a/pom.xml
+++ b/pom.xml
@@ -29,7 +29,7 @@
     <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
     <maven.compiler.release>11</maven.compiler.release>
 
-    <log4j2.version>2.14.1</log4j2.version>
+    <log4j2.version>2.15.0</log4j2.version>
     <slf4j.version>1.7.32</slf4j.version>
     <junit.version>5.8.1</junit.version>
   </properties>
""",
    )


def test_direct_version(tmp_path: Path) -> None:
    text = (EXAMPLES / "integration-tests" / "pom.xml").read_text()
    edit = maven.bump(text, Change("pom.xml", LOG4J, "2.15.0", current="2.14.1", line=43))
    assert edit.mechanism == "direct-dependency" and edit.notes == ()
    _patched(
        tmp_path,
        text,
        edit,
        """diff --git a/pom.xml b/pom.xml
--- a/pom.xml
+++ b/pom.xml
@@ -40,7 +40,7 @@
     <dependency>
       <groupId>org.apache.logging.log4j</groupId>
       <artifactId>log4j-core</artifactId>
-      <version>2.14.1</version>
+      <version>2.15.0</version>
       <scope>test</scope>
     </dependency>
   </dependencies>
""",
    )


def test_override_creates_the_dependency_management_section(tmp_path: Path) -> None:
    text = (EXAMPLES / "billing-service" / "pom.xml").read_text()
    edit = maven.override(text, Change("pom.xml", LOG4J, "2.15.0", OVERRIDE, because=GHSA))
    assert (edit.mechanism, edit.line, edit.before) == ("dependency-management", 40, None)
    _patched(
        tmp_path,
        text,
        edit,
        """diff --git a/pom.xml b/pom.xml
--- a/pom.xml
+++ b/pom.xml
@@ -30,6 +30,17 @@
     <junit.version>5.8.1</junit.version>
     <spring-boot.version>2.5.7</spring-boot.version>
   </properties>
+
+  <dependencyManagement>
+    <dependencies>
+      <!-- GHSA-jfh8-c2jp-5v3q: pinned by depwave fix -->
+      <dependency>
+        <groupId>org.apache.logging.log4j</groupId>
+        <artifactId>log4j-core</artifactId>
+        <version>2.15.0</version>
+      </dependency>
+    </dependencies>
+  </dependencyManagement>
 
   <dependencies>
     <dependency>
""",
    )


SHIRO_LIKE = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>org.apache.shiro</groupId>
  <artifactId>shiro-root</artifactId>
  <version>2.0.0</version>
  <packaging>pom</packaging>
  <properties>
    <log4j.version>2.14.1</log4j.version>
  </properties>
  <dependencyManagement>
    <dependencies>
      <dependency>
        <groupId>org.apache.logging.log4j</groupId>
        <artifactId>log4j-core</artifactId>
        <version>${log4j.version}</version>
      </dependency>
      <dependency>
        <groupId>org.apache.logging.log4j</groupId>
        <artifactId>log4j-api</artifactId>
        <version>${log4j.version}</version>
      </dependency>
    </dependencies>
  </dependencyManagement>
</project>
"""


def test_override_where_a_managed_entry_exists_moves_it_instead_of_adding_a_second(tmp_path: Path) -> None:
    edit = maven.override(SHIRO_LIKE, Change("pom.xml", LOG4J, "2.15.0", OVERRIDE, because=GHSA))
    assert (edit.mechanism, edit.line, edit.before, edit.after) == ("dependency-management", 8, "2.14.1", "2.15.0")
    assert edit.text.count("<artifactId>log4j-core</artifactId>") == 1
    _patched(
        tmp_path,
        SHIRO_LIKE,
        edit,
        """diff --git a/pom.xml b/pom.xml
--- a/pom.xml
+++ b/pom.xml
@@ -5,7 +5,7 @@
   <version>2.0.0</version>
   <packaging>pom</packaging>
   <properties>
-    <log4j.version>2.14.1</log4j.version>
+    <log4j.version>2.15.0</log4j.version>
   </properties>
   <dependencyManagement>
     <dependencies>
""",
    )


# a Spring Boot service importing the Boot BOM, written with tabs and CRLF and no final newline
BOOT_TABS_CRLF = (
    "<project>\n"
    "\t<modelVersion>4.0.0</modelVersion>\n"
    "\t<groupId>com.acme</groupId>\n"
    "\t<artifactId>svc</artifactId>\n"
    "\t<version>1.0.0</version>\n"
    "\t<dependencyManagement>\n"
    "\t\t<dependencies>\n"
    "\t\t\t<dependency>\n"
    "\t\t\t\t<groupId>org.springframework.boot</groupId>\n"
    "\t\t\t\t<artifactId>spring-boot-dependencies</artifactId>\n"
    "\t\t\t\t<version>2.5.7</version>\n"
    "\t\t\t\t<type>pom</type>\n"
    "\t\t\t\t<scope>import</scope>\n"
    "\t\t\t</dependency>\n"
    "\t\t</dependencies>\n"
    "\t</dependencyManagement>\n"
    "</project>"
).replace("\n", "\r\n")


def test_override_into_an_existing_section_keeps_tabs_crlf_and_the_missing_final_newline(tmp_path: Path) -> None:
    edit = maven.override(BOOT_TABS_CRLF, Change("pom.xml", LOG4J, "2.15.0", OVERRIDE, because=GHSA))
    assert edit.line == 12
    expected = (
        "diff --git a/pom.xml b/pom.xml\n"
        "--- a/pom.xml\n"
        "+++ b/pom.xml\n"
        "@@ -5,6 +5,12 @@\n"
        " \t<version>1.0.0</version>\r\n"
        " \t<dependencyManagement>\r\n"
        " \t\t<dependencies>\r\n"
        "+\t\t\t<!-- GHSA-jfh8-c2jp-5v3q: pinned by depwave fix -->\r\n"
        "+\t\t\t<dependency>\r\n"
        "+\t\t\t\t<groupId>org.apache.logging.log4j</groupId>\r\n"
        "+\t\t\t\t<artifactId>log4j-core</artifactId>\r\n"
        "+\t\t\t\t<version>2.15.0</version>\r\n"
        "+\t\t\t</dependency>\r\n"
        " \t\t\t<dependency>\r\n"
        " \t\t\t\t<groupId>org.springframework.boot</groupId>\r\n"
        " \t\t\t\t<artifactId>spring-boot-dependencies</artifactId>\r\n"
    )
    _patched(tmp_path, BOOT_TABS_CRLF, edit, expected)
    assert edit.text.endswith("</project>")


def test_a_bom_released_on_its_own_schedule_is_not_bumped_the_package_is_pinned_instead() -> None:
    edit = maven.bump(BOOT_TABS_CRLF, Change("pom.xml", LOG4J, "2.15.0", current="2.14.1", line=11, because=GHSA))
    assert edit.mechanism == "dependency-management"
    assert edit.notes[0] == "the version comes from the BOM imported at line 11; pinned here instead"
    assert edit.text == maven.override(BOOT_TABS_CRLF, Change("pom.xml", LOG4J, "2.15.0", OVERRIDE, because=GHSA)).text


LOG4J_BOM = """<project>
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.acme</groupId>
  <artifactId>app</artifactId>
  <version>1.0.0</version>
  <dependencyManagement>
    <dependencies>
      <dependency>
        <groupId>org.apache.logging.log4j</groupId>
        <artifactId>log4j-bom</artifactId>
        <version>2.14.1</version>
        <type>pom</type>
        <scope>import</scope>
      </dependency>
    </dependencies>
  </dependencyManagement>
</project>
"""


def test_a_bom_versioned_with_the_package_is_bumped(tmp_path: Path) -> None:
    edit = maven.bump(LOG4J_BOM, Change("pom.xml", LOG4J, "2.15.0", current="2.14.1", line=11))
    assert (edit.mechanism, edit.line, edit.before, edit.after) == ("bom-import", 11, "2.14.1", "2.15.0")
    assert edit.notes == (
        "assumes org.apache.logging.log4j:log4j-bom 2.15.0 manages log4j-core 2.15.0 (released together)",
    )
    _patched(
        tmp_path,
        LOG4J_BOM,
        edit,
        """diff --git a/pom.xml b/pom.xml
--- a/pom.xml
+++ b/pom.xml
@@ -8,7 +8,7 @@
       <dependency>
         <groupId>org.apache.logging.log4j</groupId>
         <artifactId>log4j-bom</artifactId>
-        <version>2.14.1</version>
+        <version>2.15.0</version>
         <type>pom</type>
         <scope>import</scope>
       </dependency>
""",
    )


def test_a_property_alias_is_followed_to_the_literal(tmp_path: Path) -> None:
    # multi/pom.xml: log4j-api is managed at ${log4j2.version}, which is ${log4j.version} = 2.26.1 (line 21)
    text = (FIXTURES / "maven" / "multi" / "pom.xml").read_text()
    api = "pkg:maven/org.apache.logging.log4j/log4j-api"
    edit = maven.bump(text, Change("pom.xml", api, "2.27.0", current="2.26.1", line=30))
    assert (edit.mechanism, edit.line, edit.before) == ("property", 21, "2.26.1")
    _patched(
        tmp_path,
        text,
        edit,
        """diff --git a/pom.xml b/pom.xml
--- a/pom.xml
+++ b/pom.xml
@@ -18,7 +18,7 @@
   </modules>
   <properties>
     <revision>3.1.0</revision>
-    <log4j.version>2.26.1</log4j.version>
+    <log4j.version>2.27.0</log4j.version>
     <log4j2.version>${log4j.version}</log4j2.version>
     <jackson.version>2.17.0</jackson.version>
   </properties>
""",
    )


SPRING_CHILD = """<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
    <modelVersion>4.0.0</modelVersion>
    <parent>
        <groupId>org.springframework.boot</groupId>
        <artifactId>spring-boot-starter-parent</artifactId>
        <version>2.5.7</version>
        <relativePath/>
    </parent>
    <groupId>com.acme</groupId>
    <artifactId>web</artifactId>
    <version>1.0.0</version>

    <dependencies>
        <dependency>
            <groupId>org.springframework.boot</groupId>
            <artifactId>spring-boot-starter-log4j2</artifactId>
        </dependency>
    </dependencies>
</project>
"""


def test_a_parent_property_is_overridden_in_the_child(tmp_path: Path) -> None:
    """Spring Boot's advice for Log4Shell: set log4j2.version in the child's own <properties>."""
    change = Change("pom.xml", LOG4J, "2.15.0", OVERRIDE_PROPERTY, current="2.14.1", property="log4j2.version")
    edit = maven.override_property(SPRING_CHILD, change)
    assert (edit.mechanism, edit.line, edit.before) == ("property-override", 15, None)
    _patched(
        tmp_path,
        SPRING_CHILD,
        edit,
        """diff --git a/pom.xml b/pom.xml
--- a/pom.xml
+++ b/pom.xml
@@ -11,6 +11,10 @@
     <artifactId>web</artifactId>
     <version>1.0.0</version>
 
+    <properties>
+        <log4j2.version>2.15.0</log4j2.version>
+    </properties>
+
     <dependencies>
         <dependency>
             <groupId>org.springframework.boot</groupId>
""",
    )
    again = maven.override_property(edit.text, change)  # the child already overrides it: no second entry
    assert again.text == edit.text and not again.changed


@pytest.mark.parametrize(
    ("text", "change", "message"),
    [
        (
            LOG4J_BOM.replace("2.14.1", "2.14.0"),
            Change("pom.xml", LOG4J, "2.15.0", current="2.14.1", line=11),
            None,
        ),  # a BOM at another version: pinned instead, no error
        (
            (EXAMPLES / "integration-tests" / "pom.xml").read_text(),
            Change("pom.xml", LOG4J, "2.15.0", current="2.13.0", line=43),
            "pom.xml:43: expected 2.13.0 here, found 2.14.1",
        ),
        (
            SPRING_CHILD,
            Change("pom.xml", LOG4J, "2.15.0"),
            "pom.xml:0: no version of org.apache.logging.log4j:log4j-core is set in this POM",
        ),
        (
            SPRING_CHILD.replace(
                "<groupId>org.springframework.boot</groupId>\n            <artifactId>spring-boot-starter-log4j2",
                "<groupId>org.apache.logging.log4j</groupId>\n            <artifactId>log4j-core",
            ).replace("log4j-core</artifactId>", "log4j-core</artifactId><version>${log4j2.version}</version>"),
            Change("pom.xml", LOG4J, "2.15.0"),
            "pom.xml:17: the version is ${log4j2.version}, which this POM does not define (a parent POM sets it)",
        ),
        ("<project><dependencies>", Change("pom.xml", LOG4J, "2.15.0"), "pom.xml:1: malformed XML"),
        ("<projekt/>", Change("pom.xml", LOG4J, "2.15.0"), "pom.xml:1: not a POM: the root element is <projekt>"),
    ],
)
def test_bad_input_is_one_message_with_its_line(text: str, change: Change, message: str | None) -> None:
    if message is None:
        maven.bump(text, change)
        return
    with pytest.raises(FixError) as err:
        maven.bump(text, change)
    assert str(err.value).startswith(message)


def test_an_insertion_that_would_land_outside_its_element_is_refused() -> None:
    one_line = "<project><modelVersion>4.0.0</modelVersion><dependencies></dependencies></project>\n"
    with pytest.raises(FixError, match="does not start this line"):
        maven.override(one_line, Change("pom.xml", LOG4J, "2.15.0", OVERRIDE))
