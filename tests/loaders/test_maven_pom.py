"""Maven POM loader: fixtures, inheritance and BOMs, bad input, generated POMs, corpus ground truth."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from defusedxml import ElementTree as SafeET
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders.base import StaticContext
from loaders.maven.pom import MavenPomLoader
from planner.errors import ParseError
from planner.model import Constrains, Declared, Location, Project, Publishes, Source
from tests.conftest import CORPUS, FIXTURES, records_of

LOADER = MavenPomLoader()
DIR = FIXTURES / "maven"
LOG4J_CORE = "pkg:maven/org.apache.logging.log4j/log4j-core"
LOG4J_API = "pkg:maven/org.apache.logging.log4j/log4j-api"


def parse_fixture(name: str):
    text = (DIR / name / "pom.xml").read_text()
    return LOADER.parse(text, Source("acme", f"{name}/pom.xml", f"fixtures/{name}/pom.xml"))


def tree_context(root: Path, repo: str) -> StaticContext:
    return StaticContext({(repo, p.relative_to(root).as_posix()): p.read_text() for p in sorted(root.rglob("pom.xml"))})


def load_tree(root: Path, repo: str) -> dict[str, object]:
    """Parse every pom.xml under ``root`` with every other one in the context."""
    ctx = tree_context(root, repo)
    out = {}
    for src in ctx.sources():
        out[src.path] = LOADER.parse(ctx.read(repo, src.path), src, ctx)
    return out


def declared(result, package: str, profile: str | None = None) -> list[Declared]:
    return [d for d in records_of(result, Declared) if d.package == package and d.profile == profile]


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


# ------------------------------------------------------------------------------------------ names


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("pom.xml", True),
        ("core/pom.xml", True),
        ("POM.XML", True),
        ("repo/org/apache/logging/log4j/log4j-bom/2.26.1/log4j-bom-2.26.1.pom", True),
        ("gcs/dependency-reduced-pom.xml", False),
        ("effective-pom.xml", False),
        (".flattened-pom.xml", False),
        ("target/classes/META-INF/maven/com.acme/lib/pom.xml", False),
        ("pom.xml.bak", False),
        ("pom.properties", False),
        (".pom", False),
        ("build.gradle", False),
    ],
)
def test_matches_file_names(path: str, expected: bool) -> None:
    assert LOADER.matches(path) is expected


# --------------------------------------------------------------------------------------- fixtures


def test_empty() -> None:
    result = parse_fixture("empty")
    (project,) = records_of(result, Project)
    assert project.key == "acme/empty#pkg:maven/com.example/empty"
    assert (project.name, project.version, project.kind) == ("com.example:empty", "1.0.0", "library")
    assert project.purl == "pkg:maven/com.example/empty@1.0.0"
    assert records_of(result, Publishes) == [Publishes(project.key, "pkg:maven/com.example/empty")]
    assert records_of(result, Declared) == [] and result.warnings == []


def test_one_package_has_its_lines() -> None:
    result = parse_fixture("one-package")
    (dep,) = records_of(result, Declared)
    assert (dep.package, dep.range, dep.scope, dep.raw_scope) == (LOG4J_CORE, "2.14.1", "runtime", "compile")
    lines = (DIR / "one-package/pom.xml").read_text().splitlines()
    assert lines[dep.location.line - 1].strip() == "<artifactId>log4j-core</artifactId>"  # what names it
    assert lines[dep.version_location.line - 1].strip() == "<version>2.14.1</version>"
    assert dep.unresolved is None and dep.profile is None


def test_two_packages_property_scope_optional_range_and_war() -> None:
    result = parse_fixture("two-packages")
    (project,) = records_of(result, Project)
    assert project.kind == "application"
    core, junit = sorted(records_of(result, Declared), key=lambda d: d.package != LOG4J_CORE)
    assert (core.range, core.scope, core.raw_scope, core.optional) == ("2.17.1", "runtime", "runtime", True)
    assert core.version_location == Location("two-packages/pom.xml", 9)  # the <log4j.version> definition
    assert (junit.range, junit.scope, junit.raw_scope) == ("[4.13,)", "test", "test")  # ranges kept as written
    assert result.warnings == []


def test_truncated_fixture_is_a_parse_error_with_its_line() -> None:
    with pytest.raises(ParseError) as info:
        parse_fixture("not-xml")
    assert str(info.value).startswith("fixtures/not-xml/pom.xml:")
    assert info.value.line == 7 and "malformed XML" in info.value.reason


# --------------------------------------------------------------------- inheritance, BOMs, profiles


@pytest.fixture(scope="module")
def multi() -> dict[str, object]:
    return load_tree(DIR / "multi", "acme")


def test_multi_module_loads_without_warnings(multi) -> None:
    assert {p: r.warnings for p, r in multi.items()} == {p: [] for p in multi}


def test_revision_property_gives_the_root_its_version(multi) -> None:
    (root,) = records_of(multi["pom.xml"], Project)
    assert (root.version, root.kind) == ("3.1.0", "library")


def test_in_tree_bom_import_and_nested_property(multi) -> None:
    app = multi["app/pom.xml"]
    (core,) = declared(app, LOG4J_CORE)
    assert core.range == "2.26.1"
    assert core.version_location == Location("bom/pom.xml", 9)  # <core.version> inside the imported BOM
    (lib,) = declared(multi["lib/pom.xml"], LOG4J_API)
    # the parent's explicit management beats the imported BOM's 1.0-should-lose; the property chain
    # log4j2.version -> log4j.version ends at the definition to edit
    assert lib.range == "2.26.1"
    assert lib.version_location == Location("pom.xml", 21)


def test_version_property_names_the_definition_to_edit(multi) -> None:
    """The property written at version_location: the end of a chain (log4j2.version -> log4j.version), none for
    a literal version and none for ${project.version} (the <version> element, not a property)."""
    (lib,) = declared(multi["lib/pom.xml"], LOG4J_API)
    assert lib.version_property == "log4j.version"
    (core,) = declared(multi["app/pom.xml"], LOG4J_CORE)
    assert core.version_property == "core.version"  # defined inside the imported in-tree BOM
    (sibling,) = declared(multi["app/pom.xml"], "pkg:maven/com.acme/acme-lib")
    assert sibling.version_property is None
    (slf4j,) = declared(multi["lib/pom.xml"], "pkg:maven/org.slf4j/slf4j-api")
    assert slf4j.version_property is None  # <version>2.0.9</version> written in the managing POM


def test_managed_scope_applies_when_the_dependency_has_none(multi) -> None:
    (slf4j,) = declared(multi["lib/pom.xml"], "pkg:maven/org.slf4j/slf4j-api")
    assert (slf4j.range, slf4j.scope, slf4j.raw_scope) == ("2.0.9", "provided", "provided")


def test_version_from_an_external_bom_is_unresolved_and_named(multi) -> None:
    (databind,) = declared(multi["lib/pom.xml"], "pkg:maven/com.fasterxml.jackson.core/jackson-databind")
    assert databind.range is None
    assert "com.fasterxml.jackson:jackson-bom:2.17.0" in databind.unresolved
    assert "org.example.corp:corp-parent:7" in databind.unresolved


def test_env_property_stays_unresolved(multi) -> None:
    (dep,) = declared(multi["lib/pom.xml"], "pkg:maven/org.example/needs-env")
    assert (dep.range, dep.unresolved) == (None, "${env.LIB_VERSION}")


def test_project_version_in_a_child_is_the_inherited_version(multi) -> None:
    (lib,) = declared(multi["app/pom.xml"], "pkg:maven/com.acme/acme-lib")
    assert lib.range == "3.1.0"
    assert lib.version_location == Location("app/pom.xml", 4)  # the <parent> that sets the version


def test_profile_dependencies_are_marked_and_use_profile_properties(multi) -> None:
    app = multi["app/pom.xml"]
    (legacy,) = declared(app, "pkg:maven/org.apache.logging.log4j/log4j-1.2-api", profile="legacy")
    assert legacy.range == "2.14.1"  # the profile's own log4j.version, not the root's
    assert declared(app, "pkg:maven/org.apache.logging.log4j/log4j-1.2-api") == []


def test_constraints_of_the_root(multi) -> None:
    cons = {(c.package, c.mechanism): c for c in records_of(multi["pom.xml"], Constrains)}
    assert cons[("pkg:maven/com.acme/acme-bom", "bom-import")].range == "3.1.0"
    jackson = cons[("pkg:maven/com.fasterxml.jackson/jackson-bom", "bom-import")]
    assert (jackson.range, jackson.version_location) == ("2.17.0", Location("pom.xml", 23))
    assert cons[(LOG4J_API, "dependency-management")].range == "2.26.1"
    # children do not repeat the management they inherit
    assert records_of(multi["lib/pom.xml"], Constrains) == []


def test_relative_path_mismatch_falls_back_to_coordinates() -> None:
    files = {
        ("r", "parent/pom.xml"): _pom("g", "the-parent", "1", props={"v": "9.9"}),
        ("r", "pom.xml"): _pom("g", "unrelated", "1", props={"v": "0.0"}),
        ("r", "mod/pom.xml"): _pom(None, "mod", None, parent=("g", "the-parent", "1", None), deps=[("x", "y", "${v}")]),
    }
    ctx = StaticContext(files)
    result = LOADER.parse(files[("r", "mod/pom.xml")], Source("r", "mod/pom.xml", "mod/pom.xml"), ctx)
    (dep,) = records_of(result, Declared)
    assert (dep.range, dep.version_location) == ("9.9", Location("parent/pom.xml", 5))


def test_empty_relative_path_means_coordinates_only() -> None:
    files = {
        ("r", "pom.xml"): _pom("g", "p", "1", props={"v": "from-dotdot"}),
        ("r", "elsewhere/pom.xml"): _pom("g", "p", "1", props={"v": "from-coordinates"}),
        ("r", "mod/pom.xml"): _pom(None, "mod", None, parent=("g", "p", "1", ""), deps=[("x", "y", "${v}")]),
    }
    ctx = StaticContext(files)
    result = LOADER.parse(files[("r", "mod/pom.xml")], Source("r", "mod/pom.xml", "mod/pom.xml"), ctx)
    # both files carry g:p:1; coordinates lookup takes the first in path order, never by relativePath
    assert records_of(result, Declared)[0].range in ("from-dotdot", "from-coordinates")
    files[("r", "pom.xml")] = _pom("g", "other", "1", props={"v": "from-dotdot"})
    result = LOADER.parse(files[("r", "mod/pom.xml")], Source("r", "mod/pom.xml", "mod/pom.xml"), StaticContext(files))
    assert records_of(result, Declared)[0].range == "from-coordinates"


def test_parent_cycle_is_a_warning() -> None:
    files = {
        ("r", "a/pom.xml"): _pom("g", "a", "1", parent=("g", "b", "1", "../b/pom.xml"), deps=[("x", "y", "${v}")]),
        ("r", "b/pom.xml"): _pom("g", "b", "1", parent=("g", "a", "1", "../a/pom.xml"), props={"v": "2"}),
    }
    ctx = StaticContext(files)
    result = LOADER.parse(files[("r", "a/pom.xml")], Source("r", "a/pom.xml", "a/pom.xml"), ctx)
    assert any("parent cycle" in w.message for w in result.warnings)
    assert records_of(result, Declared)[0].range == "2"


def test_bom_import_cycle_is_a_warning_not_a_hang() -> None:
    def bom(name: str, other: str) -> str:
        return _pom("g", name, "1", management=[("g", other, "1", "pom", "import"), ("x", name, "5", None, None)])

    files = {("r", "a/pom.xml"): bom("a", "b"), ("r", "b/pom.xml"): bom("b", "a")}
    result = LOADER.parse(files[("r", "a/pom.xml")], Source("r", "a/pom.xml", "a/pom.xml"), StaticContext(files))
    assert any("BOM import cycle" in w.message for w in result.warnings)


def test_property_cycle_and_undefined_property() -> None:
    text = _pom("g", "a", "1", props={"a": "${b}", "b": "${a}"}, deps=[("x", "y", "${a}"), ("x", "z", "${nope}")])
    result = LOADER.parse(text, Source("r", "pom.xml", "pom.xml"))
    by = {d.package: d for d in records_of(result, Declared)}
    assert (by["pkg:maven/x/y"].range, by["pkg:maven/x/y"].unresolved) == (None, "${a}")
    assert (by["pkg:maven/x/z"].range, by["pkg:maven/x/z"].unresolved) == (None, "${nope}")
    assert any("property cycle" in w.message for w in result.warnings)


def test_property_expansion_bomb_is_capped() -> None:
    props = {f"p{i}": f"${{p{i + 1}}}${{p{i + 1}}}" for i in range(40)}
    props["p40"] = "x" * 10
    text = _pom("g", "a", "1", props=props, deps=[("x", "y", "${p0}")])
    result = LOADER.parse(text, Source("r", "pom.xml", "pom.xml"))
    assert records_of(result, Declared)[0].range is None
    assert any("over 100,000 characters" in w.message for w in result.warnings)


def test_deploy_skip_and_vendored_pom_publish_nothing() -> None:
    skip = _pom("g", "it", "1", props={"maven.deploy.skip": "true"})
    assert records_of(LOADER.parse(skip, Source("r", "it/pom.xml", "it/pom.xml")), Publishes) == []
    vendored = _pom("g", "bom", "1")
    result = LOADER.parse(vendored, Source("r", "m2/g/bom/1/bom-1.pom", "bom-1.pom"))
    assert records_of(result, Publishes) == [] and len(records_of(result, Project)) == 1


# -------------------------------------------------------------------------------------- bad input

BOMB = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    ' <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n]>\n<project>&lol2;</project>\n'
)
EXTERNAL = '<?xml version="1.0"?>\n<!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<project>&x;</project>'


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("", 1, "malformed XML"),
        ("<project>\n  <artifactId>a</artifactId>\n  <dependencies>\n", 4, "malformed XML"),
        (BOMB, 3, "XML entity expansion forbidden"),
        (EXTERNAL, 2, "XML entity expansion forbidden"),
        ("\x00\x01\x02PK\x03\x04binary", 1, "malformed XML"),
        ("<settings><localRepository/></settings>", 1, "root element is <settings>"),
        ("<project>\n<groupId>g</groupId>\n</project>", 1, "no <artifactId>"),
        ("<project><a>" * 300, 1, "nested deeper"),
        ("just text", 1, "malformed XML"),
    ],
)
def test_bad_input_is_a_parse_error_with_path_and_line(text: str, line: int, reason: str) -> None:
    with pytest.raises(ParseError) as info:
        LOADER.parse(text, Source("r", "pom.xml", "repo/pom.xml"))
    assert str(info.value).startswith(f"repo/pom.xml:{line}:")
    assert reason in info.value.reason


def test_unknown_namespace_is_a_warning() -> None:
    text = (
        '<project xmlns="http://example.com/not-maven">\n'
        "<groupId>g</groupId><artifactId>a</artifactId><version>1</version>\n</project>"
    )
    result = LOADER.parse(text, Source("r", "pom.xml", "pom.xml"))
    (warning,) = result.warnings
    assert "unknown namespace" in warning.message and str(warning).startswith("pom.xml:1:")
    assert records_of(result, Project)[0].name == "g:a"


def test_prefixed_namespace_is_read() -> None:
    text = (
        '<m:project xmlns:m="http://maven.apache.org/POM/4.0.0"><m:groupId>g</m:groupId>'
        "<m:artifactId>a</m:artifactId><m:version>1</m:version><m:dependencies><m:dependency>"
        "<m:groupId>x</m:groupId><m:artifactId>y</m:artifactId><m:version>2</m:version>"
        "</m:dependency></m:dependencies></m:project>"
    )
    result = LOADER.parse(text, Source("r", "pom.xml", "pom.xml"))
    assert [(d.package, d.range) for d in records_of(result, Declared)] == [("pkg:maven/x/y", "2")]


def test_missing_coordinates_and_versions_are_warnings() -> None:
    text = _pom(None, "a", None, deps=[("x", "y", None), ("${undefined}", "z", "1")])
    result = LOADER.parse(text, Source("r", "lib/pom.xml", "lib/pom.xml"))
    (project,) = records_of(result, Project)
    assert project.key == "r/lib#pkg:generic/lib"
    messages = " | ".join(w.message for w in result.warnings)
    assert "groupId (none) cannot be resolved" in messages
    assert "has no version and none is managed" in messages
    assert "${undefined}" in messages
    assert [d.package for d in records_of(result, Declared)] == ["pkg:maven/x/y"]


def test_fifty_megabyte_pom_is_read() -> None:
    padding = "<!--" + ("x" * 1023 + "\n") * (50 * 1024) + "-->"
    text = _pom("g", "big", "1", deps=[("x", "y", "1")]).replace("<project>", "<project>" + padding, 1)
    assert len(text) > 50_000_000
    result = LOADER.parse(text, Source("r", "pom.xml", "pom.xml"))
    (dep,) = records_of(result, Declared)
    assert dep.location.line == 50 * 1024 + 8


# ------------------------------------------------------------------------------- generated POMs


def _pom(
    group: str | None,
    artifact: str,
    version: str | None,
    *,
    parent: tuple[str, str, str, str | None] | None = None,
    props: dict[str, str] | None = None,
    deps: list[tuple[str, str, str | None]] | None = None,
    management: list[tuple[str, str, str, str | None, str | None]] | None = None,
    profiles: dict[str, tuple[dict[str, str], list[tuple[str, str, str | None]]]] | None = None,
) -> str:
    """A POM text; line 5 is the first property when there is no parent."""
    out = ["<?xml version='1.0'?>", "<project>"]
    if parent:
        g, a, v, rel = parent
        rel_xml = "" if rel is None else f"<relativePath>{rel}</relativePath>"
        out.append(
            f"<parent><groupId>{g}</groupId><artifactId>{a}</artifactId><version>{v}</version>{rel_xml}</parent>"
        )
    out.append(f"<groupId>{group}</groupId>" if group else "<!-- no groupId -->")
    out.append("<properties>")
    out += [f"<{k}>{v}</{k}>" for k, v in (props or {}).items()]
    out.append(f"</properties><artifactId>{artifact}</artifactId>")
    if version:
        out.append(f"<version>{version}</version>")
    out += _deps_xml(deps or [])
    if management:
        out.append("<dependencyManagement><dependencies>")
        for g, a, v, t, s in management:
            extra = (f"<type>{t}</type>" if t else "") + (f"<scope>{s}</scope>" if s else "")
            out.append(f"<dependency><groupId>{g}</groupId><artifactId>{a}</artifactId><version>{v}</version>{extra}")
            out.append("</dependency>")
        out.append("</dependencies></dependencyManagement>")
    if profiles:
        out.append("<profiles>")
        for pid, (pprops, pdeps) in profiles.items():
            out.append(f"<profile><id>{pid}</id><properties>")
            out += [f"<{k}>{v}</{k}>" for k, v in pprops.items()]
            out.append("</properties>")
            out += _deps_xml(pdeps)
            out.append("</profile>")
        out.append("</profiles>")
    out.append("</project>")
    return "\n".join(out) + "\n"


def _deps_xml(deps: list[tuple[str, str, str | None]]) -> list[str]:
    out = ["<dependencies>"]
    for g, a, v in deps:
        version = f"<version>{v}</version>" if v is not None else ""
        out.append(f"<dependency><groupId>{g}</groupId><artifactId>{a}</artifactId>{version}</dependency>")
    out.append("</dependencies>")
    return out


NAMES = [f"p{i}" for i in range(6)] + ["project.version", "env.HOME", "undefined"]
prop_value = st.lists(
    st.sampled_from(NAMES).map(lambda n: "${" + n + "}") | st.sampled_from(["1", ".", "-rc", "x"]), max_size=3
).map("".join)
prop_dict = st.dictionaries(st.sampled_from(NAMES[:6]), prop_value, max_size=6)


def reference(name: str, defs: dict[str, str], seen: tuple[str, ...] = ()) -> str | None:
    """The reference model of Maven interpolation: undefined, env.* and cyclic names are unresolved."""
    if name in seen or name.startswith("env.") or name not in defs:
        return None
    out = []
    for part in re.split(r"(\$\{[^}]*\})", defs[name]):
        if part.startswith("${"):
            value = reference(part[2:-1], defs, (*seen, name))
            if value is None:
                return None
            out.append(value)
        else:
            out.append(part)
    return "".join(out)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    parent_props=prop_dict,
    child_props=prop_dict,
    profile_props=prop_dict,
    versions=st.lists(prop_value | st.none(), min_size=1, max_size=4),
    use_parent=st.booleans(),
)
def test_generated_poms_interpolate_like_the_reference_model(
    parent_props, child_props, profile_props, versions, use_parent
) -> None:
    deps = [("grp", f"a{i}", v) for i, v in enumerate(versions)]
    files = {("r", "pom.xml"): _pom("grp", "parent", "7", props=parent_props)}
    child = _pom(
        "grp",
        "child",
        "1.0",
        parent=("grp", "parent", "7", None) if use_parent else None,
        props=child_props,
        deps=deps,
        profiles={"prof": (profile_props, deps)},
    )
    files[("r", "mod/pom.xml")] = child
    result = LOADER.parse(child, Source("r", "mod/pom.xml", "mod/pom.xml"), StaticContext(files))
    base = {**(parent_props if use_parent else {}), **child_props, "project.version": "1.0"}
    in_profile = {**base, **profile_props, "project.version": "1.0"}
    got = {(d.package, d.profile): d for d in records_of(result, Declared)}
    assert len(got) == 2 * len(deps)
    for i, v in enumerate(versions):
        for profile, defs in ((None, base), ("prof", in_profile)):
            d = got[(f"pkg:maven/grp/a{i}", profile)]
            if not v:  # absent or empty: no version at all (a warning)
                assert d.range is None and d.unresolved is None
                continue
            expected = reference("__v", {**defs, "__v": v}) or None  # interpolated to "": no version
            assert d.range == expected
            assert (d.unresolved is None) == (expected is not None)
            if d.unresolved is not None:
                assert d.unresolved == v
            assert d.range is None or "${" not in d.range


xml_fragment = st.sampled_from(
    [
        "<project>",
        "</project>",
        "<dependency>",
        "</dependency>",
        "<dependencies>",
        "</dependencies>",
        "<groupId>g</groupId>",
        "<artifactId>a</artifactId>",
        "<version>${v}</version>",
        "<parent><groupId>g</groupId><artifactId>a</artifactId><version>1</version></parent>",
        "<properties><v>${v}</v></properties>",
        "<scope>weird</scope>",
        "<optional>true</optional>",
        "<profiles><profile><id>p</id>",
        "</profile></profiles>",
        "<dependencyManagement>",
        "</dependencyManagement>",
        "&amp;",
        "<!-- c -->",
        "\n",
    ]
) | st.text(max_size=5)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(xml_fragment, max_size=30))
def test_fuzz_never_crashes(parts) -> None:
    text = "".join(parts)
    ctx = StaticContext({("r", "pom.xml"): text, ("r", "m/pom.xml"): text})
    try:
        result = LOADER.parse(text, Source("r", "m/pom.xml", "m/pom.xml"), ctx)
    except ParseError as exc:
        assert str(exc).startswith("m/pom.xml:")
        return
    assert len(records_of(result, Project)) == 1
    for d in records_of(result, Declared):
        assert d.range is None or "${" not in d.range


# ------------------------------------------------------------------------------------------ corpus


@pytest.fixture(scope="module")
def corpus_dir() -> Path:
    """The shared corpus (module-scoped twin of the ``corpus`` fixture), or skip."""
    if not (CORPUS / "INDEX.md").exists():
        pytest.skip(f"the shared corpus is not at {CORPUS}")
    return CORPUS


@pytest.fixture(scope="module")
def struts(corpus_dir: Path) -> dict[str, object]:
    return load_tree(corpus_dir / "apache__struts", "struts")


@pytest.fixture(scope="module")
def shiro(corpus_dir: Path) -> dict[str, object]:
    return load_tree(corpus_dir / "apache__shiro", "shiro")


@pytest.mark.corpus
def test_every_corpus_pom_loads_without_warnings(corpus_dir: Path) -> None:
    # Accepted warnings: none. (Undefined properties and external parents/BOMs are not warnings but
    # ``unresolved`` values; the corpus has no unknown scope, no versionless unmanaged dependency.)
    poms = sorted(corpus_dir.glob("*/**/pom.xml"))
    assert len(poms) == 91
    for repo_dir in sorted({p.relative_to(corpus_dir).parts[0] for p in poms}):
        for path, result in load_tree(corpus_dir / repo_dir, repo_dir).items():
            assert result.warnings == [], (repo_dir, path)
            assert len(records_of(result, Project)) == 1


@pytest.mark.corpus
def test_struts_poms_and_the_showcase_project(struts) -> None:
    # INDEX.md says "32 pom.xml"; the corpus holds 32 struts files of which 29 are POMs (the other
    # three: .github/dependabot.yml, .mvn/wrapper/maven-wrapper.properties, CODEOWNERS).
    assert len(struts) == 29
    (showcase,) = records_of(struts["apps/showcase/pom.xml"], Project)
    assert (showcase.kind, showcase.version) == ("application", "7.4.0-SNAPSHOT")
    assert showcase.key == "struts/apps/showcase#pkg:maven/org.apache.struts/struts2-showcase"


@pytest.mark.corpus
def test_struts_showcase_log4j_core_comes_from_the_external_log4j_bom(struts, corpus_dir: Path) -> None:
    # The truth: apps/showcase -> apps -> parent (imports org.apache.logging.log4j:log4j-bom:${log4j2.version})
    # -> bom -> root (<log4j2.version>2.26.1). log4j-bom is not in the corpus; a project BOM manages its
    # own group's artifacts at its own version, so 2.26.1 is inferred, and the record says so.
    root_text = (corpus_dir / "apache__struts/pom.xml").read_text()
    (core,) = declared(struts["apps/showcase/pom.xml"], LOG4J_CORE)
    assert core.range == "2.26.1"
    assert core.unresolved == (
        "inferred: managed by external BOM org.apache.logging.log4j:log4j-bom:2.26.1 (its own group at its version)"
    )
    assert core.version_location == Location("pom.xml", line_of(root_text, "<log4j2.version>"))
    assert (core.scope, core.raw_scope) == ("runtime", "compile")
    parent_text = (corpus_dir / "apache__struts/parent/pom.xml").read_text()
    (bom,) = [
        c
        for c in records_of(struts["parent/pom.xml"], Constrains)
        if c.mechanism == "bom-import" and "log4j-bom" in c.package
    ]
    assert (bom.package, bom.range) == ("pkg:maven/org.apache.logging.log4j/log4j-bom", "2.26.1")
    assert parent_text.splitlines()[bom.location.line - 1].strip() == "<artifactId>log4j-bom</artifactId>"


@pytest.mark.corpus
def test_struts_core_log4j_scopes(struts) -> None:
    (api,) = declared(struts["core/pom.xml"], LOG4J_API)
    assert (api.scope, api.raw_scope) == ("runtime", "compile")
    (core,) = declared(struts["core/pom.xml"], LOG4J_CORE)
    assert (core.scope, core.raw_scope) == ("test", "test")


def _shiro_expected_log4j_core(root: Path) -> dict[str, str]:
    """Independently: each module's <dependencies> entry for log4j-core, with the scope the root manages."""
    ns = {"m": "http://maven.apache.org/POM/4.0.0"}
    top = SafeET.parse(root / "pom.xml").getroot()
    managed_scope = None
    for dep in top.findall("m:dependencyManagement/m:dependencies/m:dependency", ns):
        if dep.findtext("m:artifactId", namespaces=ns) == "log4j-core":
            managed_scope = dep.findtext("m:scope", default="compile", namespaces=ns)
    out = {}
    for pom in sorted(root.rglob("pom.xml")):
        doc = SafeET.parse(pom).getroot()
        for dep in doc.findall("m:dependencies/m:dependency", ns):
            if dep.findtext("m:artifactId", namespaces=ns) == "log4j-core":
                out[pom.relative_to(root).as_posix()] = dep.findtext("m:scope", default=managed_scope, namespaces=ns)
    return out


