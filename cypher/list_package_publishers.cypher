// list_package_publishers.cypher — the projects that build and publish packages: the first step of the
// reverse walk behind `depwave dependents` for an internal package (a project that uses the publisher
// through a workspace or path link depends on the package without declaring it as a registry package).
// Parameters: $keys (Package keys).
// Answers: package, project, name, repo, purl (the publisher's own versioned purl, or null).
UNWIND $keys AS k
MATCH (x:Package {key: k})-[:PUBLISHED_BY]->(p:Project)
RETURN x.key AS package, p.key AS project, p.name AS name, p.repo AS repo, p.purl AS purl
ORDER BY package, project
