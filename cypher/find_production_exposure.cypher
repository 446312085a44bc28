// find_production_exposure.cypher — which production services carry a package, and who owns them.
// Parameters: $package (versionless purl, e.g. pkg:maven/org.apache.logging.log4j/log4j-core).
// Answers: one row per production service and project that reaches the package: service, name,
// environment, image, origin (manifest | inventory: what really runs), project, repo, hops (fewest
// relationships from the project to the package), service_owners (catalog entries and CODEOWNERS of
// the manifest) and project_owners (CODEOWNERS of the project's manifest, catalog entries).
// Production = an environment named prod or production, or starting with prod-.
MATCH (x:Package {key: $package})
MATCH path = (p:Project)-[:DECLARES|RESOLVES|VERSION_OF|DEPENDS_ON|PUBLISHED_BY|USES_PROJECT*1..12]->(x)
WITH p, min(length(path)) AS hops
MATCH (p)<-[:BUILT_FROM]-(i:Image)<-[r:RUNS]-(s:Service)-[:IN]->(e:Environment)
WHERE e.name = 'prod' OR e.name = 'production' OR e.name STARTS WITH 'prod-'
OPTIONAL MATCH (so:Owner)-[:OWNS]->(s)
WITH p, hops, i, r, s, e, collect(DISTINCT so.key) AS service_owners
OPTIONAL MATCH (po:Owner)-[:OWNS]->(p)
WITH p, hops, i, r, s, e, service_owners, collect(DISTINCT po.key) AS project_owners
RETURN s.key AS service, s.name AS name, e.name AS environment, i.key AS image, r.origin AS origin,
       p.key AS project, p.repo AS repo, hops,
       [o IN service_owners WHERE o <> '(unowned)'] AS service_owners,
       [o IN project_owners WHERE o <> '(unowned)'] AS project_owners
ORDER BY environment, name, project, image, origin
