// swap_staged_source.cypher — make a big file's staged parts its real content, in one atomic statement.
// Parameters:
//   $source  the real source key (repo:path) whose previous edges go
//   $staged  the staging source key its parts were loaded under (load_sources.cypher, part by part)
//   $props   the real SourceFile's properties (sha256, loader, root, inputs, resolves_for: the projects
//            its parts' RESOLVES edges start at, ...; not depends_on)
//   $sep     the separators of DEPENDS_ON's statement strings (planner.store.statements.SEP_PARAM)
//   $run     the ingest run id
// Answers: moved (how many staged edges now belong to $source).
// A big file is loaded as several statements under a staging key (planner/store/source_parts.py); until
// this statement runs the real source keeps its previous edges, so a crash leaves either the old file
// or the new one, never a mix (the staging copy is deleted by the next ingest: list_staged_sources.cypher).
// Steps: the real source's DEPENDS_ON statements are forgotten (as in load_sources.cypher) and its other
// edges deleted; the staged DEPENDS_ON tokens (found through the entries add_staged_statements.cypher
// listed) and edges are renamed to $source; the DESCRIBES edges move from the staging SourceFile to the
// real one, which takes over the staged `depends_on` entries.
MERGE (real1:SourceFile {key: $source})
WITH real1 WHERE coalesce(real1.depends_on, '') <> ''
UNWIND split(real1.depends_on, $sep.end) AS e1
WITH real1, split(e1, $sep.field) AS f1
WHERE size(f1) = 5
MATCH (:Version {key: f1[0]})-[old1:DEPENDS_ON]->(:Package {key: f1[1]})
WITH old1, collect($sep.start + real1.key + $sep.field + f1[2] + $sep.field + f1[3] + $sep.field + f1[4] + $sep.end) AS gone1
WITH old1, [c IN [] + old1.stated_by | reduce(s = c, t IN gone1 | replace(s, t, ''))] AS cut1
WITH old1, [c IN cut1 WHERE c <> ''] AS kept1
FOREACH (x IN CASE WHEN size(kept1) = 0 THEN [1] ELSE [] END | DELETE old1)
FOREACH (x IN CASE WHEN size(kept1) > 0 THEN [1] ELSE [] END | SET old1.stated_by = kept1)
WITH count(*) AS step1
OPTIONAL MATCH ()-[old2]->() WHERE old2.source = $source
DELETE old2
WITH count(*) AS step2
OPTIONAL MATCH (st3:SourceFile {key: $staged})
WITH st3 WHERE coalesce(st3.depends_on, '') <> ''
UNWIND split(st3.depends_on, $sep.end) AS e3
WITH split(e3, $sep.field) AS f3
WHERE size(f3) = 5
MATCH (:Version {key: f3[0]})-[new3:DEPENDS_ON]->(:Package {key: f3[1]})
WITH DISTINCT new3
SET new3.stated_by = [c IN [] + new3.stated_by | replace(c, $sep.start + $staged + $sep.field, $sep.start + $source + $sep.field)]
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
SET real6 += $props, real6.depends_on = st6.depends_on, real6.run = $run,
    st6.depends_on = '', st6.swapped = true
RETURN moved
