// swap_staged_source.cypher — make a big file's staged parts its real content, in one atomic statement.
// Parameters:
//   $source  the real source key (repo:path) whose previous edges go
//   $staged  the staging source key its parts were loaded under (load_sources.cypher, part by part)
//   $props   the real SourceFile's properties (sha256, loader, root, inputs, ...; not depends_on_versions)
//   $versions the Version keys whose DEPENDS_ON edges the file states (what add_staged_versions.cypher listed;
//            not copied from the staging node, which this statement deletes)
//   $run     the ingest run id
// Answers: moved (how many staged edges now belong to $source).
// A big file is loaded as several statements under a staging key (planner/store/source_parts.py); until
// this statement runs the real source keeps its previous edges, so a crash leaves either the old file
// or the new one, never a mix (the staging copy is deleted by the next ingest: list_staged_sources.cypher).
// Steps: the real source's DEPENDS_ON statements are forgotten (as in load_sources.cypher) and its other
// edges deleted; the staged DEPENDS_ON statements and edges are renamed to $source; the DESCRIBES edges
// move from the staging SourceFile to the real one, which gets $versions.
MERGE (real1:SourceFile {key: $source})
WITH coalesce(real1.depends_on_versions, []) AS vk1s
UNWIND vk1s AS vk1
MATCH (:Version {key: vk1})-[old1:DEPENDS_ON]->()
WITH DISTINCT old1
WITH old1, [i IN range(0, size(old1.sources) - 1) WHERE old1.sources[i] <> $source] AS keep1
FOREACH (x IN CASE WHEN size(keep1) = 0 THEN [1] ELSE [] END | DELETE old1)
FOREACH (x IN CASE WHEN size(keep1) > 0 THEN [1] ELSE [] END |
  SET old1.sources = [i IN keep1 | old1.sources[i]], old1.ranges = [i IN keep1 | old1.ranges[i]],
      old1.resolved_versions = [i IN keep1 | old1.resolved_versions[i]], old1.scopes = [i IN keep1 | old1.scopes[i]])
WITH count(*) AS step1
OPTIONAL MATCH ()-[old2]->() WHERE old2.source = $source
DELETE old2
WITH count(*) AS step2
OPTIONAL MATCH (st3:SourceFile {key: $staged})
WITH coalesce(st3.depends_on_versions, []) AS vk3s
UNWIND vk3s AS vk3
MATCH (:Version {key: vk3})-[new3:DEPENDS_ON]->()
WITH DISTINCT new3
SET new3.sources = [s IN new3.sources | CASE WHEN s = $staged THEN $source ELSE s END]
WITH count(*) AS step3
MATCH (st4:SourceFile {key: $staged})-[d4:DESCRIBES]->(p4:Project)
MATCH (real4:SourceFile {key: $source})
CREATE (real4)-[:DESCRIBES {source: $source, run: $run}]->(p4)
DELETE d4
WITH count(*) AS step4
OPTIONAL MATCH ()-[new5]->() WHERE new5.source = $staged
SET new5.source = $source
WITH count(new5) AS moved
MATCH (st6:SourceFile {key: $staged})
MATCH (real6:SourceFile {key: $source})
SET real6 += $props, real6.depends_on_versions = $versions, real6.run = $run,
    st6.depends_on_versions = [], st6.swapped = true
RETURN moved
