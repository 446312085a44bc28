// list_sbom_dependencies.cypher — what some versions depend on, as stated by some source files only (the
// files a project's resolutions come from, so that an SBOM shows that build's graph and not another's).
// Parameters: $versions (list of versioned purls), $sources (list of source keys, repo:path).
// Answers: one row per DEPENDS_ON edge: version, package (versionless purl), resolved (the version picked,
// when the source says), scope, source.
UNWIND $versions AS k
MATCH (v:Version {key: k})-[d:DEPENDS_ON]->(pkg:Package)
WHERE d.source IN $sources
RETURN v.key AS version, pkg.key AS package, d.resolved AS resolved, d.scope AS scope, d.source AS source
ORDER BY version, package, source
