// delete_derived_links.cypher — remove every edge the linker derived (RESOLVES_FROM, and BUILT_FROM and
// OWNS with a `link:` source), so that they do not keep alive a project, image or owner whose files
// are gone; the ingest runs it before deleting orphans, and the linker derives them again right after.
// Parameters: none.
// Answers: removed (edges deleted).
OPTIONAL MATCH ()-[f:RESOLVES_FROM]->()
DELETE f
WITH count(f) AS resolves_from
OPTIONAL MATCH ()-[b:BUILT_FROM]->()
WHERE b.source = 'link:built_from'
DELETE b
WITH resolves_from, count(b) AS built_from
OPTIONAL MATCH ()-[o:OWNS]->()
WHERE o.source = 'link:owners'
DELETE o
WITH resolves_from, built_from, count(o) AS owns
RETURN resolves_from + built_from + owns AS removed
