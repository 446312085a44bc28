// find_callers.cypher — who calls X: the projects whose code calls symbols starting with a prefix.
// Parameters: $prefix (a qualified symbol or its start, e.g. 'org.apache.logging.log4j.Logger.').
// Answers: project, repo, symbol, package, scope, count, sites ('path:line:column').
MATCH (p:Project)-[c:CALLS]->(s:Symbol)
WHERE s.symbol STARTS WITH $prefix
RETURN p.key AS project, p.repo AS repo, s.symbol AS symbol, s.package AS package, c.scope AS scope,
       c.count AS count, c.sites AS sites
ORDER BY project, symbol, scope
