// list_walk_successors.cypher — one forward step along the edges the reverse walk of `depwave dependents`
// follows backwards: what some projects, versions and packages point at (planner/unreached.py: the nodes
// that can lead the walk to the projects it has not reached yet).
// Parameters: $projects, $versions, $packages (keys of nodes of each label; [] for none).
// Answers: key, label (its first label) — one row per node pointed at, whatever points at it.
// Result types: key=text, label=text
UNWIND $projects AS k
MATCH (:Project {key: k})-[:DECLARES|RESOLVES|USES_PROJECT|PUBLISHED_BY|DEPENDS_ON|VERSION_OF]->(y)
RETURN DISTINCT y.key AS key, labels(y)[0] AS label
UNION
UNWIND $versions AS k
MATCH (:Version {key: k})-[:DECLARES|RESOLVES|USES_PROJECT|PUBLISHED_BY|DEPENDS_ON|VERSION_OF]->(y)
RETURN DISTINCT y.key AS key, labels(y)[0] AS label
UNION
UNWIND $packages AS k
MATCH (:Package {key: k})-[:DECLARES|RESOLVES|USES_PROJECT|PUBLISHED_BY|DEPENDS_ON|VERSION_OF]->(y)
RETURN DISTINCT y.key AS key, labels(y)[0] AS label
