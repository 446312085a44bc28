// list_projects_in_dirs.cypher — the projects that live in some directories (to find the root directory a
// build unit runs in: a reactor's aggregator POM, a workspace root, above the members). Each directory is
// looked up on the (repo, path) index.
// Parameters: $places (list of {repo, path} maps: path repo-relative, '.' for the repository root).
// Answers: key, repo, path (repo-relative directory), ecosystem.
UNWIND $places AS place
MATCH (p:Project {repo: place.repo, path: place.path})
RETURN p.key AS key, p.repo AS repo, p.path AS path, p.ecosystem AS ecosystem
ORDER BY key
