// list_sbom_projects.cypher — the projects an SBOM describes, with their own coordinates.
// Parameters: $keys (list of project keys, or null for every project of the organisation).
// Answers: key, name, repo, path, ecosystem, kind, purl (versioned when known), version, manifest.
MATCH (p:Project)
WHERE $keys IS NULL OR p.key IN $keys
RETURN p.key AS key, p.name AS name, p.repo AS repo, p.path AS path, p.ecosystem AS ecosystem, p.kind AS kind,
       p.purl AS purl, p.version AS version, p.manifest AS manifest
ORDER BY key
