// list_version_resolvers.cypher — the projects that resolve any of some versions (one reverse step of
// `depwave dependents`; it then asks list_version_resolutions.cypher about the projects it has not seen).
// Parameters: $keys (Version keys).
// Answers: project — one row per project.
// Result types: project=text
UNWIND $keys AS k
MATCH (x:Version {key: k})<-[:RESOLVES]-(d:Project)
RETURN DISTINCT d.key AS project
