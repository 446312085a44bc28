// finish_legacy_statements.cypher — the last step of the store upgrade: SourceFiles drop `depends_on_versions`.
// Parameters: none.
// Answers: finished (SourceFiles changed). Every SourceFile that stated a pair has its `depends_on` by now
// (append_source_statements.cypher); one that stated none keeps the '' clear_source_statements.cypher gave it.
MATCH (s:SourceFile)
WHERE s.depends_on_versions IS NOT NULL
SET s.depends_on = coalesce(s.depends_on, ''), s.depends_on_versions = null
RETURN count(*) AS finished
