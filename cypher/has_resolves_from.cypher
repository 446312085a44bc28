// has_resolves_from.cypher — whether the linker's RESOLVES_FROM edges are in the store at all (a store
// written by a depwave from before they existed has none until they are derived).
// Parameters: none.
// Answers: present (boolean). Cost: one relationship, whatever the graph's size.
OPTIONAL MATCH ()-[f:RESOLVES_FROM]->()
WITH f
LIMIT 1
RETURN f IS NOT NULL AS present
