// delete_sources.cypher — forget files: their SourceFile nodes and every edge they stamped.
// Parameters: $sources (list of source keys repo:path).
// Answers: how many SourceFile nodes were removed. Run delete_orphans.cypher afterwards.
// A DEPENDS_ON edge is shared by every source that states its (version, package) pair (see
// load_sources.cypher): it forgets these sources and goes only when no source is left.
OPTIONAL MATCH (sf:SourceFile) WHERE sf.key IN $sources
WITH coalesce(sf.depends_on_versions, []) AS vks
UNWIND vks AS vk
MATCH (:Version {key: vk})-[d:DEPENDS_ON]->()
WITH DISTINCT d
WITH d, [i IN range(0, size(d.sources) - 1) WHERE NOT d.sources[i] IN $sources] AS keep
FOREACH (x IN CASE WHEN size(keep) = 0 THEN [1] ELSE [] END | DELETE d)
FOREACH (x IN CASE WHEN size(keep) > 0 THEN [1] ELSE [] END |
  SET d.sources = [i IN keep | d.sources[i]], d.ranges = [i IN keep | d.ranges[i]],
      d.resolved_versions = [i IN keep | d.resolved_versions[i]], d.scopes = [i IN keep | d.scopes[i]])
WITH count(*) AS shared
MATCH ()-[r]->()
WHERE r.source IN $sources
DELETE r
WITH count(*) AS edges
MATCH (s:SourceFile)
WHERE s.key IN $sources
DETACH DELETE s
RETURN count(*) AS removed
