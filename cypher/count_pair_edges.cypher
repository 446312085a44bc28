// count_pair_edges.cypher — the DEPENDS_ON edges of some versions, counted per (version, package) pair
// with the length of the statements they hold: the check after a load (planner/ingest/verify.py) wants
// one edge per pair, its `stated_by` at least as long as the statements the ingest sent for it (a
// length is cheap to read; counting the statements in 1.4M of them cost 0.7 s at 1M edges).
// Parameters: $versions (Version keys).
// Answers: version, package, edges, length (characters of the strings of `stated_by` and `stated_by_tail`
// on those edges) — one row per pair.
UNWIND $versions AS key
MATCH (v:Version {key: key})-[d:DEPENDS_ON]->(p:Package)
RETURN v.key AS version, p.key AS package, count(d) AS edges,
       sum(reduce(n = 0, c IN [] + d.stated_by | n + size(c))
           + reduce(n = 0, c IN coalesce(d.stated_by_tail, []) | n + size(c))) AS length
