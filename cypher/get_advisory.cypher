// get_advisory.cypher — an ingested advisory and the packages it affects.
// Parameters: $id (OSV id, e.g. GHSA-jfh8-c2jp-5v3q, or an alias such as CVE-2021-44228).
// Answers: id, summary, aliases, withdrawn, package, ranges (canonical JSON), fixed.
MATCH (a:Advisory)-[r:AFFECTS]->(p:Package)
WHERE a.key = $id OR $id IN a.aliases
RETURN a.key AS id, a.summary AS summary, a.aliases AS aliases, a.withdrawn AS withdrawn, p.key AS package,
       r.ranges AS ranges, r.fixed AS fixed
ORDER BY id, package
