// find_projects_by_suffix.cypher — projects whose name ends with what a user typed, for matching the short
// labels the tables print (`checkoutservice`, `shop/checkoutservice` for github.com/acme/shop/src/checkoutservice;
// `logging-core` for com.acme:logging-core); the caller keeps the exact label matches.
// Parameters: $suffix (text).
// Answers: key, name, repo.
MATCH (p:Project)
WHERE p.name ENDS WITH $suffix
RETURN p.key AS key, p.name AS name, p.repo AS repo
ORDER BY key
