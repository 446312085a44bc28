// find_dependents.cypher — "what depends on X?" in one statement, for Neo4j Browser and scripts.
// Parameters: $package (versionless purl, e.g. pkg:maven/org.apache.logging.log4j/log4j-core),
//             $max_hops (integer, e.g. 12).
// Answers: every project that reaches the package through its declarations, resolutions,
// dependency metadata and internal libraries (a library's package -PUBLISHED_BY-> its project),
// with the fewest relationships on the way. `depwave dependents` walks the same edges step by step
// (list_package_dependents.cypher and its siblings) to also return the path.
MATCH (x:Package {key: $package})
MATCH p = (c:Project)-[:DECLARES|RESOLVES|VERSION_OF|DEPENDS_ON|PUBLISHED_BY|USES_PROJECT*1..12]->(x)
WHERE length(p) <= $max_hops
WITH c, min(length(p)) AS hops
RETURN c.key AS project, c.name AS name, c.repo AS repo, hops
ORDER BY hops, project
