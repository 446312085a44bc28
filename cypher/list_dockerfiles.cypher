// list_dockerfiles.cypher — the Dockerfiles of the graph (source files read by the dockerfile loader).
// Parameters: none.
// Answers: repo, path (repo-relative), one row per Dockerfile.
MATCH (f:SourceFile)
WHERE f.loader = 'dockerfile'
RETURN f.repo AS repo, f.path AS path
ORDER BY repo, path
