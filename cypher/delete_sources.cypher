// delete_sources.cypher — forget files: their SourceFile nodes and every edge they stamped.
// Parameters: $sources (list of source keys repo:path), $sep (planner.store.statements.SEP_PARAM).
// Answers: how many SourceFile nodes were removed. Run delete_orphans.cypher afterwards.
// A DEPENDS_ON edge is shared by every source that states its (version, package) pair: it keeps one
// token per stating source in `stated_by`, a list of strings (planner/store/statements.py). Each source's
// tokens are rebuilt from its SourceFile's `depends_on` entries ($sep: the separators) and cut out of each
// string, which goes when empty; the edge goes only when nothing is left.
OPTIONAL MATCH (sf:SourceFile) WHERE sf.key IN $sources
WITH sf WHERE coalesce(sf.depends_on, '') <> ''
UNWIND split(sf.depends_on, $sep.end) AS e
WITH sf, split(e, $sep.field) AS f
WHERE size(f) = 5
MATCH (:Version {key: f[0]})-[d:DEPENDS_ON]->(:Package {key: f[1]})
WITH d, collect($sep.start + sf.key + $sep.field + f[2] + $sep.field + f[3] + $sep.field + f[4] + $sep.end) AS gone
WITH d, [c IN [] + d.stated_by |  // each string is cut by the gone tokens it holds, not by all of them
         reduce(s = c, t IN [t IN split(c, $sep.end) WHERE (t + $sep.end) IN gone] |
                replace(s, t + $sep.end, ''))] AS cut
WITH d, [c IN cut WHERE c <> ''] AS kept
FOREACH (x IN CASE WHEN size(kept) = 0 THEN [1] ELSE [] END | DELETE d)
FOREACH (x IN CASE WHEN size(kept) > 0 THEN [1] ELSE [] END | SET d.stated_by = kept)
WITH count(*) AS shared
MATCH ()-[r]->()
WHERE r.source IN $sources
DELETE r
WITH count(*) AS edges
MATCH (s:SourceFile)
WHERE s.key IN $sources
DETACH DELETE s
RETURN count(*) AS removed
