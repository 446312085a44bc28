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
from planner.model import ParseResult, Record, Source
from planner.store.base import PlainParam
from planner.store.record_rows import ROW_WRITERS
from planner.store.relationships import NODE_LABELS, ONE_EDGE_LISTING_SOURCES, PER_SOURCE_GROUPED, RELATIONSHIPS
from planner.store.statements import FIELD, SEP_PARAM, START, StatementEnds

__all__ = [
    "COMPACT_EDGES",
    "EDGE_SETS",
    "NODE_LABELS",
    "Expected",
    "GraphBatch",
    "LoadedSource",
    "PlainParam",
    "encode_ranges",
]

#: parameter name -> (relationship type, start label, end label), from the relationship table
EDGE_SETS = {r.name: (r.type, r.start, r.end) for r in RELATIONSHIPS}

#: the two big relationship sets travel compactly (most of the parameter text would otherwise repeat
#: the same keys) and are grouped while records are added; ``load_sources.cypher`` reads them by position:
#: RESOLVES ``[project, source, file, [packed edge, ...]]`` (one string per edge, record_rows.resolution_row),
#: DEPENDS_ON ``[version, [[package, the sources' statements of the pair], ...]]`` — thousands of SBOMs
#: state the same (version, package) pair, which is one edge listing its sources (planner/store/statements.py);
#: grouped this way each pair's nodes are looked up once per batch
COMPACT_EDGES = tuple(r.name for r in RELATIONSHIPS if r.merge in (PER_SOURCE_GROUPED, ONE_EDGE_LISTING_SOURCES))


