// list_sbom_resolutions.cypher — everything some projects resolve (lockfiles, resolved trees, SBOMs): the
// components of their SBOM.
// Parameters: $projects (list of project keys).
// Answers: one row per RESOLVES edge: project, version (versioned purl), scope, raw_scope, depth, chain,
// source (repo:path of the file that says so), file, line, hashes (['alg:hex'] or null).
UNWIND $projects AS k
MATCH (p:Project {key: k})-[r:RESOLVES]->(v:Version)
RETURN p.key AS project, v.key AS version, r.scope AS scope, r.raw_scope AS raw_scope, r.depth AS depth,
       r.chain AS chain, r.source AS source, r.file AS file, r.line AS line, r.hashes AS hashes
ORDER BY project, version, source