@pytest.mark.corpus
def test_shiro_log4j_core_scope_in_every_module(shiro, corpus_dir: Path) -> None:
    expected = _shiro_expected_log4j_core(corpus_dir / "apache__shiro")
    assert len(expected) >= 20
    got = {}
    for path, result in shiro.items():
        for d in declared(result, LOG4J_CORE):
            got[path] = d.raw_scope
            assert d.range == "2.26.1", path
    assert got == expected
    assert {p for p, s in got.items() if s == "compile"} == {"tools/hasher/pom.xml", "samples/web/pom.xml"}


@pytest.mark.corpus
def test_shiro_root_managed_log4j_versions_reach_every_child(shiro, corpus_dir: Path) -> None:
    root_text = (corpus_dir / "apache__shiro/pom.xml").read_text()
    where = Location("pom.xml", line_of(root_text, "<log4j.version>"))
    log4j = [
        d
        for r in shiro.values()
        for d in records_of(r, Declared)
        if d.package.startswith("pkg:maven/org.apache.logging.log4j/")
    ]
    assert len(log4j) > 30
    assert {(d.range, d.version_location) for d in log4j} == {("2.26.1", where)}
    managed = {c.package for c in records_of(shiro["pom.xml"], Constrains) if c.range == "2.26.1"}
    assert {LOG4J_API, LOG4J_CORE, "pkg:maven/org.apache.logging.log4j/log4j-slf4j2-impl"} <= managed


