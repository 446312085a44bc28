// list_version_statements.cypher — the DEPENDS_ON edges of some versions, in either storage format.
// Parameters: $keys (Version keys).
// Answers: version, package, stated_by (the string a current depwave writes, or null), sources, ranges,
// resolved_versions, scopes (the aligned lists an earlier depwave wrote, or null) — one row per edge.
UNWIND $keys AS k
MATCH (v:Version {key: k})-[d:DEPENDS_ON]->(p:Package)
RETURN v.key AS version, p.key AS package, d.stated_by AS stated_by, d.sources AS sources, d.ranges AS ranges,
       d.resolved_versions AS resolved_versions, d.scopes AS scopes
