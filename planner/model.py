"""Backend-neutral records: what loaders emit and what stores load.

Every record is a frozen dataclass. Packages and versions are keyed by normalised purls
(:mod:`planner.purl`); a project is keyed by where it lives (repo, directory) and what it is
(its versionless purl), see :func:`project_key`. ``docs/model.md`` documents the graph these
records become.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import dataclass, field

# defined in small modules that read commands import without these records; still importable from here
from planner.environments import DEFAULT_ENVIRONMENT  # noqa: F401
from planner.locations import location_text, path_line  # noqa: F401
from planner.scopes import NON_RUNTIME_SCOPES, SCOPES  # noqa: F401


@dataclass(frozen=True, slots=True)
class Source:
    """Where a file lives: its repository, its path inside it, and how to show it to a user."""

    repo: str
    path: str  # repo-relative, POSIX separators
    display: str  # the path as the user gave or sees it, used in ``path:line`` messages
    #: the source's identity in the graph, ``repo:path``: made once (a load asks for it per record)
    key: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", f"{self.repo}:{self.path}")

    @property
    def directory(self) -> str:
        """The repo-relative directory of the file, ``.`` for the repository root."""
        return posixpath.dirname(self.path) or "."


@dataclass(frozen=True, slots=True)
class Location:
    """A ``file:line`` inside a repository."""

    path: str
    line: int | None = None
    #: the repository holding ``path`` when it is not the one of the file that names the location (a
    #: property set by a parent POM released from another repository); None for the same repository
    repo: str | None = None

    def __str__(self) -> str:
        return path_line(self.path, self.line)


@dataclass(frozen=True, slots=True)
class ParseWarning:
    """Something a loader could not use; rendered as ``path:line: message``."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line if self.line is not None else 0}: {self.message}"


def project_key(repo: str, directory: str, package: str) -> str:
    """The key of a project: ``repo/dir#versionless-purl``.

    Two files in the same directory describing the same package (a ``pom.xml`` and the SBOM
    built from it) are one project; the same name in two repositories is two projects.
    """
    directory = directory.strip("/") or "."
    return f"{repo}/{directory}#{package}"


@dataclass(frozen=True, slots=True)
class Project:
    """A build unit: a Maven module, a Gradle subproject, an npm/Python/Go/Cargo package."""

    key: str
    name: str
    ecosystem: str  # purl type: maven, npm, pypi, golang, cargo, generic ...
    repo: str
    path: str  # repo-relative directory
    manifest: str  # repo-relative path of the file that defines it
    purl: str | None = None  # its own coordinates, versioned when known
    version: str | None = None
    kind: str = "unknown"  # library | application | service | test | unknown


@dataclass(frozen=True, slots=True)
class Declared:
    """``(:Project)-[:DECLARES]->(:Package)``: a direct dependency as written in a manifest."""

    project: str  # Project.key
    package: str  # versionless purl
    range: str | None  # the requirement as written (``2.14.1``, ``^4.17.15``, ``[2.15,)``), None if absent
    scope: str = "runtime"
    raw_scope: str | None = None
    optional: bool = False
    location: Location | None = None
    version_location: Location | None = None  # where the effective version is set, when elsewhere
    profile: str | None = None  # the condition it is only active under: a Maven profile id, a PEP 508 marker
    unresolved: str | None = None  # the expression that could not be resolved statically (``${x}``, code)
    exclusions: tuple[str, ...] = ()  # transitive dependencies cut off below this one (``group:artifact``)
    version_property: str | None = None  # the property defined at ``version_location`` (``log4j2.version``)


@dataclass(frozen=True, slots=True)
class Constrains:
    """``(:Project)-[:CONSTRAINS]->(:Package)``: the project pins or overrides a version it may not
    declare itself (Maven ``dependencyManagement``, Gradle ``constraints``, npm ``overrides``, Yarn
    ``resolutions``, pnpm ``overrides``, pip ``-c`` files, Cargo ``[patch]``, Go ``replace``)."""

    project: str
    package: str
    range: str | None
    mechanism: str  # dependency-management | bom-import | gradle-constraint | npm-override | ...
    location: Location | None = None
    version_location: Location | None = None
    unresolved: str | None = None
    profile: str | None = None
    #: an override that applies only to some versions or under some parent: its selector as written
    #: (pnpm ``rollup@>=4.0.0 <4.22.4``, ``foo@1>bar``); None when it applies to every use of the package
    selector: str | None = None


@dataclass(frozen=True, slots=True)
class ProjectDependency:
    """``(:Project)-[:USES_PROJECT]->(:Project)``: a workspace/monorepo/path link between build units.

    The target is keyed like any project (:func:`project_key`); it need not be loaded yet.
    """

    project: str
    target: str
    spec: str | None = None  # as written: ``workspace:^``, ``file:../x``, ``project(':core')``, a path
    scope: str = "runtime"
    raw_scope: str | None = None
    location: Location | None = None


@dataclass(frozen=True, slots=True)
class Resolved:
    """``(:Project)-[:RESOLVES]->(:Version)``: what a lockfile, tree or SBOM pins."""

    project: str
    version: str  # versioned purl
    scope: str = "runtime"
    raw_scope: str | None = None
    depth: int | None = None  # 1 = direct, None = unknown
    path: tuple[str, ...] = ()  # versioned purls from the direct dependency down to this one
    location: Location | None = None
    hashes: tuple[str, ...] = ()  # the artifact's digests as the lockfile gives them, ``alg:hex`` (planner.hashes)


