// list_link_projects.cypher — every project with where it lives (linker input).
// Parameters: none.
// Answers: project (key), repo, path (directory), manifest (repo-relative file that defines it).
MATCH (p:Project)
RETURN p.key AS project, p.repo AS repo, p.path AS path, p.manifest AS manifest
ORDER BY project
