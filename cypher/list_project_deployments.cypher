// list_project_deployments.cypher — where projects run: service, environment and image, through
// the images built from them.
// Parameters: $keys (list of project keys).
// Answers: project, service, name, environment, image, origin (manifest | inventory); each once, however
// many files state the deployment (kubernetes-manifests/, kustomize/ and release/ may all deploy one image).
MATCH (p:Project)<-[:BUILT_FROM]-(i:Image)<-[r:RUNS]-(s:Service)
WHERE p.key IN $keys
OPTIONAL MATCH (s)-[:IN]->(e:Environment)
RETURN DISTINCT p.key AS project, s.key AS service, s.name AS name, coalesce(e.name, s.environment) AS environment,
       i.key AS image, r.origin AS origin
ORDER BY project, environment, name, image, origin
