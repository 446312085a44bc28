// load_sources.cypher — replace everything one batch of sources says, in one atomic statement.
// Parameters:
//   $sources  list of source keys (repo:path) whose previous edges are removed first
//   $run      the ingest run id stamped on every node and edge written
//   $<label>_rows  [{key, props}] for each node label (repo, sourcefile, project, package, version,
//                  image, service, environment, owner, advisory)
//   $version_of_rows  [{src, dst}] Version -> Package (structural, merged, never source-stamped)
//   $<type>_rows   [{src, dst, source, props}] for each other source-stamped relationship
//   $resolves_rows    [[project key, source, file, [[version key, scope, raw_scope, depth, chain, line, hashes], ...]], ...]
//   $depends_on_rows  [[version key, [[package key, [source, ...], [range, ...], [resolved, ...], [scope, ...]], ...]], ...]
//                  (the two big sets, grouped by start node — RESOLVES also by source, DEPENDS_ON by
//                  package —; null properties of RESOLVES are not stored)
// DEPENDS_ON is one edge per (version, package) pair: many SBOMs state the same pair, and the edge keeps
// who says so in four aligned lists — sources, ranges, resolved_versions, scopes ('' = that source does
// not say). A source's old statements are found through its SourceFile's depends_on_versions (read here
// before step 13 overwrites it): each such edge forgets the source, and goes when no source is left.
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
OPTIONAL MATCH ()-[old3c:CONSTRAINS]->() WHERE old3c.source IN $sources
DELETE old3c
WITH count(*) AS step3c
OPTIONAL MATCH ()-[old3u:USES_PROJECT]->() WHERE old3u.source IN $sources
DELETE old3u
WITH count(*) AS step3u
OPTIONAL MATCH ()-[old3b:BUILT_IN]->() WHERE old3b.source IN $sources
DELETE old3b
WITH count(*) AS step3b
OPTIONAL MATCH ()-[old3o:OWNS_PATH]->() WHERE old3o.source IN $sources
DELETE old3o
WITH count(*) AS step3o
OPTIONAL MATCH ()-[old4:RESOLVES]->() WHERE old4.source IN $sources
DELETE old4
WITH count(*) AS step4
OPTIONAL MATCH (sf5:SourceFile) WHERE sf5.key IN $sources
WITH coalesce(sf5.depends_on_versions, []) AS vk5s
UNWIND vk5s AS vk5
MATCH (:Version {key: vk5})-[old5:DEPENDS_ON]->()
WITH DISTINCT old5
WITH old5, [i IN range(0, size(old5.sources) - 1) WHERE NOT old5.sources[i] IN $sources] AS keep5
FOREACH (x IN CASE WHEN size(keep5) = 0 THEN [1] ELSE [] END | DELETE old5)
FOREACH (x IN CASE WHEN size(keep5) > 0 THEN [1] ELSE [] END |
  SET old5.sources = [i IN keep5 | old5.sources[i]], old5.ranges = [i IN keep5 | old5.ranges[i]],
      old5.resolved_versions = [i IN keep5 | old5.resolved_versions[i]], old5.scopes = [i IN keep5 | old5.scopes[i]])
WITH count(*) AS step5
OPTIONAL MATCH ()-[old6:PUBLISHED_BY]->() WHERE old6.source IN $sources
DELETE old6
WITH count(*) AS step6
OPTIONAL MATCH ()-[old7:BUILT_FROM]->() WHERE old7.source IN $sources
DELETE old7
WITH count(*) AS step7
OPTIONAL MATCH ()-[old8:RUNS]->() WHERE old8.source IN $sources
DELETE old8
WITH count(*) AS step8
OPTIONAL MATCH ()-[old9:IN]->() WHERE old9.source IN $sources
DELETE old9
WITH count(*) AS step9
OPTIONAL MATCH ()-[old10:OWNS]->() WHERE old10.source IN $sources
DELETE old10
WITH count(*) AS step10
OPTIONAL MATCH ()-[old11:AFFECTS]->() WHERE old11.source IN $sources
DELETE old11
WITH count(*) AS step11
UNWIND $repo_rows AS row
MERGE (n12:Repo {key: row.key})
SET n12 += row.props, n12.run = $run
WITH count(*) AS step12
UNWIND $sourcefile_rows AS row
MERGE (n13:SourceFile {key: row.key})
SET n13 += row.props, n13.run = $run
WITH count(*) AS step13
UNWIND $project_rows AS row
MERGE (n14:Project {key: row.key})
SET n14 += row.props, n14.run = $run
WITH count(*) AS step14
UNWIND $package_rows AS row
MERGE (n15:Package {key: row.key})
SET n15 += row.props, n15.run = $run
WITH count(*) AS step15
UNWIND $version_rows AS row
MERGE (n16:Version {key: row.key})
SET n16 += row.props, n16.run = $run
WITH count(*) AS step16
UNWIND $image_rows AS row
MERGE (n17:Image {key: row.key})
SET n17 += row.props, n17.run = $run
WITH count(*) AS step17
UNWIND $service_rows AS row
MERGE (n18:Service {key: row.key})
SET n18 += row.props, n18.run = $run
WITH count(*) AS step18
UNWIND $environment_rows AS row
MERGE (n19:Environment {key: row.key})
SET n19 += row.props, n19.run = $run
WITH count(*) AS step19
UNWIND $owner_rows AS row
MERGE (n20:Owner {key: row.key})
SET n20 += row.props, n20.run = $run
WITH count(*) AS step20
UNWIND $advisory_rows AS row
MERGE (n21:Advisory {key: row.key})
SET n21 += row.props, n21.run = $run
WITH count(*) AS step21
UNWIND $version_of_rows AS row
MATCH (v22:Version {key: row.src})
MATCH (p22:Package {key: row.dst})
MERGE (v22)-[:VERSION_OF]->(p22)
WITH count(*) AS step22
UNWIND $contains_rows AS row
MATCH (a23:Repo {key: row.src})
MATCH (b23:Project {key: row.dst})
CREATE (a23)-[r23:CONTAINS]->(b23)
SET r23 += row.props, r23.source = row.source, r23.run = $run
WITH count(*) AS step23
UNWIND $describes_rows AS row
MATCH (a24:SourceFile {key: row.src})
MATCH (b24:Project {key: row.dst})
CREATE (a24)-[r24:DESCRIBES]->(b24)
SET r24 += row.props, r24.source = row.source, r24.run = $run
WITH count(*) AS step24
UNWIND $declares_rows AS row
MATCH (a25:Project {key: row.src})
MATCH (b25:Package {key: row.dst})
CREATE (a25)-[r25:DECLARES]->(b25)
SET r25 += row.props, r25.source = row.source, r25.run = $run
WITH count(*) AS step25
UNWIND $constrains_rows AS row
MATCH (a40:Project {key: row.src})
MATCH (b40:Package {key: row.dst})
CREATE (a40)-[r40:CONSTRAINS]->(b40)
SET r40 += row.props, r40.source = row.source, r40.run = $run
WITH count(*) AS step40
UNWIND $uses_project_rows AS row
MERGE (a41:Project {key: row.src})
MERGE (b41:Project {key: row.dst})
CREATE (a41)-[r41:USES_PROJECT]->(b41)
SET r41 += row.props, r41.source = row.source, r41.run = $run
WITH count(*) AS step41
UNWIND $resolves_rows AS g
MATCH (a26:Project {key: g[0]})
UNWIND g[3] AS row
MATCH (b26:Version {key: row[0]})
CREATE (a26)-[:RESOLVES {source: g[1], run: $run, file: g[2], scope: row[1], raw_scope: row[2], depth: row[3],
                         chain: row[4], line: row[5], hashes: row[6]}]->(b26)
