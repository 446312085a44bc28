// count_relationships.cypher — how many relationships of each type the graph holds.
// Parameters: none.  Answers: type, count.
MATCH ()-[r]->()
RETURN type(r) AS type, count(*) AS count
ORDER BY type
