// set_source_projects.cypher — record which project each scanned source file belongs to.
// Parameters: $rows ([{key, project}]: source key, project key or null when no project holds the file).
// Answers: rows (files updated).
UNWIND $rows AS row
MATCH (s:SourceFile {key: row.key})
SET s.project = row.project
RETURN count(*) AS rows
