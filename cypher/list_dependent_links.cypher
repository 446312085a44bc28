// list_dependent_links.cypher — the details of the link `depwave dependents` shows for each project.
// Parameters: $links (list of [project key, relationship type, target key]; the type is DECLARES,
// RESOLVES or USES_PROJECT).
// Answers: project, name, repo, rel, target, scope, file, line, range (a link's spec as written), depth, chain,
// source — one row per
// matching relationship (several sources may state the same link; the caller picks one).
UNWIND $links AS l
WITH l
WHERE l[1] = 'DECLARES'
MATCH (p:Project {key: l[0]})-[r:DECLARES]->(t:Package {key: l[2]})
RETURN p.key AS project, p.name AS name, p.repo AS repo, 'DECLARES' AS rel, t.key AS target, r.scope AS scope, r.file AS file, r.line AS line,
       r.range AS range, null AS depth, null AS chain, r.source AS source
UNION ALL
UNWIND $links AS l
WITH l
WHERE l[1] = 'RESOLVES'
MATCH (p:Project {key: l[0]})-[r:RESOLVES]->(t:Version {key: l[2]})
RETURN p.key AS project, p.name AS name, p.repo AS repo, 'RESOLVES' AS rel, t.key AS target, r.scope AS scope, r.file AS file, r.line AS line,
       null AS range, r.depth AS depth, r.chain AS chain, r.source AS source
UNION ALL
UNWIND $links AS l
WITH l
WHERE l[1] = 'USES_PROJECT'
MATCH (p:Project {key: l[0]})-[r:USES_PROJECT]->(t:Project {key: l[2]})
RETURN p.key AS project, p.name AS name, p.repo AS repo, 'USES_PROJECT' AS rel, t.key AS target, r.scope AS scope, r.file AS file, r.line AS line,
       r.spec AS range, null AS depth, null AS chain, r.source AS source
