// add_staged_statements.cypher — note, before a part of a big file is loaded, the DEPENDS_ON pairs its rows state.
// Parameters: $staged (the staging source key), $source (the real key), $entries (the part's `depends_on`
// entries, planner/store/statements.py).
// Answers: length (of the staging SourceFile's entries now). Run before the part's load_sources so that a
// part that loads is always listed: delete_sources.cypher and swap_staged_source.cypher find a source's
// DEPENDS_ON statements through these entries (an entry listed but not loaded is harmless). A new staging
// copy starts with an empty `resolves_for`, which each part's load extends.
MERGE (s:SourceFile {key: $staged})
SET s.staged_for = $source, s.depends_on = coalesce(s.depends_on, '') + $entries,
    s.resolves_for = coalesce(s.resolves_for, [])
RETURN size(s.depends_on) AS length
