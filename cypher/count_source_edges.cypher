// count_source_edges.cypher — how many edges of each type each source stamps: what the check after a
// load (planner/ingest/verify.py) compares with the rows it sent.
// RENDERED by `python -m planner.store.render_load_cypher` from planner/store/relationships.py and
// planner/store/load_sources.tmpl: edit those, not this file (a test checks they agree).
// Parameters: $sources (source keys, repo:path).
// Answers: source, type, edges — one row per (source, type) with at least one edge. DEPENDS_ON is not
// here: its edges are shared, one per pair (count_pair_edges.cypher checks them). Each part is an
// index lookup on the type's `source`, but RESOLVES's: those are found as the load deletes them, through
// the projects the SourceFile's `resolves_for` lists (so a wrong list shows as missing edges).
MATCH ()-[r:CONTAINS]->() WHERE r.source IN $sources
RETURN r.source AS source, 'CONTAINS' AS type, count(r) AS edges
UNION ALL
MATCH ()-[r:DESCRIBES]->() WHERE r.source IN $sources
RETURN r.source AS source, 'DESCRIBES' AS type, count(r) AS edges
UNION ALL
MATCH ()-[r:DECLARES]->() WHERE r.source IN $sources
RETURN r.source AS source, 'DECLARES' AS type, count(r) AS edges
UNION ALL
MATCH ()-[r:CONSTRAINS]->() WHERE r.source IN $sources
RETURN r.source AS source, 'CONSTRAINS' AS type, count(r) AS edges
UNION ALL
MATCH ()-[r:USES_PROJECT]->() WHERE r.source IN $sources
RETURN r.source AS source, 'USES_PROJECT' AS type, count(r) AS edges
UNION ALL
MATCH (sf:SourceFile) WHERE sf.key IN $sources
UNWIND coalesce(sf.resolves_for, []) AS p
MATCH (:Project {key: p})-[r:RESOLVES]->() WHERE r.source = sf.key
RETURN sf.key AS source, 'RESOLVES' AS type, count(r) AS edges
UNION ALL
MATCH ()-[r:PUBLISHED_BY]->() WHERE r.source IN $sources
RETURN r.source AS source, 'PUBLISHED_BY' AS type, count(r) AS edges
UNION ALL
MATCH ()-[r:BUILT_FROM]->() WHERE r.source IN $sources
RETURN r.source AS source, 'BUILT_FROM' AS type, count(r) AS edges
UNION ALL
MATCH ()-[r:BUILT_IN]->() WHERE r.source IN $sources
RETURN r.source AS source, 'BUILT_IN' AS type, count(r) AS edges
UNION ALL
MATCH ()-[r:OWNS_PATH]->() WHERE r.source IN $sources
RETURN r.source AS source, 'OWNS_PATH' AS type, count(r) AS edges
UNION ALL
MATCH ()-[r:RUNS]->() WHERE r.source IN $sources
RETURN r.source AS source, 'RUNS' AS type, count(r) AS edges
UNION ALL
MATCH ()-[r:IN]->() WHERE r.source IN $sources
RETURN r.source AS source, 'IN' AS type, count(r) AS edges
UNION ALL
MATCH ()-[r:OWNS]->() WHERE r.source IN $sources
RETURN r.source AS source, 'OWNS' AS type, count(r) AS edges
UNION ALL
MATCH ()-[r:AFFECTS]->() WHERE r.source IN $sources
RETURN r.source AS source, 'AFFECTS' AS type, count(r) AS edges
