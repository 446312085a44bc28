// convert_legacy_statements.cypher — replace DEPENDS_ON edges' aligned lists with their `stated_by` string.
// Parameters: $rows ([[version key, package key, stated_by], ...]).
// Answers: converted (edges found).
UNWIND $rows AS r
MATCH (:Version {key: r[0]})-[d:DEPENDS_ON]->(:Package {key: r[1]})
SET d.stated_by = r[2], d.sources = null, d.ranges = null, d.resolved_versions = null, d.scopes = null
RETURN count(*) AS converted
