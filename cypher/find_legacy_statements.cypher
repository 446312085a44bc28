// find_legacy_statements.cypher — whether the store still keeps DEPENDS_ON statements as an earlier depwave did.
// Parameters: none.
// Answers: found ('edge' when a DEPENDS_ON edge has the aligned lists `sources`/`ranges`/`resolved_versions`/
// `scopes`, 'file' when a SourceFile has `depends_on_versions`) — at most one row of each.
// planner/store/upgrade.py converts such a store to `stated_by` / `depends_on` strings before an ingest.
MATCH ()-[d:DEPENDS_ON]->()
WHERE d.sources IS NOT NULL
RETURN 'edge' AS found
LIMIT 1
UNION
MATCH (s:SourceFile)
WHERE s.depends_on_versions IS NOT NULL
RETURN 'file' AS found
LIMIT 1
