// list_source_digests.cypher — the content hash recorded for each source at its last ingest.
// Parameters: $keys (list of source keys repo:path).
// Answers: key, sha256, inputs (other files the loader read), inputs_sha256 — used to skip files
// that, with everything they read, have not changed since the last ingest.
MATCH (s:SourceFile)
WHERE s.key IN $keys
RETURN s.key AS key, s.sha256 AS sha256, s.inputs AS inputs, s.inputs_sha256 AS inputs_sha256
