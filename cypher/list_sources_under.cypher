// list_sources_under.cypher — source files recorded from repositories under a directory.
// Parameters: $prefix (absolute directory path as ingested on this machine).
// Answers: key, root, path — `depwave ingest` prunes those whose file no longer exists.
MATCH (s:SourceFile)
WHERE s.root STARTS WITH $prefix
RETURN s.key AS key, s.root AS root, s.path AS path
ORDER BY key
