// list_version_resolution_keys.cypher — which of some versions each project resolves, keys only: enough
// to choose each project's best resolution (`depwave dependents`) before asking the details of the
// chosen ones (list_dependent_links). A fifth of list_version_resolutions' cost per row, for walks that
// need a few projects' resolutions among many rows.
// Parameters: $keys (Version keys).
// Answers: one row per RESOLVES edge: project, version, depth, source.
// Result types: project=text, version=text, depth=int, source=text
UNWIND $keys AS k
MATCH (x:Version {key: k})<-[r:RESOLVES]-(d:Project)
RETURN d.key AS project, x.key AS version, r.depth AS depth, r.source AS source
