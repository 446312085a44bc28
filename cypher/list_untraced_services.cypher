// list_untraced_services.cypher — deployed services whose image no ingested project builds: they
// cannot be checked or fixed through the graph and need a human decision.
// Parameters: none.
// Answers: service, name, environment, image.
MATCH (s:Service)-[:RUNS]->(i:Image)
WHERE NOT (i)-[:BUILT_FROM]->(:Project)
OPTIONAL MATCH (s)-[:IN]->(e:Environment)
RETURN s.key AS service, s.name AS name, coalesce(e.name, s.environment) AS environment, i.key AS image
ORDER BY environment, name
