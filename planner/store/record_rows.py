"""One row function per loader record type: what each record adds to a :class:`~planner.store.rows.GraphBatch`.

Each function takes the batch, the record and the source that stated it. The relationship set a
function writes to is named in ``planner/store/relationships.py`` (its ``record`` field), which a test
checks against ``ROW_WRITERS``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from planner.model import (
    Advisory,
    Affects,
    BuiltFrom,
    Constrains,
    Declared,
    DeployedIn,
    Environment,
    Image,
    ImageBuild,
    Location,
    Owner,
    OwnershipRule,
    Owns,
    Project,
    ProjectDependency,
    Publishes,
    Resolved,
    Runs,
    Service,
    Source,
    SourceScan,
    VersionDependency,
)
from planner.store.statements import END, FIELD, LIST, START, field

if TYPE_CHECKING:
    from planner.store.rows import GraphBatch


def location(loc: Location | None, prefix: str) -> dict[str, Any]:
    """``file``/``line`` properties of a location (``prefix`` before each), none when unknown."""
    if loc is None:
        return {}
    return {f"{prefix}file": loc.path, f"{prefix}line": loc.line}


def project(b: GraphBatch, rec: Project, src: Source) -> None:
    """A Project node, its Repo, and CONTAINS and DESCRIBES."""
    b.node(
        "Project",
        rec.key,
        {
            "name": rec.name,
            "ecosystem": rec.ecosystem,
            "repo": rec.repo,
            "path": rec.path,
            "manifest": rec.manifest,
            "purl": rec.purl,
            "version": rec.version,
            "kind": rec.kind,
        },
    )
    b.node("Repo", rec.repo, {"name": rec.repo})
    b.edge("contains", rec.repo, rec.key, src, {})
    b.edge("describes", src.key, rec.key, src, {})


def declared(b: GraphBatch, rec: Declared, src: Source) -> None:
    """DECLARES to the package."""
    props = {
        "range": rec.range,
        "scope": rec.scope,
        "raw_scope": rec.raw_scope,
        "optional": rec.optional,
        **location(rec.location, ""),
        **location(rec.version_location, "version_"),
        "version_repo": rec.version_location.repo if rec.version_location else None,
        "profile": rec.profile,
        "unresolved": rec.unresolved,
        "exclusions": list(rec.exclusions) or None,
        "version_property": rec.version_property,
    }
    b.edge("declares", rec.project, b.package(rec.package), src, props)


def constrains(b: GraphBatch, rec: Constrains, src: Source) -> None:
    """CONSTRAINS to the package."""
    props = {
        "range": rec.range,
        "mechanism": rec.mechanism,
        "unresolved": rec.unresolved,
        "profile": rec.profile,
        "selector": rec.selector,
        **location(rec.location, ""),
        **location(rec.version_location, "version_"),
        "version_repo": rec.version_location.repo if rec.version_location else None,
    }
    b.edge("constrains", rec.project, b.package(rec.package), src, props)


def project_dependency(b: GraphBatch, rec: ProjectDependency, src: Source) -> None:
    """USES_PROJECT between two projects."""
    props = {"spec": rec.spec, "scope": rec.scope, "raw_scope": rec.raw_scope, **location(rec.location, "")}
    b.edge("uses_project", rec.project, rec.target, src, props)


def resolved(b: GraphBatch, rec: Resolved, src: Source) -> None:
    """RESOLVES, grouped by (project, source, file) in the compact form, each edge packed into one string
    (:func:`resolution_row`)."""
    ver = b.version(rec.version)
    loc = rec.location
    group = (rec.project, src.key, loc.path if loc is not None else None)
    b.resolves.setdefault(group, []).append(
        resolution_row(
            ver, rec.scope, rec.raw_scope, rec.depth, rec.path, loc.line if loc is not None else None, rec.hashes
        )
    )
    b.compact_edges += 1


def resolution_row(
    version: str,
    scope: str | None,
    raw_scope: str | None,
    depth: int | None,
    chain: tuple[str, ...],
    line: int | None,
    hashes: tuple[str, ...],
) -> str:
    """One RESOLVES edge of a load statement as one string, its fields between ``FIELD`` separators, the
    chain's and the hashes' items between ``LIST`` ones, '' for a missing value; ``load_sources.cypher``
    splits it. One string literal instead of a nested list of seven to a dozen: FalkorDB parses a
    statement's parameters into a syntax tree whose nodes its own allocator does not count, and at a
    300,000-row statement a list per edge took some 350 MB of server memory while it was parsed, and
    left ~200 MB of it resident after (bench/statement_memory.py)."""
    row = _packed(version, scope or "", raw_scope or "", depth, chain, line, hashes)
    lists = (len(chain) - 1 if chain else 0) + (len(hashes) - 1 if hashes else 0)
    if row.count(FIELD) == _ROW_FIELDS - 1 and row.count(LIST) == lists and START not in row and END not in row:
        return row  # the common case, decided by four scans in C
    # a separator in the data: replaced (statements.field), so it cannot split a field
    return _packed(
        version, field(scope), field(raw_scope), depth, [field(p) for p in chain], line, [field(h) for h in hashes]
    )


def _packed(
    version: str,
    scope: str,
    raw_scope: str,
    depth: int | None,
    chain: tuple[str, ...] | list[str],
    line: int | None,
    hashes: tuple[str, ...] | list[str],
) -> str:
    """The row's layout, which load_sources.tmpl splits (version: a canonical purl, never a separator)."""
    return (
        f"{version}{FIELD}{scope}{FIELD}{raw_scope}{FIELD}{'' if depth is None else int(depth)}{FIELD}"
        f"{LIST.join(chain)}{FIELD}{'' if line is None else int(line)}{FIELD}{LIST.join(hashes)}"
    )


