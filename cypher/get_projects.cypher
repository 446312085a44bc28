// get_projects.cypher — project details by key.
// Parameters: $keys (list of project keys).
// Answers: key, name, repo, path, ecosystem, kind, purl, version, manifest.
// Result types: key=text, name=text, repo=text, path=text, ecosystem=text, kind=text, purl=text, version=text, manifest=text
MATCH (p:Project)
WHERE p.key IN $keys
RETURN p.key AS key, p.name AS name, p.repo AS repo, p.path AS path, p.ecosystem AS ecosystem,
       p.kind AS kind, p.purl AS purl, p.version AS version, p.manifest AS manifest
ORDER BY key
