// get_source_scans.cypher — the stored scans of some source files.
// Parameters: $keys (list of source keys repo:path).
// Answers: key, path, scan (compact JSON, planner/reachability/scan_codec.py).
MATCH (s:SourceFile)
WHERE s.key IN $keys AND s.scan IS NOT NULL
RETURN s.key AS key, s.path AS path, s.scan AS scan
ORDER BY key
