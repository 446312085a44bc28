// list_direct_dependents.cypher — one step of the reverse dependency walk behind `depwave dependents`.
// Parameters: $keys (list of node keys: Package, Version or Project keys).
// Answers: for each node in $keys, what points at it in dependency direction:
//   Package <-DECLARES- Project, Package <-DEPENDS_ON- Version, Package <-VERSION_OF- Version,
//   Version <-RESOLVES- Project, Project <-PUBLISHED_BY- Package (an internal library's package),
//   Project <-USES_PROJECT- Project (a workspace or path link).
// Columns: target, dependent, label (of the dependent), name, rel, props (of the relationship).
MATCH (x:Package)
WHERE x.key IN $keys
MATCH (d)-[r:DECLARES|DEPENDS_ON|VERSION_OF]->(x)
RETURN x.key AS target, d.key AS dependent, labels(d)[0] AS label, d.name AS name, type(r) AS rel,
       properties(r) AS props
UNION ALL
MATCH (x:Version)
WHERE x.key IN $keys
MATCH (d:Project)-[r:RESOLVES]->(x)
RETURN x.key AS target, d.key AS dependent, labels(d)[0] AS label, d.name AS name, type(r) AS rel,
       properties(r) AS props
UNION ALL
MATCH (x:Project)
WHERE x.key IN $keys
MATCH (d)-[r:PUBLISHED_BY|USES_PROJECT]->(x)
RETURN x.key AS target, d.key AS dependent, labels(d)[0] AS label, d.name AS name, type(r) AS rel,
       properties(r) AS props
