// list_statement_versions.cypher — every Version with a DEPENDS_ON edge (the store upgrade reads them in chunks).
// Parameters: none.
// Answers: key — one row per version.
MATCH (v:Version)-[:DEPENDS_ON]->()
RETURN DISTINCT v.key AS key