@dataclass(frozen=True, slots=True)
class VersionDependency:
    """``(:Version)-[:DEPENDS_ON]->(:Package)``: dependency metadata of a package version."""

    version: str  # versioned purl of the dependent
    package: str  # versionless purl of the dependency
    range: str | None = None
    resolved: str | None = None  # the version a resolution picked, when the source says
    scope: str = "runtime"


@dataclass(frozen=True, slots=True)
class Publishes:
    """``(:Package)-[:PUBLISHED_BY]->(:Project)``: the project builds and publishes the package."""

    project: str
    package: str


@dataclass(frozen=True, slots=True)
class Image:
    """A container image, keyed by its normalised reference."""

    key: str
    repository: str
    tag: str | None = None
    digest: str | None = None


@dataclass(frozen=True, slots=True)
class BuiltFrom:
    """``(:Image)-[:BUILT_FROM]->(:Project)`` when the loader knows the project's key."""

    image: str
    project: str
    location: Location | None = None


@dataclass(frozen=True, slots=True)
class ImageBuild:
    """``(:Image)-[:BUILT_IN]->(:Repo)``: the image is built from a directory of a repository.

    Deploy loaders know where an image is built (a Dockerfile's context, a Skaffold artifact, a
    Jib plugin) but not the key of the project living there; after each ingest the linker
    (:mod:`planner.link`) turns this into ``BUILT_FROM`` edges to the projects in ``path``.
    """

    image: str
    repo: str
    path: str  # repo-relative build context directory
    dockerfile: str | None = None  # repo-relative
    target: str | None = None  # build stage
    location: Location | None = None


@dataclass(frozen=True, slots=True)
class Service:
    """A deployed workload in one environment (keyed ``environment/name``)."""

    key: str
    name: str
    namespace: str | None = None
    environment: str | None = None
    workload: str | None = None  # Deployment, StatefulSet, CronJob, compose service ...


@dataclass(frozen=True, slots=True)
class Runs:
    """``(:Service)-[:RUNS]->(:Image)``."""

    service: str
    image: str
    location: Location | None = None
    container: str | None = None
    origin: str = "manifest"  # manifest | inventory (what is really running outranks manifests)


@dataclass(frozen=True, slots=True)
class Environment:
    """Where services run: ``prod``, ``staging``, a cluster name."""

    key: str
    name: str


@dataclass(frozen=True, slots=True)
class DeployedIn:
    """``(:Service)-[:IN]->(:Environment)``."""

    service: str
    environment: str
    location: Location | None = None


@dataclass(frozen=True, slots=True)
class Owner:
    """A team or person that owns code or services."""

    key: str
    name: str
    kind: str = "team"  # team | user | email | group


@dataclass(frozen=True, slots=True)
class OwnershipRule:
    """``(:Owner)-[:OWNS_PATH]->(:Repo)``: a CODEOWNERS/OWNERS rule; the linker applies it to projects."""

    owner: str
    repo: str
    pattern: str
    order: int  # position in the file: for CODEOWNERS the last matching rule wins
    section: str | None = None
    location: Location | None = None


@dataclass(frozen=True, slots=True)
class Owns:
    """``(:Owner)-[:OWNS]->(:Repo|:Project|:Service)``."""

    owner: str
    target_label: str  # Repo | Project | Service
    target: str
    rule: str | None = None
    location: Location | None = None


@dataclass(frozen=True, slots=True)
class Advisory:
    """A security advisory (OSV id)."""

    key: str
    summary: str | None = None
    aliases: tuple[str, ...] = ()
    published: str | None = None
    modified: str | None = None
    withdrawn: str | None = None


@dataclass(frozen=True, slots=True)
class Affects:
    """``(:Advisory)-[:AFFECTS]->(:Package)`` with the affected ranges as OSV JSON text."""

    advisory: str
    package: str
    ranges: str
    fixed: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SourceScan:
    """What a source scan read from one code file, stored on its own ``SourceFile`` node.

    ``scan`` is the scan as compact JSON (:mod:`planner.reachability.scan_codec`): imports, call
    sites, declared types. After each ingest the files are given to the projects whose directories
    hold them and their calls become ``(:Project)-[:CALLS]->(:Symbol)`` edges
    (:mod:`planner.reachability.calls`).
    """

    language: str
    scope: str  # main | test
    namespace: str | None
    scan: str
    skipped: str | None = None


Record = (
    Project
    | Declared
    | Constrains
    | ProjectDependency
    | Resolved
    | VersionDependency
    | Publishes
    | Image
    | BuiltFrom
    | ImageBuild
    | Service
    | Runs
    | Environment
    | DeployedIn
    | Owner
    | OwnershipRule
    | Owns
    | Advisory
    | Affects
    | SourceScan
)


@dataclass(slots=True)
class ParseResult:
    """What a loader returns: records plus warnings about what it skipped."""

    records: list[Record] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)

    def extend(self, records: Iterable[Record]) -> None:
        """Append records."""
        self.records.extend(records)
