// list_package_calls.cypher — who calls the functions of a package, and where (`depwave usage`).
// Parameters: $package (versionless purl), $modules (modules the package provides by name, for calls no
//             project's dependencies attributed: 'yaml' for PyYAML; may be empty), $projects (project keys or names; empty = all),
//             $repos (repository names; empty = all), $scopes (main/test; empty = both).
// Answers: project, name, repo, symbol, module, scope, attribution, sites ('path:line:column'), arguments.
MATCH (p:Project)-[c:CALLS]->(s:Symbol)
WHERE (s.package = $package OR $package IN c.candidates
       OR (s.package IS NULL AND any(m IN $modules WHERE s.module = m OR s.module STARTS WITH (m + '.')
                                   OR s.module STARTS WITH (m + '/'))))
  AND (size($projects) = 0 OR p.key IN $projects OR p.name IN $projects)
  AND (size($repos) = 0 OR p.repo IN $repos)
  AND (size($scopes) = 0 OR c.scope IN $scopes)
RETURN p.key AS project, p.name AS name, p.repo AS repo, s.symbol AS symbol, s.module AS module,
       c.scope AS scope, c.attribution AS attribution, c.sites AS sites, c.arguments AS arguments
ORDER BY project, symbol, scope
