// list_version_resolutions.cypher — which of some versions each project resolves, with where and how deep.
// Parameters: $keys (Version keys), $projects (project keys, or null for every project resolving one of them).
// Answers: one row per RESOLVES edge: project, name, repo, version, depth, scope, file, line, chain, source
// (several sources may pin the same version). The caller picks each project's best (`depwave dependents`:
// a version of the target first, then the shallowest, then by key and source): sorting and collecting
// per project here costs FalkorDB more than sending the rows.
// Result types: project=text, name=text, repo=text, version=text, depth=int, scope=text, file=text, line=int, chain=keys, source=text
UNWIND $keys AS k
MATCH (x:Version {key: k})<-[r:RESOLVES]-(d:Project)
WITH x, r, d
WHERE $projects IS NULL OR d.key IN $projects
RETURN d.key AS project, d.name AS name, d.repo AS repo, x.key AS version, r.depth AS depth, r.scope AS scope,
       r.file AS file, r.line AS line, r.chain AS chain, r.source AS source
