// append_source_statements.cypher — add `depends_on` entries to SourceFiles (the store upgrade, a chunk of versions at a time).
// Parameters: $rows ([[source key, entries], ...]).
// Answers: updated (SourceFiles found).
// clear_source_statements.cypher empties them first, so an upgrade cut short starts them over.
UNWIND $rows AS r
MATCH (s:SourceFile {key: r[0]})
SET s.depends_on = coalesce(s.depends_on, '') + r[1]
RETURN count(*) AS updated
