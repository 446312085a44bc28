// list_repo_sources.cypher — every source file recorded for some repositories.
// Parameters: $repos (list of repo keys).
// Answers: key, path — used to prune files that disappeared from a repository.
MATCH (s:SourceFile)
WHERE s.repo IN $repos
RETURN s.key AS key, s.path AS path
ORDER BY key
