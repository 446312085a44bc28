// list_direct_dependents.cypher — one step of the reverse dependency walk behind `depwave dependents`.
// Parameters: $keys (list of node keys: Package, Version or Project keys), $targets (the versioned
// keys of the package asked about: a resolution of one of them is preferred).
// Answers: for each node in $keys, what points at it in dependency direction:
//   Package <-DECLARES- Project, Package <-DEPENDS_ON- Version, Package <-VERSION_OF- Version,
//   Version <-RESOLVES- Project, Project <-PUBLISHED_BY- Package (an internal library's package),
//   Project <-USES_PROJECT- Project (a workspace or path link).
// Columns: target, dependent, label (of the dependent), name, repo (of a project), rel, depth (smallest RESOLVES depth),
// hits (RESOLVES only: which of $targets the dependent resolves), and for RESOLVES the details of
// that best edge: scope, file, line, chain. One row per (target, dependent, rel), except RESOLVES:
// one row per dependent project, its best resolution among $keys (of a target version first, then
// shallowest, then by key, then by source). Details of other links come from
// list_dependent_links.cypher.
MATCH (x:Package)
WHERE x.key IN $keys
MATCH (d)-[r:DECLARES|DEPENDS_ON|VERSION_OF]->(x)
RETURN DISTINCT x.key AS target, d.key AS dependent, labels(d)[0] AS label, d.name AS name, d.repo AS repo, type(r) AS rel,
       null AS depth, null AS hits, null AS scope, null AS file, null AS line, null AS chain
UNION ALL
MATCH (x:Version)
WHERE x.key IN $keys
MATCH (d:Project)-[r:RESOLVES]->(x)
WITH d, x, r
ORDER BY d.key, CASE WHEN x.key IN $targets THEN 0 ELSE 1 END, coalesce(r.depth, 1000000), x.key, r.source
WITH d, collect([x.key, r.depth, r.scope, r.file, r.line, r.chain]) AS found
RETURN found[0][0] AS target, d.key AS dependent, 'Project' AS label, d.name AS name, d.repo AS repo, 'RESOLVES' AS rel,
       found[0][1] AS depth, [f IN found WHERE f[0] IN $targets | f[0]] AS hits, found[0][2] AS scope,
       found[0][3] AS file, found[0][4] AS line, found[0][5] AS chain
UNION ALL
MATCH (x:Project)
WHERE x.key IN $keys
MATCH (d)-[r:PUBLISHED_BY|USES_PROJECT]->(x)
RETURN DISTINCT x.key AS target, d.key AS dependent, labels(d)[0] AS label, d.name AS name, d.repo AS repo, type(r) AS rel,
       null AS depth, null AS hits, null AS scope, null AS file, null AS line, null AS chain
