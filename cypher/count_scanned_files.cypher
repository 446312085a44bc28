// count_scanned_files.cypher — how many source files have a stored scan (none: no reachability layer).
// Parameters: none.
// Answers: files.
MATCH (s:SourceFile)
WHERE s.scan IS NOT NULL
RETURN count(s) AS files
