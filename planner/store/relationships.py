"""The one table of what a load writes: node labels and every relationship set, in load order.

``planner/store/rows.py`` fills one parameter row set per entry (its ``EDGE_SETS`` and
``COMPACT_EDGES`` come from here), and ``python -m planner.store.render_load_cypher`` renders
``cypher/load_sources.cypher`` from it (a test checks the committed file equals the rendering).
A new relationship is one entry here, one row function in ``planner/store/record_rows.py``, an
index on its ``source`` in both schema files (a set merged :data:`PER_SOURCE_GROUPED` has none: a load
finds its old edges through the SourceFile's ``resolves_for``), and a row in docs/model.md.
"""

from __future__ import annotations

from dataclasses import dataclass

#: node labels, merged by ``key`` in this order (their properties set from the rows, stamped with the run)
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

#: merge rules: how a batch's rows become relationships
PER_SOURCE = "per-source"  # one edge per stating source, both endpoints matched by key
PER_SOURCE_MERGING_ENDS = "per-source, endpoints merged"  # the same, endpoints merged (may be named first)
PER_SOURCE_GROUPED = "per-source, grouped rows"  # one edge per source; rows grouped by (start, source, file);
# old edges found from the start nodes the SourceFile's resolves_for lists
ONE_EDGE_LISTING_SOURCES = "one edge listing its sources"  # merged per pair; a token per source (statements.py)


@dataclass(frozen=True, slots=True)
class RelationshipSet:
    """One set of relationship rows: ``$<name>_rows`` in the load statement."""

    name: str
    type: str
    start: str
    end: str
    record: str  # the model record type (planner.model) whose rows these are
    properties: tuple[str, ...]  # what each edge may carry besides source and run
    merge: str = PER_SOURCE


_AT = ("file", "line")
#: every source-stamped relationship set, in the order the load creates them
RELATIONSHIPS = (
    RelationshipSet("contains", "CONTAINS", "Repo", "Project", "Project", ()),
    RelationshipSet("describes", "DESCRIBES", "SourceFile", "Project", "Project", ()),
    RelationshipSet(
        "declares", "DECLARES", "Project", "Package", "Declared",
        ("range", "scope", "raw_scope", "optional", *_AT, "version_file", "version_line", "version_repo", "profile",
         "unresolved", "exclusions", "version_property"),
    ),
    RelationshipSet(
        "constrains", "CONSTRAINS", "Project", "Package", "Constrains",
        ("range", "mechanism", "unresolved", "profile", "selector", *_AT, "version_file", "version_line",
         "version_repo"),
    ),
    RelationshipSet(
        "uses_project", "USES_PROJECT", "Project", "Project", "ProjectDependency",
        ("spec", "scope", "raw_scope", *_AT), PER_SOURCE_MERGING_ENDS,
    ),
    RelationshipSet(
        "resolves", "RESOLVES", "Project", "Version", "Resolved",
        ("file", "scope", "raw_scope", "depth", "chain", "line", "hashes"), PER_SOURCE_GROUPED,
    ),
    RelationshipSet(
        "depends_on", "DEPENDS_ON", "Version", "Package", "VersionDependency",
        ("stated_by", "stated_by_tail"), ONE_EDGE_LISTING_SOURCES,
    ),
    RelationshipSet("published_by", "PUBLISHED_BY", "Package", "Project", "Publishes", ()),
    RelationshipSet("built_from", "BUILT_FROM", "Image", "Project", "BuiltFrom", _AT),
    RelationshipSet("built_in", "BUILT_IN", "Image", "Repo", "ImageBuild", ("path", "dockerfile", "target", *_AT)),
    RelationshipSet(
        "owns_path", "OWNS_PATH", "Owner", "Repo", "OwnershipRule", ("pattern", "order", "section", *_AT)
    ),
    RelationshipSet("runs", "RUNS", "Service", "Image", "Runs", ("container", "origin", *_AT)),
    RelationshipSet("in", "IN", "Service", "Environment", "DeployedIn", _AT),
    RelationshipSet("owns_repo", "OWNS", "Owner", "Repo", "Owns", ("rule", *_AT)),
    RelationshipSet("owns_project", "OWNS", "Owner", "Project", "Owns", ("rule", *_AT)),
    RelationshipSet("owns_service", "OWNS", "Owner", "Service", "Owns", ("rule", *_AT)),
    RelationshipSet("affects", "AFFECTS", "Advisory", "Package", "Affects", ("ranges", "fixed")),
)  # fmt: skip

#: each relationship set by its parameter name
EDGE_SETS_BY_NAME = {r.name: r for r in RELATIONSHIPS}

#: the structural relationship every Version has to its Package: merged, never source-stamped
VERSION_OF = ("VERSION_OF", "Version", "Package")


def stamped_types() -> list[str]:
    """Each source-stamped relationship type once, in table order (what a reload deletes first)."""
    return list(dict.fromkeys(r.type for r in RELATIONSHIPS))
