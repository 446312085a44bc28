// link_owners.cypher — replace every derived OWNS edge (owner -> project, owner -> service), atomically.
// Parameters:
//   $run           the run id stamped on the edges
//   $project_rows  [{owner, target, props}] props: rule, basis (codeowners | catalog), section, file, line
//   $service_rows  [{owner, target, props}] props: rule, basis (catalog | manifest), section, file, line
// Answers: projects, services (edges written; one row even when either list is empty). OWNS edges written by loaders (source repo:path) are kept.
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
// one extra empty row, so that the answer has a row (and the project count) when no service has an owner
UNWIND $service_rows + [{}] AS row
OPTIONAL MATCH (o2:Owner {key: row.owner})
OPTIONAL MATCH (s:Service {key: row.target})
FOREACH (_ IN CASE WHEN o2 IS NULL OR s IS NULL THEN [] ELSE [1] END |
  CREATE (o2)-[r2:OWNS]->(s)
  SET r2 += row.props, r2.source = 'link:owners', r2.run = $run)
RETURN projects, sum(CASE WHEN o2 IS NULL OR s IS NULL THEN 0 ELSE 1 END) AS services
