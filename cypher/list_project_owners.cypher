// list_project_owners.cypher — who owns projects: owners of the project itself (CODEOWNERS rules
// applied to its manifest, catalog entries) and, failing that, owners of its repository.
// Parameters: $keys (list of project keys).
// Answers: project, owner (the handle as written: @org/team, @user, e-mail, group:default/x), via (project | repo).
MATCH (o:Owner)-[:OWNS]->(p:Project)
WHERE p.key IN $keys
RETURN p.key AS project, o.key AS owner, 'project' AS via
UNION ALL
MATCH (o:Owner)-[:OWNS]->(:Repo)-[:CONTAINS]->(p:Project)
WHERE p.key IN $keys
RETURN p.key AS project, o.key AS owner, 'repo' AS via
