// set_resolves_for.cypher — the store upgrade: each SourceFile lists the projects its RESOLVES edges start at.
// Parameters: none.
// Answers: listed (SourceFiles given the projects of their edges), empty (SourceFiles given [], stating none).
// An earlier depwave found a file's old RESOLVES edges through an index on their `source`; a load now finds
// them through `resolves_for` (load_sources.cypher), so a store without the lists gets them here, once,
// from a scan of every RESOLVES edge (one statement: run again after a cut, it gives the same lists).
MATCH (p:Project)-[r:RESOLVES]->()
WITH r.source AS source, collect(DISTINCT p.key) AS projects
MATCH (s:SourceFile {key: source})
SET s.resolves_for = projects
WITH count(*) AS listed
OPTIONAL MATCH (rest:SourceFile)
WHERE rest.resolves_for IS NULL
WITH listed, collect(rest) AS unlisted
FOREACH (s IN unlisted | SET s.resolves_for = [])
RETURN listed, size(unlisted) AS empty
