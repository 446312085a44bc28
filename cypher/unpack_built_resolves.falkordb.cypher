// dialect: falkordb
// unpack_built_resolves.falkordb.cypher — a fresh build's RESOLVES lists (planner/store/bulk_build.py). GRAPH.BULK
// keeps a leaked copy of every string of a list it stores (FalkorDB 4.x), so a build sends each edge's
// `chain` and `hashes` packed into one string, its items between $sep.list as in load_sources' rows, and
// this splits them, for the projects of the part just built (an edge of a project that an earlier part
// built is a list already: only strings are split).
// Parameters: $projects (Project keys), $sep. Answers: edges.
UNWIND $projects AS k
MATCH (:Project {key: k})-[r:RESOLVES]->()
WHERE typeOf(r.chain) = 'String' OR typeOf(r.hashes) = 'String'
SET r.chain = CASE typeOf(r.chain) WHEN 'String' THEN split(r.chain, $sep.list) ELSE r.chain END,
    r.hashes = CASE typeOf(r.hashes) WHEN 'String' THEN split(r.hashes, $sep.list) ELSE r.hashes END
RETURN count(r) AS edges
