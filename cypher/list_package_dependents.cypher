// list_package_dependents.cypher — one step of the reverse dependency walk behind `depwave dependents`,
// from packages.
// Parameters: $keys (Package keys).
// Answers: target (the package), dependent, label, name, repo (of a project), rel — one row per
// (target, dependent, rel): Package <-DECLARES- Project, <-DEPENDS_ON- Version, <-VERSION_OF- Version.
// Result types: target=text, dependent=text, label=text, name=text, repo=text, rel=text
UNWIND $keys AS k
MATCH (x:Package {key: k})<-[r:DECLARES|DEPENDS_ON|VERSION_OF]-(d)
RETURN DISTINCT x.key AS target, d.key AS dependent, labels(d)[0] AS label, d.name AS name, d.repo AS repo, type(r) AS rel
