// list_source_scans.cypher — one page of the stored source scans (without their text), to give each file to a project.
// Parameters: $after (the last key of the previous page; '' for the first), $limit (rows per page).
// Answers: key, repo, path, language, namespace (Java/Kotlin package) — one row per scanned source file, by key.
MATCH (s:SourceFile)
WHERE s.scan IS NOT NULL AND s.key > $after
RETURN s.key AS key, s.repo AS repo, s.path AS path, s.language AS language, s.namespace AS namespace
ORDER BY key
LIMIT $limit