WITH count(*) AS step26
UNWIND $depends_on_rows AS g
MATCH (a27:Version {key: g[0]})
UNWIND g[1] AS pg
MATCH (b27:Package {key: pg[0]})
MERGE (a27)-[r27:DEPENDS_ON]->(b27)
ON CREATE SET r27.sources = pg[1], r27.ranges = pg[2], r27.resolved_versions = pg[3], r27.scopes = pg[4], r27.run = $run
ON MATCH SET r27.sources = r27.sources + pg[1], r27.ranges = r27.ranges + pg[2],
             r27.resolved_versions = r27.resolved_versions + pg[3], r27.scopes = r27.scopes + pg[4], r27.run = $run
WITH count(*) AS step27
UNWIND $published_by_rows AS row
MATCH (a28:Package {key: row.src})
MATCH (b28:Project {key: row.dst})
CREATE (a28)-[r28:PUBLISHED_BY]->(b28)
SET r28 += row.props, r28.source = row.source, r28.run = $run
WITH count(*) AS step28
UNWIND $built_from_rows AS row
MATCH (a29:Image {key: row.src})
MATCH (b29:Project {key: row.dst})
CREATE (a29)-[r29:BUILT_FROM]->(b29)
SET r29 += row.props, r29.source = row.source, r29.run = $run
WITH count(*) AS step29
UNWIND $built_in_rows AS row
MATCH (a42:Image {key: row.src})
MATCH (b42:Repo {key: row.dst})
CREATE (a42)-[r42:BUILT_IN]->(b42)
SET r42 += row.props, r42.source = row.source, r42.run = $run
WITH count(*) AS step42
UNWIND $owns_path_rows AS row
MATCH (a43:Owner {key: row.src})
MATCH (b43:Repo {key: row.dst})
CREATE (a43)-[r43:OWNS_PATH]->(b43)
SET r43 += row.props, r43.source = row.source, r43.run = $run
WITH count(*) AS step43
UNWIND $runs_rows AS row
MATCH (a30:Service {key: row.src})
MATCH (b30:Image {key: row.dst})
CREATE (a30)-[r30:RUNS]->(b30)
SET r30 += row.props, r30.source = row.source, r30.run = $run
WITH count(*) AS step30
UNWIND $in_rows AS row
MATCH (a31:Service {key: row.src})
MATCH (b31:Environment {key: row.dst})
CREATE (a31)-[r31:IN]->(b31)
SET r31 += row.props, r31.source = row.source, r31.run = $run
WITH count(*) AS step31
UNWIND $owns_repo_rows AS row
MATCH (a32:Owner {key: row.src})
MATCH (b32:Repo {key: row.dst})
CREATE (a32)-[r32:OWNS]->(b32)
SET r32 += row.props, r32.source = row.source, r32.run = $run
WITH count(*) AS step32
UNWIND $owns_project_rows AS row
MATCH (a33:Owner {key: row.src})
MATCH (b33:Project {key: row.dst})
CREATE (a33)-[r33:OWNS]->(b33)
SET r33 += row.props, r33.source = row.source, r33.run = $run
WITH count(*) AS step33
UNWIND $owns_service_rows AS row
MATCH (a34:Owner {key: row.src})
MATCH (b34:Service {key: row.dst})
CREATE (a34)-[r34:OWNS]->(b34)
SET r34 += row.props, r34.source = row.source, r34.run = $run
WITH count(*) AS step34
UNWIND $affects_rows AS row
MATCH (a35:Advisory {key: row.src})
MATCH (b35:Package {key: row.dst})
CREATE (a35)-[r35:AFFECTS]->(b35)
SET r35 += row.props, r35.source = row.source, r35.run = $run
WITH count(*) AS step35
RETURN step35 AS last_rows
