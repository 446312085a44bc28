// list_package_dependents.cypher — one step of the reverse dependency walk behind `depwave dependents`,
// from packages.
// Parameters: $keys (Package keys).
// Answers: target (the package), dependent, label, name, repo (of a project), rel, scope (of the
// edge; 'optional' when a declaration is <optional>, for planner.scopes) — one row per
// (target, dependent, rel, scope): Package <-DECLARES- Project, <-DEPENDS_ON- Version, <-VERSION_OF- Version.
// Result types: target=text, dependent=text, label=text, name=text, repo=text, rel=text, scope=text
UNWIND $keys AS k
MATCH (x:Package {key: k})<-[r:DECLARES|DEPENDS_ON|VERSION_OF]-(d)
RETURN DISTINCT x.key AS target, d.key AS dependent, labels(d)[0] AS label, d.name AS name, d.repo AS repo, type(r) AS rel,
       CASE WHEN r.optional = true THEN 'optional' ELSE r.scope END AS scope
