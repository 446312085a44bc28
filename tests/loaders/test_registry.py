"""Which loader reads a file: precedence from the loaders' declarations, never registration order."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from loaders import registry
from loaders.base import Loader, Precedence
from loaders.registry import LOADERS, AmbiguousLoaders, choose, contenders, loader_for
from tests.conftest import CORPUS, EXAMPLES

#: the registry's order before precedence replaced it (the first loader whose ``matches`` accepted a
#: file read it); kept here, frozen, to compare today's choices with that rule
FIRST_MATCH_ORDER = (
    "spdx-json", "cyclonedx-json", "cyclonedx-xml", "spdx-tagvalue", "maven-pom", "maven-dependency-tree",
    "osv-json", "npm-package-json", "npm-lock", "yarn-lock", "pnpm-lock", "pyproject-toml", "poetry-lock",
    "uv-lock", "pdm-lock", "pipfile", "pipfile-lock", "pip-requirements", "gradle-settings", "gradle-build",
    "gradle-catalog", "gradle-lockfile", "gradle-deps-text", "go-mod", "go-work", "go-sum", "cargo-toml",
    "cargo-lock", "dotnet-project", "nuget-lock", "helm", "kustomize", "skaffold", "compose", "kubectl-dump",
    "backstage", "k8s-manifest", "dockerfile", "codeowners", "k8s-owners", "source",
)  # fmt: skip
BY_NAME = {loader.name: loader for loader in LOADERS}

#: files whose loader changed when precedence replaced the first match: (path, before, now); the
#: reason is the precedence rule (an exact name or a name pattern beats a directory rule)
CHANGED = (
    # a file named for its format inside a chart's templates/ (before: rendered as a Helm template)
    ("chart/templates/kustomization.yaml", "helm", "kustomize"),
    ("chart/templates/docker-compose.yml", "helm", "compose"),
    ("chart/templates/skaffold.yaml", "helm", "skaffold"),
    ("chart/templates/catalog-info.yaml", "helm", "backstage"),
    # a Backstage descriptor under inventory/ (before: read as a kubectl dump)
    ("k8s/inventory/catalog-info.yaml", "kubectl-dump", "backstage"),
    # a Gradle dependency report inside requirements/ (before: read as a requirements file)
    ("requirements/gradle-dependencies.txt", "pip-requirements", "gradle-deps-text"),
    # a named file inside a versioned SPDX directory (before: read as SPDX JSON)
    ("SPDX2.3/packages.lock.json", "spdx-json", "nuget-lock"),
    ("SPDX2.3/npm-shrinkwrap.json", "spdx-json", "npm-lock"),
    ("SPDX2.3/GHSA-2222-3333-4444.json", "spdx-json", "osv-json"),
    ("SPDX2.3/app-bom.json", "spdx-json", "cyclonedx-json"),
    ("SPDX2.3/kubectl-pods.json", "spdx-json", "kubectl-dump"),
)

#: files two loaders claim at the same precedence, and who reads them (see ``TIE_BREAKS``)
TIES = (
    ("bom.spdx.json", "spdx-json"),
    ("deploy/chart/templates/deployment.yaml", "helm"),
    ("inventory/chart/templates/deployment.yaml", "helm"),
    ("deploy/inventory/pods.yaml", "kubectl-dump"),
    ("GO-2024-1234-bom.json", "cyclonedx-json"),
    ("kubectl-bom.json", "cyclonedx-json"),
)

#: directories that bring a directory rule into play, for the generated paths below
_DIRS = (
    "", "templates/", "deploy/", "deploy/chart/templates/", "inventory/", "k8s/inventory/", "requirements/",
    "SPDX2.3/", "dependencies/", "gradle/dependency-locks/", "osv/", "advisories/", "node_modules/x/",
    "META-INF/maven/g/a/", "inventory/templates/",
)  # fmt: skip
_PLAIN = (
    "x.yaml", "x.yml", "x.json", "x.txt", "x.in", "compileClasspath.txt", "x.lockfile", "CVE-2021-1234.json",
    "x.py", "x.kts", "x.java", "x.go", "x.ts", "Chart.yaml", "values.yaml", "README.txt",
)  # fmt: skip


def _first_match(path: str) -> str | None:
    return next((name for name in FIRST_MATCH_ORDER if BY_NAME[name].matches(path)), None)


def _declared_names() -> set[str]:
    """Every declared file name, and each declared pattern filled in three ways."""
    names = set(_PLAIN)
    for loader in LOADERS:
        names |= loader.file_names
        for glob in loader.file_globs:
            for fill in ("x", "app-x", "bom"):
                names.add(glob.replace("*", fill).replace("[-._]", "-").replace("y*ml", "yaml"))
    return names


def _tree_paths(root: Path) -> set[str]:
    """Each file under ``root`` relative to it, and relative to its repository (first component)."""
    out: set[str] = set()
    for dirpath, _, files in os.walk(root):
        for name in files:
            parts = (Path(dirpath) / name).relative_to(root).parts
            out.add("/".join(parts))
            if len(parts) > 1:
                out.add("/".join(parts[1:]))
    return out


def _sample_paths() -> list[str]:
    paths = {d + name for d in _DIRS for name in _declared_names()} | _tree_paths(EXAMPLES)
    paths |= {path for path, _, _ in CHANGED} | {path for path, _ in TIES}
    if (CORPUS / "INDEX.md").exists():
        paths |= _tree_paths(CORPUS)
    return sorted(paths)


SAMPLE = _sample_paths()


def test_registry_and_first_match_order_list_the_same_loaders() -> None:
    assert sorted(BY_NAME) == sorted(FIRST_MATCH_ORDER)
    assert len(BY_NAME) == len(LOADERS)


def test_the_choice_does_not_depend_on_registration_order() -> None:
    expected = {path: choose(path, LOADERS) for path in SAMPLE}
    rng = random.Random(14)
    for _ in range(10):
        shuffled = list(LOADERS)
        rng.shuffle(shuffled)
        assert {path: choose(path, shuffled) for path in SAMPLE} == expected


def test_no_sample_file_is_left_to_the_last_resort() -> None:
    for path in SAMPLE:
        choose(path, LOADERS, strict=True)  # raises AmbiguousLoaders on an open tie


def test_the_choice_is_todays_except_the_named_changes() -> None:
    """Each named change holds, and every other difference from the first match is one of the same
    kind (the same two loaders: a generated variant of a named path)."""
    for path, before, now in CHANGED:
        assert (_first_match(path), loader_for(path).name) == (before, now), path
    kinds = {(before, now) for _, before, now in CHANGED}
    for path in SAMPLE:
        chosen = loader_for(path)
        pair = (_first_match(path), chosen.name if chosen else None)
        assert pair[0] == pair[1] or pair in kinds, (path, pair)


@pytest.mark.parametrize(("path", "winner"), TIES)
def test_ties_are_broken_as_stated(path: str, winner: str) -> None:
    claims = {loader.name: loader.claim(path) for loader in LOADERS if loader.claim(path) is not None}
    assert len(claims) >= 2 and len(set(claims.values())) == 1, claims  # really a tie
    assert [x.name for x in contenders(path, LOADERS)] == [winner]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("pom.xml", Precedence.FILE_NAME),
        ("deploy/pnpm-lock.yaml", Precedence.FILE_NAME),
        ("app/App.csproj", Precedence.FILE_GLOB),
        ("docker-compose.prod.yml", Precedence.FILE_GLOB),
        ("k8s/deployment.yaml", Precedence.LOCATION),
        ("requirements/base.txt", Precedence.LOCATION),
        ("src/main.py", Precedence.SOURCE_CODE),
    ],
)
def test_the_strongest_claim_is_the_declared_one(path: str, expected: Precedence) -> None:
    assert max(c for loader in LOADERS if (c := loader.claim(path)) is not None) is expected


def test_every_loader_keeps_to_its_declarations() -> None:
    """A loader that declares no ``other_files`` accepts only the names and patterns it lists, and
    accepts each name it lists (at the top of a repository)."""
    for loader in LOADERS:
        for name in loader.file_names:
            assert loader.matches(name) or loader.matches(name.lower()), (loader.name, name)
        if loader.other_files is None:
            for path in SAMPLE:
                if loader.matches(path):
                    assert loader.claim(path) in (Precedence.FILE_NAME, Precedence.FILE_GLOB), (loader.name, path)


def test_an_open_tie_raises_only_when_strict() -> None:
    class Twin(Loader):
        name = "a-twin"
        file_names = frozenset({"pom.xml"})

        def matches(self, path: str) -> bool:
            return path.endswith("pom.xml")

        def parse(self, text, source, context=None):  # type: ignore[no-untyped-def]
            raise AssertionError("never parsed")

    loaders = (*LOADERS, Twin())
    assert choose("pom.xml", loaders).name == "a-twin"  # first by name
    assert choose("pom.xml", loaders[::-1]).name == "a-twin"
    with pytest.raises(AmbiguousLoaders, match=r"pom\.xml: claimed by a-twin, maven-pom"):
        choose("pom.xml", loaders, strict=True)


def test_no_loader_and_no_scan() -> None:
    assert loader_for("notes.md") is None
    assert loader_for("src/main.py").name == "source"
    assert loader_for("src/main.py", scan=False) is None
    assert registry.loader_for("build.gradle.kts").name == "gradle-build"
