// list_services.cypher — deployed services with the images they run and the projects those are built from.
// Parameters: none. Every service is returned: the caller filters by environment after normalising names
// ('production' is 'prod') and keeps services whose environment is not known (planner/environments.py).
// Answers: one row per service x image x project: service, name, environment, namespace, workload,
// image, origin (manifest | inventory), container, file, line, project, project_name, repo, match
// (how the linker tied the image to the project; null when the image is not traceable).
MATCH (s:Service)
OPTIONAL MATCH (s)-[r:RUNS]->(i:Image)
OPTIONAL MATCH (i)-[b:BUILT_FROM]->(p:Project)
RETURN s.key AS service, s.name AS name, s.environment AS environment, s.namespace AS namespace,
       s.workload AS workload, i.key AS image, r.origin AS origin, r.container AS container,
       r.file AS file, r.line AS line, p.key AS project, p.name AS project_name, p.repo AS repo,
       b.match AS match
ORDER BY service, image, container, file, line, project
