// list_sources_under.cypher — one page of the source files recorded from repositories under a directory.
// Parameters: $prefix (absolute directory path as ingested on this machine),
//   $after (the last key of the previous page; '' for the first), $limit (rows per page).
// Answers: key, root, path, by key — `depwave ingest` prunes those whose file no longer exists.
MATCH (s:SourceFile)
WHERE s.root STARTS WITH $prefix AND s.key > $after
RETURN s.key AS key, s.root AS root, s.path AS path
ORDER BY key
LIMIT $limit
