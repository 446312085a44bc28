// delete_graph_batch.cypher — delete up to $limit nodes with their relationships (used by `db reset`
// on Neo4j, repeated until it answers 0, so that no single transaction grows unbounded).
// Parameters: $limit (integer).  Answers: deleted.
MATCH (n)
WITH n LIMIT $limit
DETACH DELETE n
RETURN count(*) AS deleted
