// set_source_statements.cypher — give SourceFiles their `depends_on` entries (the store upgrade).
// Parameters: $rows ([[source key, depends_on], ...]).
// Answers: updated (SourceFiles found).
UNWIND $rows AS r
MATCH (s:SourceFile {key: r[0]})
SET s.depends_on = r[1]
RETURN count(*) AS updated
