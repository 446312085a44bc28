// list_project_packages.cypher — the packages each project resolves or declares (to attribute imports).
// Parameters: $keys (list of project keys).
// Answers: project, packages (versionless purls; one row per project and relationship kind).
MATCH (p:Project)-[:RESOLVES]->(:Version)-[:VERSION_OF]->(k:Package)
WHERE p.key IN $keys
RETURN p.key AS project, collect(DISTINCT k.key) AS packages
UNION ALL
MATCH (p:Project)-[:DECLARES]->(k:Package)
WHERE p.key IN $keys
RETURN p.key AS project, collect(DISTINCT k.key) AS packages
