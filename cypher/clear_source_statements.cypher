// clear_source_statements.cypher — the store upgrade's first step: empty `depends_on` where it is rebuilt.
// Parameters: none.
// Answers: cleared (SourceFiles still holding the earlier `depends_on_versions`, which the last step drops).
MATCH (s:SourceFile)
WHERE s.depends_on_versions IS NOT NULL
SET s.depends_on = ''
RETURN count(*) AS cleared
