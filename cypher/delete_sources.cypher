// delete_sources.cypher — forget files: their SourceFile nodes and every edge they stamped.
// RENDERED by `python -m planner.store.render_load_cypher` from planner/store/relationships.py and
// planner/store/load_sources.tmpl: edit those, not this file (a test checks they agree).
// Parameters: $sources (list of source keys repo:path), $sep (planner.store.statements.SEP_PARAM).
// Answers: removed (how many SourceFile nodes went). Run delete_orphans.cypher afterwards.
// Each type's edges are found as a load finds a file's old edges (the same fragments as
// load_sources.cypher): an index lookup on `source`; RESOLVES through the projects the SourceFile's
// `resolves_for` lists; DEPENDS_ON is shared by every source that states its (version, package) pair, so
// each source's tokens are rebuilt from its SourceFile's `depends_on` entries and cut out of each string
// of `stated_by` and `stated_by_tail`, which goes when empty; the edge goes only when nothing is left.
// No scan of every relationship: at 10M edges one took 16-23 s for a single file.
OPTIONAL MATCH ()-[old1:CONTAINS]->() WHERE old1.source IN $sources
DELETE old1
WITH count(*) AS step1
OPTIONAL MATCH ()-[old2:DESCRIBES]->() WHERE old2.source IN $sources
DELETE old2
WITH count(*) AS step2
OPTIONAL MATCH ()-[old3:DECLARES]->() WHERE old3.source IN $sources
DELETE old3
WITH count(*) AS step3
OPTIONAL MATCH ()-[old4:CONSTRAINS]->() WHERE old4.source IN $sources
DELETE old4
WITH count(*) AS step4
OPTIONAL MATCH ()-[old5:USES_PROJECT]->() WHERE old5.source IN $sources
DELETE old5
WITH count(*) AS step5
OPTIONAL MATCH (sf6:SourceFile) WHERE sf6.key IN $sources
UNWIND coalesce(sf6.resolves_for, []) AS p6  // the start nodes this file's edges leave from
WITH sf6.key AS source6, p6  // FalkorDB: a MATCH after an OPTIONAL MATCH needs a WITH between
MATCH (:Project {key: p6})-[old6:RESOLVES]->() WHERE old6.source = source6
DELETE old6
WITH count(*) AS step6
OPTIONAL MATCH (sf7:SourceFile) WHERE sf7.key IN $sources
WITH sf7 WHERE coalesce(sf7.depends_on, '') <> ''
UNWIND split(sf7.depends_on, $sep.end) AS e7
WITH sf7, split(e7, $sep.field) AS f7
WHERE size(f7) = 5
MATCH (:Version {key: f7[0]})-[old7:DEPENDS_ON]->(:Package {key: f7[1]})
WITH old7, collect($sep.start + sf7.key + $sep.field + f7[2] + $sep.field + f7[3] + $sep.field + f7[4] + $sep.end) AS gone7
WITH old7, [c IN [] + coalesce(old7.stated_by, []) + coalesce(old7.stated_by_tail, []) |
              // each string is cut by the gone tokens it holds, not by all of them
              reduce(s = c, t IN [t IN split(c, $sep.end) WHERE (t + $sep.end) IN gone7] |
                     replace(s, t + $sep.end, ''))] AS cut7
WITH old7, [c IN cut7 WHERE c <> ''] AS kept7
FOREACH (x IN CASE WHEN size(kept7) = 0 THEN [1] ELSE [] END | DELETE old7)
FOREACH (x IN CASE WHEN size(kept7) > 0 THEN [1] ELSE [] END |
         SET old7.stated_by = kept7, old7.stated_by_tail = null)
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
MATCH (s16:SourceFile)
WHERE s16.key IN $sources
DETACH DELETE s16
RETURN count(*) AS removed
