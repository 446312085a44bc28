// delete_staging_node.cypher — remove a big file's staging SourceFile once its parts were swapped in.
// Parameters: $staged (the staging source key).
// Answers: removed (0 or 1). swap_staged_source.cypher has moved every edge away from it already.
MATCH (s:SourceFile {key: $staged})
DETACH DELETE s
RETURN count(*) AS removed
