// count_graph.falkordb.cypher — nodes per label and relationships per type, from FalkorDB's own statistics.
// Parameters: none.  Answers: one row: labels (label -> count), relTypes (type -> count).
// The embedded store only: FalkorDB keeps these counts as the graph changes, so this answers at once
// where count_relationships.cypher scans every relationship (1-2 s at 1M edges). Neo4j (no such
// procedure) uses count_nodes.cypher and count_relationships.cypher.
CALL db.meta.stats() YIELD labels, relTypes
RETURN labels, relTypes