@pytest.mark.corpus
def test_shiro_hasher_is_a_published_bundle(shiro) -> None:
    (project,) = records_of(shiro["tools/hasher/pom.xml"], Project)
    assert project.kind == "library"
    assert records_of(shiro["tools/hasher/pom.xml"], Publishes)
    assert records_of(shiro["integration-tests/pom.xml"], Publishes) == []  # maven.deploy.skip=true


def test_jib_and_spring_boot_images_are_built_in_the_module_directory() -> None:
    from planner.model import Image, ImageBuild

    path = FIXTURES / "maven" / "jib" / "pom.xml"
    result = MavenPomLoader().parse(path.read_text(), Source("r", "svc/pom.xml", str(path)))
    images = sorted(r.key for r in result.records if isinstance(r, Image))
    assert images == ["docker.io/library/payments:3.1.0", "registry.example.com/team/payments:3.1.0"]
    builds = sorted((b.image, b.repo, b.path, b.location.line) for b in result.records if isinstance(b, ImageBuild))
    assert builds == [
        ("docker.io/library/payments:3.1.0", "r", "svc", 22),  # the <plugin> (no <name>: the default)
        ("registry.example.com/team/payments:3.1.0", "r", "svc", 18),  # <to><image>
    ]
    assert result.warnings == []
