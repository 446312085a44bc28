// list_version_statements.cypher — the DEPENDS_ON edges of some versions, in either storage format.
// Parameters: $keys (Version keys).
// Answers: version, package, stated_by (the strings a current depwave writes, `stated_by_tail`'s after
// `stated_by`'s, or null), sources, ranges,
// resolved_versions, scopes (the aligned lists an earlier depwave wrote, or null) — one row per edge.
UNWIND $keys AS k
MATCH (v:Version {key: k})-[d:DEPENDS_ON]->(p:Package)
RETURN v.key AS version, p.key AS package,
       CASE WHEN d.stated_by IS NULL THEN null ELSE [] + d.stated_by + coalesce(d.stated_by_tail, []) END AS stated_by,
       d.sources AS sources, d.ranges AS ranges,
       d.resolved_versions AS resolved_versions, d.scopes AS scopes
