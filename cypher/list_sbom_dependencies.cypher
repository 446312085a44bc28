// list_sbom_dependencies.cypher — what some source files say versions depend on (the files a project's
// resolutions come from, so that an SBOM shows that build's graph and not another's).
// Parameters: $sources (list of source keys, repo:path).
// Answers: source, depends_on (the SourceFile's entries: one per DEPENDS_ON pair the file states, with its
// range, resolved version and scope; planner/store/statements.py reads them), legacy (true when an earlier
// depwave wrote the file's statements: planner/store/upgrade.py) — one row per file.
MATCH (s:SourceFile)
WHERE s.key IN $sources
RETURN s.key AS source, coalesce(s.depends_on, '') AS depends_on, s.depends_on_versions IS NOT NULL AS legacy
ORDER BY source
