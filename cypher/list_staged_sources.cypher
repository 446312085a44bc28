// list_staged_sources.cypher — sources left half-loaded: the staging copies of big files whose part load never finished.
// Parameters: none.
// Answers: key (the staging source key), staged_for (the real source key) — `depwave ingest` deletes them
// (delete_sources.cypher) before it loads anything, so a killed part load leaves nothing for long.
MATCH (s:SourceFile)
WHERE s.staged_for IS NOT NULL
RETURN s.key AS key, s.staged_for AS staged_for
ORDER BY key
