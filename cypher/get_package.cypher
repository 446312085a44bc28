// get_package.cypher — does the graph know this package or version?
// Parameters: $key (versionless or versioned purl).
// Answers: key, label, name.
MATCH (n:Package)
WHERE n.key = $key
RETURN n.key AS key, 'Package' AS label, n.name AS name
UNION ALL
MATCH (n:Version)
WHERE n.key = $key
RETURN n.key AS key, 'Version' AS label, n.name AS name
