// delete_calls.cypher — forget every CALLS edge and the Symbol nodes left without one (re-derived after each ingest).
// Parameters: none.
// Answers: edges, symbols (how many were removed).
OPTIONAL MATCH ()-[c:CALLS]->()
DELETE c
WITH count(c) AS edges
OPTIONAL MATCH (s:Symbol)
WHERE NOT (s)--()
DELETE s
RETURN edges, count(s) AS symbols
