// swap_staged_source.cypher — make a big file's staged parts its real content, in one atomic statement.
// RENDERED by `python -m planner.store.render_load_cypher` from planner/store/relationships.py and
// planner/store/load_sources.tmpl: edit those, not this file (a test checks they agree).
// Parameters:
//   $source   the real source key (repo:path) whose previous edges go
//   $sources  [$source] (the list the delete fragments of load_sources.cypher read)
//   $staged   the staging source key its parts were loaded under (load_sources.cypher, part by part)
//   $props    the real SourceFile's properties (sha256, loader, root, inputs, resolves_for: the projects
//             its parts' RESOLVES edges start at, ...; not depends_on)
//   $sep      the separators of DEPENDS_ON's statement strings (planner.store.statements.SEP_PARAM)
//   $run      the ingest run id
// Answers: swapped (1).
// A big file is loaded as several statements under a staging key (planner/store/source_parts.py); until
// this statement runs the real source keeps its previous edges, so a crash leaves either the old file
// or the new one, never a mix (the staging copy is deleted by the next ingest: list_staged_sources.cypher).
// Steps: the real source's DEPENDS_ON statements are forgotten and its other edges deleted, each type as
// a load finds them (an index lookup on `source`, RESOLVES through the real SourceFile's old
// `resolves_for`); the staged DEPENDS_ON tokens (found through the entries add_staged_statements.cypher
// listed) are renamed to $source; the DESCRIBES edges move from the staging SourceFile to the real one;
// the staged edges of each other type are renamed to $source (RESOLVES through the staging SourceFile's
// `resolves_for`, which every part's load extends); the real SourceFile takes over the staged
// `depends_on` entries. No scan of every relationship: at 10M edges two took 35-46 s for each big file.
MERGE (real1:SourceFile {key: $source})
WITH real1 WHERE coalesce(real1.depends_on, '') <> ''
UNWIND split(real1.depends_on, $sep.end) AS e1
WITH real1, split(e1, $sep.field) AS f1
WHERE size(f1) = 5
MATCH (:Version {key: f1[0]})-[old1:DEPENDS_ON]->(:Package {key: f1[1]})
WITH old1, collect($sep.start + real1.key + $sep.field + f1[2] + $sep.field + f1[3] + $sep.field + f1[4] + $sep.end) AS gone1
WITH old1, [c IN [] + coalesce(old1.stated_by, []) + coalesce(old1.stated_by_tail, []) |
              reduce(s = c, t IN gone1 | replace(s, t, ''))] AS cut1
WITH old1, [c IN cut1 WHERE c <> ''] AS kept1
FOREACH (x IN CASE WHEN size(kept1) = 0 THEN [1] ELSE [] END | DELETE old1)
FOREACH (x IN CASE WHEN size(kept1) > 0 THEN [1] ELSE [] END |
         SET old1.stated_by = kept1, old1.stated_by_tail = null)
WITH count(*) AS step1
OPTIONAL MATCH ()-[old2:CONTAINS]->() WHERE old2.source IN $sources
DELETE old2
WITH count(*) AS step2
OPTIONAL MATCH ()-[old3:DESCRIBES]->() WHERE old3.source IN $sources
DELETE old3
WITH count(*) AS step3
OPTIONAL MATCH ()-[old4:DECLARES]->() WHERE old4.source IN $sources
DELETE old4
WITH count(*) AS step4
OPTIONAL MATCH ()-[old5:CONSTRAINS]->() WHERE old5.source IN $sources
DELETE old5
WITH count(*) AS step5
OPTIONAL MATCH ()-[old6:USES_PROJECT]->() WHERE old6.source IN $sources
DELETE old6
WITH count(*) AS step6
OPTIONAL MATCH (sf7:SourceFile) WHERE sf7.key IN $sources
UNWIND coalesce(sf7.resolves_for, []) AS p7  // the start nodes this file's edges leave from
WITH sf7.key AS source7, p7  // FalkorDB: a MATCH after an OPTIONAL MATCH needs a WITH between
MATCH (:Project {key: p7})-[old7:RESOLVES]->() WHERE old7.source = source7
DELETE old7
WITH count(*) AS step7
OPTIONAL MATCH ()-[old8:PUBLISHED_BY]->() WHERE old8.source IN $sources
DELETE old8
WITH count(*) AS step8
OPTIONAL MATCH ()-[old9:BUILT_FROM]->() WHERE old9.source IN $sources
DELETE old9
WITH count(*) AS step9
OPTIONAL MATCH ()-[old10:BUILT_IN]->() WHERE old10.source IN $sources
DELETE old10
WITH count(*) AS step10
OPTIONAL MATCH ()-[old11:OWNS_PATH]->() WHERE old11.source IN $sources
DELETE old11
WITH count(*) AS step11
OPTIONAL MATCH ()-[old12:RUNS]->() WHERE old12.source IN $sources
DELETE old12
WITH count(*) AS step12
OPTIONAL MATCH ()-[old13:IN]->() WHERE old13.source IN $sources
DELETE old13
WITH count(*) AS step13
OPTIONAL MATCH ()-[old14:OWNS]->() WHERE old14.source IN $sources
DELETE old14
WITH count(*) AS step14
OPTIONAL MATCH ()-[old15:AFFECTS]->() WHERE old15.source IN $sources
DELETE old15
WITH count(*) AS step15
OPTIONAL MATCH (st16:SourceFile {key: $staged})
WITH st16 WHERE coalesce(st16.depends_on, '') <> ''
UNWIND split(st16.depends_on, $sep.end) AS e16
WITH split(e16, $sep.field) AS f16
WHERE size(f16) = 5
MATCH (:Version {key: f16[0]})-[new16:DEPENDS_ON]->(:Package {key: f16[1]})
WITH DISTINCT new16
SET new16.stated_by = [c IN [] + coalesce(new16.stated_by, []) + coalesce(new16.stated_by_tail, []) |
                        replace(c, $sep.start + $staged + $sep.field, $sep.start + $source + $sep.field)],
    new16.stated_by_tail = null
