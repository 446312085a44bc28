// check_source_statements.cypher — whether the DEPENDS_ON statements each source's SourceFile lists are
// on the graph: one edge per pair, holding the source's token (the check after a load,
// planner/ingest/verify.py).
// Parameters: $sources (source keys, repo:path), $sep (the separators, planner/store/statements.py).
// Answers: source, entries (pairs its SourceFile lists), edges (DEPENDS_ON edges found for them: more
// than entries means a pair has two edges, fewer that one is missing), stated (edges whose stated_by
// holds the source's token) — one row per source with statements.
UNWIND $sources AS key
MATCH (sf:SourceFile {key: key})
WITH sf WHERE coalesce(sf.depends_on, '') <> ''
UNWIND split(sf.depends_on, $sep.end) AS entry
WITH sf, entry, split(entry, $sep.field) AS f
WHERE size(f) = 5
OPTIONAL MATCH (:Version {key: f[0]})-[d:DEPENDS_ON]->(:Package {key: f[1]})
WITH sf, entry, d, $sep.start + sf.key + $sep.field + f[2] + $sep.field + f[3] + $sep.field + f[4] + $sep.end AS token
RETURN sf.key AS source, count(DISTINCT entry) AS entries, count(d) AS edges,
       sum(CASE WHEN d.stated_by CONTAINS token THEN 1 ELSE 0 END) AS stated
