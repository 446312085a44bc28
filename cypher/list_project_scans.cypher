// list_project_scans.cypher — the stored source scans of some projects (for the exposure reachability layer).
// Parameters: $keys (list of project keys).
// Answers: project, path, scan (compact JSON, planner/reachability/scan_codec.py).
MATCH (s:SourceFile)
WHERE s.project IN $keys AND s.scan IS NOT NULL
RETURN s.project AS project, s.path AS path, s.scan AS scan
ORDER BY project, path
