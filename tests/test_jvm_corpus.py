"""Issue acceptance: `dependents log4j-core` over the JVM part of the corpus finds every module that
declares or resolves it, with its scope and the declaring file:line."""

from __future__ import annotations

from pathlib import Path

import pytest
from defusedxml import ElementTree as SafeET

from planner.dependents import find_dependents
from planner.ingest import ingest

LOG4J = "pkg:maven/org.apache.logging.log4j/log4j-core"
JVM = ["apache__struts", "apache__shiro", "GoogleCloudDataproc__hadoop-connectors", "android__nowinandroid"]
NS = "{http://maven.apache.org/POM/4.0.0}"


def _declaring_modules(repo: Path) -> set[str]:
    """Independently: directories whose pom.xml lists log4j-core under <dependencies> (profiles too)."""
    out = set()
    for pom in repo.rglob("pom.xml"):
        root = SafeET.parse(pom).getroot()
        for deps in root.iter(f"{NS}dependencies"):
            parent = next((p for p in root.iter() if deps in list(p)), None)
            if parent is not None and parent.tag == f"{NS}dependencyManagement":
                continue
            if any(d.findtext(f"{NS}artifactId") == "log4j-core" for d in deps.findall(f"{NS}dependency")):
                out.add(pom.parent.relative_to(repo).as_posix() or ".")
    return out


@pytest.mark.corpus
def test_log4j_core_dependents_over_the_jvm_corpus(store, corpus: Path) -> None:
    roots = {name: corpus / name for name in JVM}
    roots["adservice"] = corpus / "GoogleCloudPlatform__microservices-demo/src/adservice"
    report = ingest(store, list(roots.values()))
    assert not report.errors
    result = find_dependents(store, LOG4J)
    declares = {
        (d.repo, d.project.split("#")[0].split("/", 1)[1]) for d in result.dependents if d.relation == "declares"
    }
    for name in JVM[:2]:
        expected = {(name, m) for m in _declaring_modules(corpus / name)}
        assert expected and expected <= declares, sorted(expected - declares)
    for d in result.dependents:
        assert d.scope in ("runtime", "test", "provided", "optional")
        if d.relation == "declares":
            file, _, line = d.location.rpartition(":")
            text = (roots[d.repo] / file).read_text().splitlines()[int(line) - 1]
            assert "<dependency>" in text or "log4j" in text, (d.location, text)
    shiro = {d.project.split("#")[0].split("/", 1)[1]: d.scope for d in result.dependents if d.repo == "apache__shiro"}
    assert shiro["tools/hasher"] == "runtime" and shiro["samples/web"] == "runtime"  # the compile-scope users
    adservice = [d for d in result.dependents if d.name == "adservice:hipstershop" or "adservice" in d.project]
    assert adservice and adservice[0].location.startswith("build.gradle:")
