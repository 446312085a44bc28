// list_project_places.cypher — where every project lives, to find the project a source file belongs to.
// Parameters: none.
// Answers: key, repo, path (repo-relative directory), ecosystem, purl.
MATCH (p:Project)
RETURN p.key AS key, p.repo AS repo, p.path AS path, p.ecosystem AS ecosystem, p.purl AS purl
ORDER BY key
