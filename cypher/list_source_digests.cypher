// list_source_digests.cypher — the content hash recorded for each source at its last ingest.
// Parameters: $keys (list of source keys repo:path).
// Answers: key, sha256 — used to skip files that have not changed since the last ingest.
MATCH (s:SourceFile)
WHERE s.key IN $keys
RETURN s.key AS key, s.sha256 AS sha256
