// load_calls.cypher — write (:Project)-[:CALLS]->(:Symbol) edges derived from the stored source scans.
// Parameters: $run (the ingest run id),
//   $rows ([{project, key, symbol, module, package, attribution, candidates, scope, count, sites, arguments}]:
//          one row per project, symbol and scope; sites are 'path:line:column', arguments one per site).
// Answers: rows (edges written).
UNWIND $rows AS row
MATCH (p:Project {key: row.project})
MERGE (s:Symbol {key: row.key})
SET s.symbol = row.symbol, s.module = row.module, s.package = row.package, s.run = $run
CREATE (p)-[c:CALLS]->(s)
SET c.scope = row.scope, c.count = row.count, c.sites = row.sites, c.arguments = row.arguments,
    c.attribution = row.attribution, c.candidates = row.candidates, c.run = $run
RETURN count(*) AS rows
