// count_nodes.cypher — how many nodes of each label the graph holds.
// Parameters: none.  Answers: label, count.
MATCH (n)
RETURN labels(n)[0] AS label, count(*) AS count
ORDER BY label
