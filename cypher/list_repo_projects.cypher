// list_repo_projects.cypher — every project of some repositories, with where it lives (to find the root
// directory a build unit runs in: a reactor's aggregator POM, a workspace root).
// Parameters: $repos (list of repository names).
// Answers: key, repo, path (repo-relative directory), ecosystem, manifest.
MATCH (p:Project)
WHERE p.repo IN $repos
RETURN p.key AS key, p.repo AS repo, p.path AS path, p.ecosystem AS ecosystem, p.manifest AS manifest
ORDER BY key
