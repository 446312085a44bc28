// count_projects.cypher — how many projects the graph holds (`depwave dependents` lists the ones its walk
// has not reached once few are left: planner/unreached.py).
// Parameters: none.
// Answers: count.
// Result types: count=int
MATCH (p:Project)
RETURN count(p) AS count