@dataclass(slots=True)
class Expected:
    """What loads must leave in the store (:meth:`GraphBatch.expected`, checked by planner/ingest/verify.py):
    ``edges`` source -> relationship type -> edges it stamps; ``pairs`` (version, package) -> the length
    of the statements the loaded sources made of that DEPENDS_ON pair (one edge, its ``stated_by`` at
    least that long)."""

    edges: dict[str, dict[str, int]] = field(default_factory=dict)
    pairs: dict[tuple[str, str], int] = field(default_factory=dict)

    def add(self, other: Expected) -> None:
        """Add another load's expectations (a pair stated in both: the lengths add up)."""
        self.edges.update(other.edges)
        for pair, n in other.pairs.items():
            self.pairs[pair] = self.pairs.get(pair, 0) + n


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
    #: version -> package -> source -> (range, resolved, scope) (a source's first statement of a pair wins)
    depends_on: dict[str, dict[str, dict[str, tuple[Any, Any, Any]]]] = field(default_factory=dict)
    compact_edges: int = 0
    #: purl as a record gives it -> normalised key, for purls already turned into node rows
    _packages: dict[str, str] = field(default_factory=dict, repr=False)
    _versions: dict[str, str] = field(default_factory=dict, repr=False)
    #: (version, package) -> the string the rendered parameters append, made once for :meth:`expected`
    #: and :meth:`params`, whichever comes first
    _appended: dict[tuple[str, str], str] = field(default_factory=dict, repr=False)
    #: what each distinct statement's tokens and entries end with, made once
    _ends: StatementEnds = field(default_factory=StatementEnds, repr=False)
    #: whether the SourceFile rows get each source's ``depends_on`` and ``resolves_for`` (not in the rows
    #: a fresh build sets at the end: planner/store/bulk_build.py)
    adds_sourcefile_extras: bool = True
    #: each source's ``depends_on`` and ``resolves_for`` (:meth:`sourcefile_props`), made once
    _sourcefile_extras: tuple[dict[str, str], dict[str, list[str]]] | None = field(default=None, repr=False)

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
        self.node("Repo", src.repo, {"name": src.repo})
        self.node(
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
        writers = ROW_WRITERS
        for rec in loaded.result.records:  # hundreds of thousands a batch: the common case looked up inline
            writer = writers.get(type(rec))
            if writer is None:
                self._record(rec, src)
            else:
                writer(self, rec, src)

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

    def expected(self) -> Expected:
        """What the store must hold once this batch is loaded: each source's edges per type (each row
        is one edge) and each DEPENDS_ON pair with the length of the statements the batch appends to it."""
        out = Expected(edges={source: {} for source in self.sources})
        for name, rows in self.edges.items():
            rel_type = EDGE_SETS[name][0]
            for row in rows:
                counts = out.edges.setdefault(row["source"], {})
                counts[rel_type] = counts.get(rel_type, 0) + 1
        for (_, source, _), members in self.resolves.items():
            counts = out.edges.setdefault(source, {})
            counts["RESOLVES"] = counts.get("RESOLVES", 0) + len(members)
        for version, packages in self.depends_on.items():
            for package, stated in packages.items():
                out.pairs[(version, package)] = len(self._append(version, package, stated))
        return out

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
            [version, [[package, self._append(version, package, stated)] for package, stated in packages.items()]]
            for version, packages in self.depends_on.items()
        )
        out["sep"] = SEP_PARAM
        for row in out["sourcefile_rows"] if self.adds_sourcefile_extras else ():
            row["props"] = self.sourcefile_props(row["key"], row["props"])
        return out

    def sourcefile_props(self, key: str, props: dict[str, Any]) -> dict[str, Any]:
        """A SourceFile row's properties as loaded: with the source's statements of DEPENDS_ON pairs
        (``depends_on``: how the next load or prune forgets them) and the projects its RESOLVES edges
        start at (``resolves_for``: how the next load and the check find those edges)."""
        if self._sourcefile_extras is None:
            entries: dict[str, list[str]] = {}
            ends = self._ends
            for version, packages in self.depends_on.items():
                for package, stated in packages.items():
                    pair = version + FIELD + package
                    for source, statement in stated.items():
                        entries.setdefault(source, []).append(pair + ends[statement])
            resolving: dict[str, set[str]] = {}
            for project, source, _ in self.resolves:
                resolving.setdefault(source, set()).add(project)
            self._sourcefile_extras = (
                {source: "".join(e) for source, e in entries.items()},
                {source: sorted(p) for source, p in resolving.items()},
            )
        statements, starts = self._sourcefile_extras
        return {**props, "depends_on": statements.get(key, ""), "resolves_for": starts.get(key, [])}

    def _append(self, version: str, package: str, stated: dict[str, tuple[Any, Any, Any]]) -> str:
        """The string this batch adds to a pair's statements: its sources' tokens, sorted (made once)."""
        pair = (version, package)
        tokens = self._appended.get(pair)
        if tokens is None:
            ends = self._ends
            tokens = self._appended[pair] = "".join([START + s + ends[stated[s]] for s in sorted(stated)])
        return tokens

    # -- records -------------------------------------------------------------------------------

    def node(self, label: str, key: str, props: dict[str, Any]) -> None:
        """Merge a node row (a later non-null property wins; a null never hides a known one)."""
        current = self.nodes[label].setdefault(key, {})
        for k, v in props.items():
            if v is not None or k not in current:
                current[k] = v

    def edge(self, name: str, src: str, dst: str, source: Source, props: dict[str, Any]) -> None:
        """Add a source-stamped relationship row to set ``name`` (null properties left out)."""
        clean = {k: v for k, v in props.items() if v is not None}
        self.edges[name].append({"src": src, "dst": dst, "source": source.key, "props": clean})

    def package(self, key: str) -> str:
        """The Package node key of a purl, its node row added once."""
        known = self._packages.get(key)
        if known is not None:
            return known
        p = purls.parse(key)
        package = p.package
        self.node("Package", package, {"name": p.display_name, "type": p.type, "namespace": p.namespace})
        self._packages[key] = package
        return package

    def version(self, key: str) -> str:
        """The Version node key of a purl, its node row and VERSION_OF added once."""
        known = self._versions.get(key)
        if known is not None:
            return known
        p = purls.parse(key)
        package = self.package(p.package)
        version = p.key
        self.node(
            "Version",
            version,
            {"name": p.display_name, "type": p.type, "package": package, "version": p.version},
        )
        self.version_of.add((version, package))
        self._versions[key] = version
        return version

    def _record(self, rec: Record, src: Source) -> None:
        """A record whose exact type has no writer (:meth:`add` looked it up): its base type's, if any."""
        writer = next((w for t, w in ROW_WRITERS.items() if isinstance(rec, t)), None)
        if writer is None:
            raise TypeError(f"unknown record {type(rec).__name__}")
        writer(self, rec, src)


def encode_ranges(ranges: Any) -> str:
    """Affected ranges are stored as canonical JSON text (graph properties cannot nest maps)."""
    return json.dumps(ranges, sort_keys=True, separators=(",", ":"))
