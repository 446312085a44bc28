// find_projects.cypher — projects matching what a user typed: a key, a name, or a repo.
// Parameters: $q (text).
// Answers: key, name, repo, path, ecosystem, kind.
MATCH (p:Project)
WHERE p.key = $q OR p.name = $q OR p.repo = $q OR p.repo + '/' + p.path = $q
RETURN p.key AS key, p.name AS name, p.repo AS repo, p.path AS path, p.ecosystem AS ecosystem, p.kind AS kind
ORDER BY key
