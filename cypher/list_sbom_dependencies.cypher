// list_sbom_dependencies.cypher — what some versions depend on, as stated by some source files only (the
// files a project's resolutions come from, so that an SBOM shows that build's graph and not another's).
// Parameters: $versions (list of versioned purls), $sources (list of source keys, repo:path).
// Answers: one row per DEPENDS_ON pair and stating source among $sources: version, package (versionless
// purl), resolved (the version picked, when the source says), scope, source. The edge keeps each
// source's statement in aligned lists ('' = not stated).
UNWIND $versions AS k
MATCH (v:Version {key: k})-[d:DEPENDS_ON]->(pkg:Package)
UNWIND range(0, size(d.sources) - 1) AS i
WITH v, pkg, d, i
WHERE d.sources[i] IN $sources
RETURN v.key AS version, pkg.key AS package,
       CASE d.resolved_versions[i] WHEN '' THEN null ELSE d.resolved_versions[i] END AS resolved,
       CASE d.scopes[i] WHEN '' THEN null ELSE d.scopes[i] END AS scope, d.sources[i] AS source
ORDER BY version, package, source
