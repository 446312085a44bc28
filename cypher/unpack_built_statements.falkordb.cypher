// dialect: falkordb
// unpack_built_statements.falkordb.cypher — a fresh build's DEPENDS_ON statements (planner/store/bulk_build.py):
// GRAPH.BULK keeps a leaked copy of every string of a list it stores (FalkorDB 4.x), so a build sends each
// pair's `stated_by` as one string, every load's statements of the pair between $sep.list, and this makes
// it the list of those strings that load statements make.
// Parameters: $versions (Version keys), $sep. Answers: edges.
UNWIND $versions AS k
MATCH (:Version {key: k})-[d:DEPENDS_ON]->()
WHERE typeOf(d.stated_by) = 'String'
SET d.stated_by = split(d.stated_by, $sep.list)
RETURN count(d) AS edges
