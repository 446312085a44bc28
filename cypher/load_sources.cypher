// load_sources.cypher — replace everything one batch of sources says, in one atomic statement.
// RENDERED by `python -m planner.store.render_load_cypher` from planner/store/relationships.py and
// planner/store/load_sources.tmpl: edit those, not this file (a test checks they agree).
// Parameters:
//   $sources  list of source keys (repo:path) whose previous edges are removed first
//   $run      the ingest run id stamped on every node and edge written
//   $<label>_rows  [{key, props}] for each node label (repo, sourcefile, project, package, version,
//                  image, service, environment, owner, advisory)
//   $version_of_rows  [{src, dst}] Version -> Package (structural, merged, never source-stamped)
//   $<type>_rows   [{src, dst, source, props}] for each other source-stamped relationship
//   $resolves_rows    [[project key, source, file, [packed edge, ...]], ...]: each edge one string,
//                  version key, scope, raw_scope, depth, chain, line, hashes between $sep.field, the
//                  chain's and the hashes' items between $sep.list, '' for none (planner/store/record_rows.py)
//   $depends_on_rows  [[version key, [[package key, stated_by tokens], ...]], ...]
//                  (the two big sets, grouped by start node — RESOLVES also by source, DEPENDS_ON by
//                  package —; null properties of RESOLVES are not stored)
//   $sep      {start, field, end, list}: the separators of DEPENDS_ON's statement strings and packed rows
// DEPENDS_ON is one edge per (version, package) pair: many SBOMs state the same pair, and the edge keeps
// who says so in `stated_by` followed by `stated_by_tail`, lists of strings: each load adds one, its
// sources' tokens for the pair (planner/store/statements.py; `[] + x` also reads the single string an
// earlier depwave wrote). A load's string goes to the tail, and the tail is moved onto `stated_by` at
// once while `stated_by` has fewer than 8 strings, else once it has 8 itself: a list is copied whole by
// every change, and at 10M edges, with up to 212 loads stating a popular pair, appending each load to
// `stated_by` was 96 s of the server's 214 s (BENCHMARKS.md, "The tail of stated_by"). A
// source's old statements are found through its SourceFile's `depends_on` (one entry per pair it stated,
// read here before the SourceFile rows below overwrite it): its tokens are rebuilt from the entries and
// cut out of each string of the edge (both lists, which become one), which goes when nothing is left.
// A source's old RESOLVES edges are found through the projects its SourceFile's `resolves_for` lists (the
// start node of each, read here before the SourceFile rows below overwrite it), not through an index on
// RESOLVES `source`: that index held ~133 MB at 1M edges and was updated on every edge loaded.
// Answers: rows written. One statement so that FalkorDB (no multi-statement transactions) and
// Neo4j (one transaction) both apply a batch completely or not at all.
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
UNWIND $repo_rows AS row
MERGE (n16:Repo {key: row.key})
SET n16 += row.props, n16.run = $run
WITH count(*) AS step16
UNWIND $sourcefile_rows AS row
MERGE (n17:SourceFile {key: row.key})
SET n17 += row.props, n17.run = $run
WITH count(*) AS step17
UNWIND $project_rows AS row
MERGE (n18:Project {key: row.key})
SET n18 += row.props, n18.run = $run
WITH count(*) AS step18
UNWIND $package_rows AS row
MERGE (n19:Package {key: row.key})
SET n19 += row.props, n19.run = $run
WITH count(*) AS step19
UNWIND $version_rows AS row
MERGE (n20:Version {key: row.key})
SET n20 += row.props, n20.run = $run
WITH count(*) AS step20
UNWIND $image_rows AS row
MERGE (n21:Image {key: row.key})
SET n21 += row.props, n21.run = $run
WITH count(*) AS step21
UNWIND $service_rows AS row
MERGE (n22:Service {key: row.key})
SET n22 += row.props, n22.run = $run
WITH count(*) AS step22
UNWIND $environment_rows AS row
MERGE (n23:Environment {key: row.key})
SET n23 += row.props, n23.run = $run
WITH count(*) AS step23
UNWIND $owner_rows AS row
MERGE (n24:Owner {key: row.key})
SET n24 += row.props, n24.run = $run
WITH count(*) AS step24
UNWIND $advisory_rows AS row
MERGE (n25:Advisory {key: row.key})
SET n25 += row.props, n25.run = $run
WITH count(*) AS step25
UNWIND $version_of_rows AS row
MATCH (v26:Version {key: row.src})
MATCH (p26:Package {key: row.dst})
MERGE (v26)-[:VERSION_OF]->(p26)
WITH count(*) AS step26
UNWIND $contains_rows AS row
MATCH (a27:Repo {key: row.src})
MATCH (b27:Project {key: row.dst})
CREATE (a27)-[r27:CONTAINS]->(b27)
SET r27 += row.props, r27.source = row.source, r27.run = $run
WITH count(*) AS step27
UNWIND $describes_rows AS row
MATCH (a28:SourceFile {key: row.src})
MATCH (b28:Project {key: row.dst})
CREATE (a28)-[r28:DESCRIBES]->(b28)
SET r28 += row.props, r28.source = row.source, r28.run = $run
WITH count(*) AS step28
UNWIND $declares_rows AS row
MATCH (a29:Project {key: row.src})
MATCH (b29:Package {key: row.dst})
CREATE (a29)-[r29:DECLARES]->(b29)
SET r29 += row.props, r29.source = row.source, r29.run = $run
WITH count(*) AS step29
UNWIND $constrains_rows AS row
MATCH (a30:Project {key: row.src})
MATCH (b30:Package {key: row.dst})
CREATE (a30)-[r30:CONSTRAINS]->(b30)
SET r30 += row.props, r30.source = row.source, r30.run = $run
WITH count(*) AS step30
UNWIND $uses_project_rows AS row
MERGE (a31:Project {key: row.src})
MERGE (b31:Project {key: row.dst})
CREATE (a31)-[r31:USES_PROJECT]->(b31)
SET r31 += row.props, r31.source = row.source, r31.run = $run
WITH count(*) AS step31
UNWIND [g IN $resolves_rows | g[0]] AS start32  // the start nodes first: a workspace member that a lockfile
MERGE (:Project {key: start32})                // names may have no node yet (its USES_PROJECT rows come later)
WITH count(*) AS starts32
UNWIND $resolves_rows AS g
MATCH (a32:Project {key: g[0]})
UNWIND g[3] AS packed  // carry on only g's scalars: FalkorDB copies a list a WITH passes on, per row
WITH a32, g[1] AS source32, g[2] AS file32, split(packed, $sep.field) AS row
MATCH (b32:Version {key: row[0]})
CREATE (a32)-[:RESOLVES {source: source32, run: $run, file: file32,
                         scope: CASE row[1] WHEN '' THEN null ELSE row[1] END,
                         raw_scope: CASE row[2] WHEN '' THEN null ELSE row[2] END,
                         depth: toInteger(row[3]),
                         chain: CASE row[4] WHEN '' THEN null ELSE split(row[4], $sep.list) END,
                         line: toInteger(row[5]),
                         hashes: CASE row[6] WHEN '' THEN null ELSE split(row[6], $sep.list) END}]->(b32)
