// list_source_scans.cypher — the stored source scans (without their text), to give each file to a project.
// Parameters: none.
// Answers: key, repo, path, language, namespace (Java/Kotlin package) — one row per scanned source file.
MATCH (s:SourceFile)
WHERE s.scan IS NOT NULL
RETURN s.key AS key, s.repo AS repo, s.path AS path, s.language AS language, s.namespace AS namespace
ORDER BY key
