// list_projects_in_dirs.cypher — the projects that live in some directories (to find the root directory a
// build unit runs in: a reactor's aggregator POM, a workspace root, above the members).
// Parameters: $dirs (list of 'repo/dir' strings, dir repo-relative, '.' for the repository root).
// Answers: key, repo, path (repo-relative directory), ecosystem.
MATCH (p:Project)
WHERE (p.repo + '/' + p.path) IN $dirs
RETURN p.key AS key, p.repo AS repo, p.path AS path, p.ecosystem AS ecosystem
ORDER BY key
