// find_legacy_statements.cypher — whether the store still keeps DEPENDS_ON statements as an earlier depwave did.
// Parameters: none.
// Answers: found ('file') — at most one row: a SourceFile still has `depends_on_versions`.
// planner/store/upgrade.py converts such a store to `stated_by` / `depends_on` strings before an ingest.
// The SourceFiles alone say it: the depwave that wrote the aligned lists on DEPENDS_ON (`sources`,
// `ranges`, `resolved_versions`, `scopes`) wrote `depends_on_versions` on every SourceFile with them
// (7b85781), and the upgrade drops those last (finish_legacy_statements.cypher), once every edge is
// converted, so a cut upgrade is still found. Looking at the edges as well scanned every DEPENDS_ON edge
// on every ingest: 2.2-3.1 s at 10M edges.
MATCH (s:SourceFile)
WHERE s.depends_on_versions IS NOT NULL
RETURN 'file' AS found
LIMIT 1
