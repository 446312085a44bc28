// delete_sources.cypher — forget files: their SourceFile nodes and every edge they stamped.
// Parameters: $sources (list of source keys repo:path).
// Answers: how many SourceFile nodes were removed. Run delete_orphans.cypher afterwards.
MATCH ()-[r]->()
WHERE r.source IN $sources
DELETE r
WITH count(*) AS edges
MATCH (s:SourceFile)
WHERE s.key IN $sources
DETACH DELETE s
RETURN count(*) AS removed
