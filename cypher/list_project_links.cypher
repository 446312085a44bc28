// list_project_links.cypher — the first-party dependency graph among some projects: which project
// consumes which internal library (through the package the library publishes) or links another
// project directly (workspaces, path dependencies). Only direct dependencies: a resolution deeper
// than 1 reaches its library through another one. The resolutions are read from RESOLVES_FROM, which
// the linker derives after each ingest (link_resolves_from.cypher).
// Parameters: $keys (list of project keys: the consumers looked at).
// Answers: consumer, provider, package, via (declares | resolves | project), scope, optional (a Maven
// <optional> declaration), spec (range, resolved version or link spec), depth, file, line, exclusions.
MATCH (c:Project)-[d:DECLARES]->(pkg:Package)-[:PUBLISHED_BY]->(l:Project)
WHERE c.key IN $keys AND c.key <> l.key
RETURN c.key AS consumer, l.key AS provider, pkg.key AS package, 'declares' AS via, d.scope AS scope,
       d.optional AS optional, d.range AS spec, 1 AS depth, d.file AS file, d.line AS line, d.exclusions AS exclusions
UNION ALL
MATCH (c:Project)-[r:RESOLVES_FROM]->(l:Project)
WHERE c.key IN $keys
RETURN c.key AS consumer, l.key AS provider, r.package AS package, 'resolves' AS via, r.scope AS scope,
       false AS optional, r.version AS spec, r.depth AS depth, r.file AS file, r.line AS line, null AS exclusions
UNION ALL
MATCH (c:Project)-[u:USES_PROJECT]->(l:Project)
WHERE c.key IN $keys AND c.key <> l.key
RETURN c.key AS consumer, l.key AS provider, null AS package, 'project' AS via, u.scope AS scope,
       false AS optional, u.spec AS spec, 1 AS depth, u.file AS file, u.line AS line, null AS exclusions
