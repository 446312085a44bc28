// count_all_relationships.cypher — how many relationships the graph holds, all types together (the
// load benchmarks sample it between statements; FalkorDB answers from its matrices' sizes, where the
// per-type count_relationships scans).
// Parameters: none.  Answers: n.
MATCH ()-[r]->()
RETURN count(r) AS n