_ROW_FIELDS = 7


def version_dependency(b: GraphBatch, rec: VersionDependency, src: Source) -> None:
    """DEPENDS_ON, one per (version, package) pair listing its sources (a source's first statement wins)."""
    ver = b.version(rec.version)
    pkg = b.package(rec.package)
    stated = b.depends_on.setdefault(ver, {}).setdefault(pkg, {})
    stated.setdefault(src.key, (rec.range, rec.resolved, rec.scope))
    b.compact_edges += 1


def publishes(b: GraphBatch, rec: Publishes, src: Source) -> None:
    """PUBLISHED_BY from the package to the project."""
    b.edge("published_by", b.package(rec.package), rec.project, src, {})


def image(b: GraphBatch, rec: Image, src: Source) -> None:
    """An Image node."""
    b.node("Image", rec.key, {"repository": rec.repository, "tag": rec.tag, "digest": rec.digest})


def built_from(b: GraphBatch, rec: BuiltFrom, src: Source) -> None:
    """BUILT_FROM from the image to the project."""
    b.edge("built_from", rec.image, rec.project, src, location(rec.location, ""))


def image_build(b: GraphBatch, rec: ImageBuild, src: Source) -> None:
    """BUILT_IN from the image to the repository it is built in."""
    b.node("Repo", rec.repo, {"name": rec.repo})
    props = {"path": rec.path, "dockerfile": rec.dockerfile, "target": rec.target, **location(rec.location, "")}
    b.edge("built_in", rec.image, rec.repo, src, props)


def service(b: GraphBatch, rec: Service, src: Source) -> None:
    """A Service node."""
    props = {"name": rec.name, "namespace": rec.namespace, "environment": rec.environment, "workload": rec.workload}
    b.node("Service", rec.key, props)


def runs(b: GraphBatch, rec: Runs, src: Source) -> None:
    """RUNS from the service to the image."""
    props = {"container": rec.container, "origin": rec.origin, **location(rec.location, "")}
    b.edge("runs", rec.service, rec.image, src, props)


def environment(b: GraphBatch, rec: Environment, src: Source) -> None:
    """An Environment node."""
    b.node("Environment", rec.key, {"name": rec.name})


def deployed_in(b: GraphBatch, rec: DeployedIn, src: Source) -> None:
    """IN from the service to the environment."""
    b.edge("in", rec.service, rec.environment, src, location(rec.location, ""))


def owner(b: GraphBatch, rec: Owner, src: Source) -> None:
    """An Owner node."""
    b.node("Owner", rec.key, {"name": rec.name, "kind": rec.kind})


def ownership_rule(b: GraphBatch, rec: OwnershipRule, src: Source) -> None:
    """OWNS_PATH from the owner to the repository."""
    b.node("Repo", rec.repo, {"name": rec.repo})
    props = {"pattern": rec.pattern, "order": rec.order, "section": rec.section, **location(rec.location, "")}
    b.edge("owns_path", rec.owner, rec.repo, src, props)


_OWNS_SET = {"Repo": "owns_repo", "Project": "owns_project", "Service": "owns_service"}


def owns(b: GraphBatch, rec: Owns, src: Source) -> None:
    """OWNS from the owner to a repository, project or service."""
    props = {"rule": rec.rule, **location(rec.location, "")}
    b.edge(_OWNS_SET[rec.target_label], rec.owner, rec.target, src, props)


def advisory(b: GraphBatch, rec: Advisory, src: Source) -> None:
    """An Advisory node."""
    props = {
        "summary": rec.summary,
        "aliases": list(rec.aliases),
        "published": rec.published,
        "modified": rec.modified,
        "withdrawn": rec.withdrawn,
    }
    b.node("Advisory", rec.key, props)


def affects(b: GraphBatch, rec: Affects, src: Source) -> None:
    """AFFECTS from the advisory to the package."""
    b.edge("affects", rec.advisory, b.package(rec.package), src, {"ranges": rec.ranges, "fixed": list(rec.fixed)})


def source_scan(b: GraphBatch, rec: SourceScan, src: Source) -> None:
    """What scanning a source file found, kept on its SourceFile node."""
    props = {
        "language": rec.language,
        "scope": rec.scope,
        "namespace": rec.namespace,
        "scan": rec.scan,
        "scan_skipped": rec.skipped,
    }
    b.node("SourceFile", src.key, props)


#: record type -> its row function
ROW_WRITERS: dict[type, Callable[[Any, Any, Source], None]] = {
    Project: project,
    Declared: declared,
    Constrains: constrains,
    ProjectDependency: project_dependency,
    Resolved: resolved,
    VersionDependency: version_dependency,
    Publishes: publishes,
    Image: image,
    BuiltFrom: built_from,
    ImageBuild: image_build,
    Service: service,
    Runs: runs,
    Environment: environment,
    DeployedIn: deployed_in,
    Owner: owner,
    OwnershipRule: ownership_rule,
    Owns: owns,
    Advisory: advisory,
    Affects: affects,
    SourceScan: source_scan,
}
