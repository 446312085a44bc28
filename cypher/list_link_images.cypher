// list_link_images.cypher — every image, with the sources of the RUNS edges that point at it (linker input).
// Parameters: none.
// Answers: image (key), repository, runs (list of source keys repo:path of the RUNS edges).
MATCH (i:Image)
OPTIONAL MATCH (:Service)-[u:RUNS]->(i)
RETURN i.key AS image, i.repository AS repository, collect(DISTINCT u.source) AS runs
ORDER BY image
