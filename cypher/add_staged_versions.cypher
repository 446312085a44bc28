// add_staged_versions.cypher — note, before a part of a big file is loaded, which versions its DEPENDS_ON rows state.
// Parameters: $staged (the staging source key), $source (the real key), $versions (list of Version keys).
// Answers: how many versions the staging SourceFile lists now. Run before the part's load_sources so that
// a part that loads is always listed: delete_sources.cypher and swap_staged_source.cypher find a source's
// DEPENDS_ON statements through this list (a version listed but not stated is harmless).
MERGE (s:SourceFile {key: $staged})
SET s.staged_for = $source, s.depends_on_versions = coalesce(s.depends_on_versions, []) + $versions
RETURN size(s.depends_on_versions) AS versions
