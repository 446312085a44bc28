// list_resolutions.cypher — every project that resolves some version of a package, from lockfiles,
// resolved trees and SBOMs.
// Parameters: $package (versionless purl).
// Answers: project, version, scope, raw_scope, depth, chain, file, line — one row per RESOLVES edge.
// Result types: project=text, version=text, scope=text, raw_scope=text, depth=int, chain=keys, file=text, line=int
MATCH (:Package {key: $package})<-[:VERSION_OF]-(v:Version)<-[r:RESOLVES]-(p:Project)
RETURN p.key AS project, v.version AS version, r.scope AS scope, r.raw_scope AS raw_scope, r.depth AS depth,
       r.chain AS chain, r.file AS file, r.line AS line
ORDER BY project, version
