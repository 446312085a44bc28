"""Turn loader records into the parameter rows of ``load_sources.cypher``.

Nodes that a record only mentions (the ``Package`` of a purl, the ``Version`` of a resolution,
the ``Repo`` of a project) are derived here, so every relationship row has both endpoints in the
same batch and no load can silently drop an edge.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from planner import purl as purls
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
    ParseResult,
    Project,
    ProjectDependency,
    Publishes,
    Record,
    Resolved,
    Runs,
    Service,
    Source,
    VersionDependency,
)

NODE_LABELS = (
    "Repo",
    "SourceFile",
    "Project",
    "Package",
    "Version",
    "Image",
    "Service",
    "Environment",
    "Owner",
    "Advisory",
)
#: parameter name -> (relationship type, start label, end label)
EDGE_SETS = {
    "contains": ("CONTAINS", "Repo", "Project"),
    "describes": ("DESCRIBES", "SourceFile", "Project"),
    "declares": ("DECLARES", "Project", "Package"),
    "constrains": ("CONSTRAINS", "Project", "Package"),
    "uses_project": ("USES_PROJECT", "Project", "Project"),
    "resolves": ("RESOLVES", "Project", "Version"),
    "depends_on": ("DEPENDS_ON", "Version", "Package"),
    "published_by": ("PUBLISHED_BY", "Package", "Project"),
    "built_from": ("BUILT_FROM", "Image", "Project"),
    "built_in": ("BUILT_IN", "Image", "Repo"),
    "runs": ("RUNS", "Service", "Image"),
    "in": ("IN", "Service", "Environment"),
    "owns_path": ("OWNS_PATH", "Owner", "Repo"),
    "owns_repo": ("OWNS", "Owner", "Repo"),
    "owns_project": ("OWNS", "Owner", "Project"),
    "owns_service": ("OWNS", "Owner", "Service"),
    "affects": ("AFFECTS", "Advisory", "Package"),
}

#: the two big relationship sets travel compactly (most of the parameter text would otherwise repeat
#: the same keys) and are grouped while records are added; ``load_sources.cypher`` reads them by position:
#: RESOLVES ``[project, source, file, [[version, scope, raw_scope, depth, chain, line, hashes], ...]]``, DEPENDS_ON
#: ``[version, [[package, [source, ...], [range, ...], [resolved, ...], [scope, ...]], ...]]`` — thousands of
#: SBOMs state the same (version, package) pair, which is one edge listing its sources ('' where a source
#: does not say); grouped this way each pair's nodes are looked up once per batch
COMPACT_EDGES = ("resolves", "depends_on")


@dataclass(slots=True)
class LoadedSource:
    """One parsed file ready to load."""

    source: Source
    sha256: str
    loader: str
    result: ParseResult
    root: str | None = None  # absolute repository root at ingest time (for pruning)
    inputs: list[str] | None = None  # other files (repo:path) the loader read through its context
    inputs_sha256: str | None = None  # one hash over those files' content at this ingest


@dataclass(slots=True)
class GraphBatch:
    """Parameters for one ``load_sources.cypher`` call: the sources replaced and their rows."""

    sources: list[str] = field(default_factory=list)
    nodes: dict[str, dict[str, dict[str, Any]]] = field(default_factory=lambda: {n: {} for n in NODE_LABELS})
    version_of: set[tuple[str, str]] = field(default_factory=set)
    edges: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: {k: [] for k in EDGE_SETS if k not in COMPACT_EDGES}
    )
    resolves: dict[tuple[str, str, str | None], list[list[Any]]] = field(default_factory=dict)
    #: version -> package -> source -> [range, resolved, scope] (a source's first statement of a pair wins)
    depends_on: dict[str, dict[str, dict[str, list[Any]]]] = field(default_factory=dict)
    compact_edges: int = 0
    #: purl as a record gives it -> normalised key, for purls already turned into node rows
    _packages: dict[str, str] = field(default_factory=dict, repr=False)
    _versions: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def edge_count(self) -> int:
        """Source-stamped relationships in the batch."""
        return sum(len(v) for v in self.edges.values()) + self.compact_edges

    @property
    def row_count(self) -> int:
        """All rows, nodes and relationships."""
        return self.edge_count + len(self.version_of) + sum(len(v) for v in self.nodes.values())

    def add(self, loaded: LoadedSource, ingested_at: str) -> None:
        """Add every record of one parsed file."""
        src = loaded.source
        self.sources.append(src.key)
        self._node("Repo", src.repo, {"name": src.repo})
        self._node(
            "SourceFile",
            src.key,
            {
                "repo": src.repo,
                "path": src.path,
                "loader": loaded.loader,
                "sha256": loaded.sha256,
                "ingested_at": ingested_at,
                "warnings": len(loaded.result.warnings),
                "root": loaded.root,
                "inputs": loaded.inputs or [],
                "inputs_sha256": loaded.inputs_sha256,
            },
        )
        for rec in loaded.result.records:
            self._record(rec, src)

    def skip_written(self, written: set[tuple[str, str]]) -> None:
        """Leave out the Package and Version nodes (with their VERSION_OF links) that an earlier batch of
        the same ingest already carried, and add this batch's to ``written``.

        Their properties come from the key alone, so merging them again would change nothing; each
        batch of SBOMs otherwise re-merges thousands of them. Only safe while every earlier batch was
        loaded whole: the relationships here find those nodes by key."""
        self.version_of = {(v, p) for v, p in self.version_of if ("Version", v) not in written}
        for label in ("Package", "Version"):
            rows = self.nodes[label]
            for key in [k for k in rows if (label, k) in written]:
                del rows[key]
            written.update((label, k) for k in rows)

    def params(self, run: str) -> dict[str, Any]:
        """The query parameters."""
        out: dict[str, Any] = {"sources": PlainParam(sorted(self.sources)), "run": run}
        for label, rows in self.nodes.items():
            out[f"{label.lower()}_rows"] = [{"key": k, "props": rows[k]} for k in sorted(rows)]
        out["version_of_rows"] = [{"src": v, "dst": p} for v, p in sorted(self.version_of)]
        for name, rows in self.edges.items():
            out[f"{name}_rows"] = rows
        out["resolves_rows"] = PlainParam([*key, members] for key, members in self.resolves.items())
        out["depends_on_rows"] = PlainParam(
            [version, [_pair_row(package, stated) for package, stated in packages.items()]]
            for version, packages in self.depends_on.items()
        )
        # which versions' DEPENDS_ON edges list each source: how the next load or prune finds them
        stated_by: dict[str, set[str]] = {s: set() for s in self.sources}
        for version, packages in self.depends_on.items():
            for stated in packages.values():
                for source in stated:
                    stated_by.setdefault(source, set()).add(version)
        for row in out["sourcefile_rows"]:
            row["props"] = {**row["props"], "depends_on_versions": sorted(stated_by.get(row["key"], ()))}
        return out

    # -- records -------------------------------------------------------------------------------

    def _node(self, label: str, key: str, props: dict[str, Any]) -> None:
        current = self.nodes[label].setdefault(key, {})
        for k, v in props.items():
            if v is not None or k not in current:
                current[k] = v

    def _edge(self, name: str, src: str, dst: str, source: Source, props: dict[str, Any]) -> None:
        clean = {k: v for k, v in props.items() if v is not None}
        self.edges[name].append({"src": src, "dst": dst, "source": source.key, "props": clean})

    def _package(self, key: str) -> str:
        known = self._packages.get(key)
        if known is not None:
            return known
        p = purls.parse(key)
        package = p.package
        self._node("Package", package, {"name": p.display_name, "type": p.type, "namespace": p.namespace})
        self._packages[key] = package
        return package

    def _version(self, key: str) -> str:
        known = self._versions.get(key)
        if known is not None:
            return known
        p = purls.parse(key)
        package = self._package(p.package)
        version = p.key
        self._node(
            "Version",
            version,
            {"name": p.display_name, "type": p.type, "package": package, "version": p.version},
        )
        self.version_of.add((version, package))
        self._versions[key] = version
        return version

    def _record(self, rec: Record, src: Source) -> None:
        match rec:
            case Project():
                self._node(
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
                self._node("Repo", rec.repo, {"name": rec.repo})
                self._edge("contains", rec.repo, rec.key, src, {})
                self._edge("describes", src.key, rec.key, src, {})
            case Declared():
                pkg = self._package(rec.package)
                self._edge(
                    "declares",
                    rec.project,
                    pkg,
                    src,
                    {
                        "range": rec.range,
                        "scope": rec.scope,
                        "raw_scope": rec.raw_scope,
                        "optional": rec.optional,
                        **_location(rec.location, ""),
                        **_location(rec.version_location, "version_"),
                        "profile": rec.profile,
                        "unresolved": rec.unresolved,
                        "exclusions": list(rec.exclusions) or None,
                        "version_property": rec.version_property,
                    },
                )
            case Constrains():
                pkg = self._package(rec.package)
                self._edge(
                    "constrains",
                    rec.project,
                    pkg,
                    src,
                    {
                        "range": rec.range,
                        "mechanism": rec.mechanism,
                        "unresolved": rec.unresolved,
                        "profile": rec.profile,
                        "selector": rec.selector,
                        **_location(rec.location, ""),
                        **_location(rec.version_location, "version_"),
                    },
                )
            case ProjectDependency():
                self._edge(
                    "uses_project",
                    rec.project,
                    rec.target,
                    src,
                    {"spec": rec.spec, "scope": rec.scope, "raw_scope": rec.raw_scope, **_location(rec.location, "")},
                )
            case Resolved():
                ver = self._version(rec.version)
                loc = rec.location
                group = (rec.project, src.key, loc.path if loc is not None else None)
                self.resolves.setdefault(group, []).append(
                    [
                        ver,
                        rec.scope,
                        rec.raw_scope,
                        rec.depth,
                        list(rec.path) if rec.path else None,
                        loc.line if loc is not None else None,
                        list(rec.hashes) or None,
                    ]
                )
                self.compact_edges += 1
            case VersionDependency():
                ver = self._version(rec.version)
                pkg = self._package(rec.package)
                stated = self.depends_on.setdefault(ver, {}).setdefault(pkg, {})
                stated.setdefault(src.key, [rec.range, rec.resolved, rec.scope])
                self.compact_edges += 1
            case Publishes():
                pkg = self._package(rec.package)
                self._edge("published_by", pkg, rec.project, src, {})
            case Image():
                self._node("Image", rec.key, {"repository": rec.repository, "tag": rec.tag, "digest": rec.digest})
            case BuiltFrom():
                self._edge("built_from", rec.image, rec.project, src, _location(rec.location, ""))
            case ImageBuild():
                self._node("Repo", rec.repo, {"name": rec.repo})
                self._edge(
                    "built_in",
                    rec.image,
                    rec.repo,
                    src,
                    {
                        "path": rec.path,
                        "dockerfile": rec.dockerfile,
                        "target": rec.target,
                        **_location(rec.location, ""),
                    },
                )
            case Service():
                self._node(
                    "Service",
                    rec.key,
                    {
                        "name": rec.name,
                        "namespace": rec.namespace,
                        "environment": rec.environment,
                        "workload": rec.workload,
                    },
                )
            case Runs():
                self._edge(
                    "runs",
                    rec.service,
                    rec.image,
                    src,
                    {"container": rec.container, "origin": rec.origin, **_location(rec.location, "")},
                )
            case Environment():
                self._node("Environment", rec.key, {"name": rec.name})
            case DeployedIn():
                self._edge("in", rec.service, rec.environment, src, _location(rec.location, ""))
            case Owner():
                self._node("Owner", rec.key, {"name": rec.name, "kind": rec.kind})
            case OwnershipRule():
                self._node("Repo", rec.repo, {"name": rec.repo})
                self._edge(
                    "owns_path",
                    rec.owner,
                    rec.repo,
                    src,
                    {"pattern": rec.pattern, "order": rec.order, "section": rec.section, **_location(rec.location, "")},
                )
            case Owns():
                name = {"Repo": "owns_repo", "Project": "owns_project", "Service": "owns_service"}[rec.target_label]
                self._edge(name, rec.owner, rec.target, src, {"rule": rec.rule, **_location(rec.location, "")})
            case Advisory():
                self._node(
                    "Advisory",
                    rec.key,
                    {
                        "summary": rec.summary,
                        "aliases": list(rec.aliases),
                        "published": rec.published,
                        "modified": rec.modified,
                        "withdrawn": rec.withdrawn,
                    },
                )
            case Affects():
                pkg = self._package(rec.package)
                self._edge("affects", rec.advisory, pkg, src, {"ranges": rec.ranges, "fixed": list(rec.fixed)})
            case _:
                raise TypeError(f"unknown record {type(rec).__name__}")


class PlainParam(list):  # type: ignore[type-arg]
    """A parameter made only of (nested) lists of strings, numbers, booleans and nulls — no maps. A
    store may render it faster: the embedded store writes it with the json module's C encoder (see
    ``planner.store.embedded.params_header``; for maps that is no faster than depwave's own renderer)."""

    __slots__ = ()


def _pair_row(package: str, stated: dict[str, list[Any]]) -> list[Any]:
    """One DEPENDS_ON pair's row: the package and four lists aligned by source (sorted), '' for null."""
    sources = sorted(stated)
    return [package, sources, *([stated[s][i] or "" for s in sources] for i in range(3))]


def _location(loc: Location | None, prefix: str) -> dict[str, Any]:
    if loc is None:
        return {}
    return {f"{prefix}file": loc.path, f"{prefix}line": loc.line}


def encode_ranges(ranges: Any) -> str:
    """Affected ranges are stored as canonical JSON text (graph properties cannot nest maps)."""
    return json.dumps(ranges, sort_keys=True, separators=(",", ":"))
