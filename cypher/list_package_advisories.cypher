// list_package_advisories.cypher — every ingested advisory that affects a package (to tell whether a
// recommended fix is itself affected by follow-up advisories, and which version clears them all).
// Parameters: $package (versionless purl).
// Answers: id, aliases, withdrawn, ranges (canonical JSON), fixed.
MATCH (a:Advisory)-[r:AFFECTS]->(p:Package {key: $package})
RETURN a.key AS id, a.aliases AS aliases, a.withdrawn AS withdrawn, r.ranges AS ranges, r.fixed AS fixed
ORDER BY id
