// link_owners.cypher — replace every derived OWNS edge (owner -> project, owner -> service), atomically.
// Parameters:
//   $run           the run id stamped on the edges
//   $project_rows  [{owner, target, props}] props: rule, basis (codeowners | catalog), section, file, line
//   $service_rows  [{owner, target, props}] props: rule, basis (catalog | manifest), section, file, line
// Answers: created (edges written). OWNS edges written by loaders (source repo:path) are kept.
OPTIONAL MATCH ()-[old:OWNS]->()
WHERE old.source = 'link:owners'
DELETE old
WITH count(*) AS removed
UNWIND $project_rows AS row
MATCH (o:Owner {key: row.owner})
MATCH (p:Project {key: row.target})
CREATE (o)-[r:OWNS]->(p)
SET r += row.props, r.source = 'link:owners', r.run = $run
WITH count(*) AS projects
UNWIND $service_rows AS row
MATCH (o2:Owner {key: row.owner})
MATCH (s:Service {key: row.target})
CREATE (o2)-[r2:OWNS]->(s)
SET r2 += row.props, r2.source = 'link:owners', r2.run = $run
RETURN projects, count(r2) AS services
