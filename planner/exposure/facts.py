"""The facts an exposure assessment is decided from, read from the store in one place.

:func:`read_facts` is the only function of the assessment that queries the graph for verdicts (the
decoration with services and owners, :mod:`planner.exposure.decorate`, is a later step). Everything it
returns is typed and immutable, so :func:`planner.exposure.rules.assess` can be run on facts written by
hand. Per affected package, through the existing catalog queries:

* the projects that reach the package (:func:`planner.dependents.find_dependents`, breadth-first);
* what each one resolves (``list_resolutions``) and declares (``list_declarations``);
* the first-party links among those projects (``list_project_links``);
* every advisory the graph knows for the package (``list_package_advisories``, for follow-up fixes).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from planner import followups
from planner.dependents import Dependent, find_dependents
from planner.exposure.report import AffectedPackage
from planner.followups import KnownAdvisory
from planner.store.base import PlainParam, Store


@dataclass(frozen=True, slots=True)
class Resolution:
    """A project resolves a version of the package (lockfile, resolved tree, SBOM)."""

    project: str
    version: str
    scope: str | None = None
    depth: int | None = None
    file: str | None = None
    line: int | None = None
    chain: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Declaration:
    """A project declares the package in a manifest: ``range`` as written (None when it cannot be
    resolved statically: then ``unresolved`` says what was written)."""

    project: str
    range: str | None = None
    unresolved: str | None = None
    scope: str | None = None
    optional: bool = False
    file: str | None = None
    line: int | None = None
    version_file: str | None = None
    version_line: int | None = None
    version_repo: str | None = None  # the repository of version_file when not the project's (a parent POM's)
    version_property: str | None = None


@dataclass(frozen=True, slots=True)
class ProjectLink:
    """A consumer project depends directly on a provider project: through the package the provider
    publishes (``via`` declares | resolves) or a workspace/path link (``via`` project)."""

    consumer: str
    provider: str
    via: str
    package: str | None = None
    scope: str | None = None
    optional: bool = False
    spec: str | None = None
    file: str | None = None
    line: int | None = None
    exclusions: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """The report's ``links`` form (consumer -> provider edges for the planner)."""
        return {
            "consumer": self.consumer,
            "provider": self.provider,
            "package": self.package,
            "via": self.via,
            "scope": self.scope,
            "spec": self.spec,
            "file": self.file,
            "line": self.line,
        }


@dataclass(frozen=True, slots=True)
class PackageFacts:
    """Everything the graph says about one affected package and the projects that reach it."""

    package: str
    dependents: tuple[Dependent, ...] = ()  # breadth-first: each with its shortest path
    resolutions: tuple[Resolution, ...] = ()
    declarations: tuple[Declaration, ...] = ()
    links: tuple[ProjectLink, ...] = ()
    known_advisories: tuple[KnownAdvisory, ...] = ()


@dataclass(frozen=True, slots=True)
class ExposureFacts:
    """The facts per affected package (versionless purl)."""

    packages: Mapping[str, PackageFacts] = field(default_factory=dict)

    def of(self, package: str) -> PackageFacts:
        """The facts about one package (none when the graph does not know it)."""
        return self.packages.get(package) or PackageFacts(package)


def read_facts(store: Store, affected: Iterable[AffectedPackage]) -> ExposureFacts:
    """Read the facts about every affected package from the store."""
    out: dict[str, PackageFacts] = {}
    for target in affected:
        if target.package not in out:
            out[target.package] = read_package_facts(store, target.package)
    return ExposureFacts(out)


def read_package_facts(store: Store, package: str) -> PackageFacts:
    """Read the facts about one package (nothing but the package when no project reaches it)."""
    deps = find_dependents(store, package)
    if not deps.found:
        return PackageFacts(package)
    keys = PlainParam(sorted({d.project for d in deps.dependents}))  # strings only: the store may render it faster
    return PackageFacts(
        package=package,
        dependents=tuple(deps.dependents),
        resolutions=tuple(_resolution(r) for r in store.query("list_resolutions", {"package": package})),
        declarations=tuple(_declaration(r) for r in store.query("list_declarations", {"package": package})),
        links=tuple(_link(r) for r in store.query("list_project_links", {"keys": keys})),
        known_advisories=tuple(followups.known_advisories(store, package)),
    )


def _resolution(row: Mapping[str, Any]) -> Resolution:
    return Resolution(
        project=row["project"],
        version=str(row["version"]),
        scope=row.get("scope"),
        depth=row.get("depth"),
        file=row.get("file"),
        line=row.get("line"),
        chain=tuple(str(c) for c in row.get("chain") or ()),
    )


def _declaration(row: Mapping[str, Any]) -> Declaration:
    return Declaration(
        project=row["project"],
        range=row.get("range"),
        unresolved=row.get("unresolved"),
        scope=row.get("scope"),
        optional=bool(row.get("optional")),
        file=row.get("file"),
        line=row.get("line"),
        version_file=row.get("version_file"),
        version_line=row.get("version_line"),
        version_repo=row.get("version_repo"),
        version_property=row.get("version_property"),
    )


def _link(row: Mapping[str, Any]) -> ProjectLink:
    return ProjectLink(
        consumer=row["consumer"],
        provider=row["provider"],
        via=row.get("via") or "",
        package=row.get("package"),
        scope=row.get("scope"),
        optional=bool(row.get("optional")),
        spec=row.get("spec"),
        file=row.get("file"),
        line=row.get("line"),
        exclusions=tuple(row.get("exclusions") or ()),
    )