WITH count(*) AS step16
MATCH (st17:SourceFile {key: $staged})-[d17:DESCRIBES]->(p17:Project)
MATCH (real17:SourceFile {key: $source})
CREATE (real17)-[:DESCRIBES {source: $source, run: $run}]->(p17)
DELETE d17
WITH count(*) AS step17
OPTIONAL MATCH ()-[new18:CONTAINS]->() WHERE new18.source = $staged
SET new18.source = $source
WITH count(*) AS step18
OPTIONAL MATCH ()-[new19:DESCRIBES]->() WHERE new19.source = $staged
SET new19.source = $source
WITH count(*) AS step19
OPTIONAL MATCH ()-[new20:DECLARES]->() WHERE new20.source = $staged
SET new20.source = $source
WITH count(*) AS step20
OPTIONAL MATCH ()-[new21:CONSTRAINS]->() WHERE new21.source = $staged
SET new21.source = $source
WITH count(*) AS step21
OPTIONAL MATCH ()-[new22:USES_PROJECT]->() WHERE new22.source = $staged
SET new22.source = $source
WITH count(*) AS step22
OPTIONAL MATCH (st23:SourceFile {key: $staged})
UNWIND coalesce(st23.resolves_for, []) AS p23  // the start nodes the staged edges leave from
WITH p23  // FalkorDB: a MATCH after an OPTIONAL MATCH needs a WITH between
MATCH (:Project {key: p23})-[new23:RESOLVES]->() WHERE new23.source = $staged
SET new23.source = $source
WITH count(*) AS step23
OPTIONAL MATCH ()-[new24:PUBLISHED_BY]->() WHERE new24.source = $staged
SET new24.source = $source
WITH count(*) AS step24
OPTIONAL MATCH ()-[new25:BUILT_FROM]->() WHERE new25.source = $staged
SET new25.source = $source
WITH count(*) AS step25
OPTIONAL MATCH ()-[new26:BUILT_IN]->() WHERE new26.source = $staged
SET new26.source = $source
WITH count(*) AS step26
OPTIONAL MATCH ()-[new27:OWNS_PATH]->() WHERE new27.source = $staged
SET new27.source = $source
WITH count(*) AS step27
OPTIONAL MATCH ()-[new28:RUNS]->() WHERE new28.source = $staged
SET new28.source = $source
WITH count(*) AS step28
OPTIONAL MATCH ()-[new29:IN]->() WHERE new29.source = $staged
SET new29.source = $source
WITH count(*) AS step29
OPTIONAL MATCH ()-[new30:OWNS]->() WHERE new30.source = $staged
SET new30.source = $source
WITH count(*) AS step30
OPTIONAL MATCH ()-[new31:AFFECTS]->() WHERE new31.source = $staged
SET new31.source = $source
WITH count(*) AS step31
MATCH (st32:SourceFile {key: $staged})
MATCH (real32:SourceFile {key: $source})
SET real32 += $props, real32.depends_on = st32.depends_on, real32.run = $run,
    st32.depends_on = '', st32.swapped = true
RETURN 1 AS swapped
