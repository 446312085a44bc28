// find_files_without_resolves_for.cypher — whether a SourceFile lacks `resolves_for`, as an earlier depwave wrote it.
// Parameters: none.
// Answers: key — at most one row. A staging copy of a big file (`staged_for`) that an earlier depwave left
// has no list either: it gets one, so that the next ingest's delete_sources.cypher finds its RESOLVES
// edges when it removes the copy (list_staged_sources.cypher). planner/store/upgrade.py fills the lists
// (set_resolves_for.cypher) before an ingest loads anything: a load finds a file's old RESOLVES edges
// through them.
MATCH (s:SourceFile)
WHERE s.resolves_for IS NULL
RETURN s.key AS key
LIMIT 1
