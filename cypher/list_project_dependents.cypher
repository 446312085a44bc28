// list_project_dependents.cypher — one step of the reverse dependency walk behind `depwave dependents`,
// from projects, with the step through each project's published packages taken at once.
// Parameters: $keys (Project keys).
// Answers: target (the project), via (the internal library package it publishes, or null), dependent,
// label, name, repo (of a project), rel, scope (of that relationship; 'optional' when a declaration is
// <optional>, for planner.scopes) — one row per (target, via, dependent, rel, scope):
//   Project <-PUBLISHED_BY- Package <-DECLARES- Project | <-DEPENDS_ON- Version | <-VERSION_OF- Version
//   (rel is the second relationship; the walk records the package as the PUBLISHED_BY step), and
//   Project <-USES_PROJECT- Project (a workspace or path link; via is null).
// A published package nothing points at gives no row: it leads to no project. Both kinds come from one
// pass over $keys (a UNION would look every project up twice).
// Result types: target=text, via=text, dependent=text, label=text, name=text, repo=text, rel=text, scope=text
UNWIND $keys AS k
MATCH (x:Project {key: k})<-[l:PUBLISHED_BY|USES_PROJECT]-(p)
OPTIONAL MATCH (p)<-[r:DECLARES|DEPENDS_ON|VERSION_OF]-(d)
WITH x, type(l) AS first, l, p, r, d
WHERE first = 'USES_PROJECT' OR d IS NOT NULL
WITH DISTINCT x.key AS target, first = 'PUBLISHED_BY' AS published, p, type(r) AS rel, d,
     CASE WHEN first = 'PUBLISHED_BY' THEN CASE WHEN r.optional = true THEN 'optional' ELSE r.scope END
          ELSE l.scope END AS scope
RETURN target,
       CASE WHEN published THEN p.key END AS via,
       CASE WHEN published THEN d.key ELSE p.key END AS dependent,
       CASE WHEN published THEN labels(d)[0] ELSE 'Project' END AS label,
       CASE WHEN published THEN d.name ELSE p.name END AS name,
       CASE WHEN published THEN d.repo ELSE p.repo END AS repo,
       CASE WHEN published THEN rel ELSE 'USES_PROJECT' END AS rel,
       scope
