// list_service_manifests.cypher — every RUNS edge with the file that declares it, linker input.
// Parameters: none.
// Answers: service (key), name, source (repo:path of the loaded file), file (repo-relative file of the image line).
MATCH (s:Service)-[u:RUNS]->(:Image)
RETURN DISTINCT s.key AS service, s.name AS name, u.source AS source, u.file AS file
ORDER BY service, source, file