WITH count(*) AS step32
UNWIND $depends_on_rows AS g
MATCH (a33:Version {key: g[0]})
UNWIND g[1] AS pg
MATCH (b33:Package {key: pg[0]})
MERGE (a33)-[r33:DEPENDS_ON]->(b33)
ON CREATE SET r33.stated_by = [pg[1]], r33.run = $run
ON MATCH SET r33.stated_by_tail = coalesce(r33.stated_by_tail, []) + [pg[1]], r33.run = $run
WITH r33
FOREACH (x IN CASE WHEN size(coalesce(r33.stated_by_tail, [])) >= 8
                     OR (r33.stated_by_tail IS NOT NULL AND size(coalesce(r33.stated_by, [])) < 8)
                   THEN [1] ELSE [] END |
         SET r33.stated_by = [] + coalesce(r33.stated_by, []) + r33.stated_by_tail, r33.stated_by_tail = null)
WITH count(*) AS step33
UNWIND $published_by_rows AS row
MATCH (a34:Package {key: row.src})
MATCH (b34:Project {key: row.dst})
CREATE (a34)-[r34:PUBLISHED_BY]->(b34)
SET r34 += row.props, r34.source = row.source, r34.run = $run
WITH count(*) AS step34
UNWIND $built_from_rows AS row
MATCH (a35:Image {key: row.src})
MATCH (b35:Project {key: row.dst})
CREATE (a35)-[r35:BUILT_FROM]->(b35)
SET r35 += row.props, r35.source = row.source, r35.run = $run
WITH count(*) AS step35
UNWIND $built_in_rows AS row
MATCH (a36:Image {key: row.src})
MATCH (b36:Repo {key: row.dst})
CREATE (a36)-[r36:BUILT_IN]->(b36)
SET r36 += row.props, r36.source = row.source, r36.run = $run
WITH count(*) AS step36
UNWIND $owns_path_rows AS row
MATCH (a37:Owner {key: row.src})
MATCH (b37:Repo {key: row.dst})
CREATE (a37)-[r37:OWNS_PATH]->(b37)
SET r37 += row.props, r37.source = row.source, r37.run = $run
WITH count(*) AS step37
UNWIND $runs_rows AS row
MATCH (a38:Service {key: row.src})
MATCH (b38:Image {key: row.dst})
CREATE (a38)-[r38:RUNS]->(b38)
SET r38 += row.props, r38.source = row.source, r38.run = $run
WITH count(*) AS step38
UNWIND $in_rows AS row
MATCH (a39:Service {key: row.src})
MATCH (b39:Environment {key: row.dst})
CREATE (a39)-[r39:IN]->(b39)
SET r39 += row.props, r39.source = row.source, r39.run = $run
WITH count(*) AS step39
UNWIND $owns_repo_rows AS row
MATCH (a40:Owner {key: row.src})
MATCH (b40:Repo {key: row.dst})
CREATE (a40)-[r40:OWNS]->(b40)
SET r40 += row.props, r40.source = row.source, r40.run = $run
WITH count(*) AS step40
UNWIND $owns_project_rows AS row
MATCH (a41:Owner {key: row.src})
MATCH (b41:Project {key: row.dst})
CREATE (a41)-[r41:OWNS]->(b41)
SET r41 += row.props, r41.source = row.source, r41.run = $run
WITH count(*) AS step41
UNWIND $owns_service_rows AS row
MATCH (a42:Owner {key: row.src})
MATCH (b42:Service {key: row.dst})
CREATE (a42)-[r42:OWNS]->(b42)
SET r42 += row.props, r42.source = row.source, r42.run = $run
WITH count(*) AS step42
UNWIND $affects_rows AS row
MATCH (a43:Advisory {key: row.src})
MATCH (b43:Package {key: row.dst})
CREATE (a43)-[r43:AFFECTS]->(b43)
SET r43 += row.props, r43.source = row.source, r43.run = $run
WITH count(*) AS step43
RETURN step43 AS last_rows
