// link_built_from.cypher — replace every derived (:Image)-[:BUILT_FROM]->(:Project) edge, atomically.
// Parameters:
//   $run   the run id stamped on the edges
//   $rows  [{image, project, props}] props: match, build_repo, build_path, dockerfile, path_match, file, line
// Answers: created (edges written). Edges that loaders wrote themselves (source repo:path) are kept.
OPTIONAL MATCH ()-[old:BUILT_FROM]->()
WHERE old.source = 'link:built_from'
DELETE old
WITH count(*) AS removed
UNWIND $rows AS row
MATCH (i:Image {key: row.image})
MATCH (p:Project {key: row.project})
CREATE (i)-[r:BUILT_FROM]->(p)
SET r += row.props, r.source = 'link:built_from', r.run = $run
RETURN count(r) AS created
