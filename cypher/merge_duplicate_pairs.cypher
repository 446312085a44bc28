// merge_duplicate_pairs.cypher — make each DEPENDS_ON pair that some sources state one edge again, where
// a faulty load wrote it twice (the check after a load, planner/ingest/verify.py): the first edge keeps
// every statement of them all and the others go. A statement now held twice is cut out whole when its
// source is loaded again, which the check does next.
// Parameters: $sources (source keys, repo:path), $sep (the separators, planner/store/statements.py).
// Answers: merged (pairs that had more than one edge).
UNWIND $sources AS key
MATCH (sf:SourceFile {key: key})
WITH sf WHERE coalesce(sf.depends_on, '') <> ''
UNWIND split(sf.depends_on, $sep.end) AS entry
WITH split(entry, $sep.field) AS f
WHERE size(f) = 5
WITH DISTINCT f[0] AS version, f[1] AS package
MATCH (:Version {key: version})-[d:DEPENDS_ON]->(:Package {key: package})
WITH version, package, collect(d) AS edges
WHERE size(edges) > 1
WITH edges[0] AS kept, edges[1..] AS extra,
     reduce(s = [], e IN edges | s + e.stated_by + coalesce(e.stated_by_tail, [])) AS joined
SET kept.stated_by = joined, kept.stated_by_tail = null
FOREACH (e IN extra | DELETE e)
RETURN count(*) AS merged
