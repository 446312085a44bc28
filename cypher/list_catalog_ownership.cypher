// list_catalog_ownership.cypher — catalog entries (Backstage) that own a component, linker input.
// Parameters: none.
// Answers: owner, repo, rule (catalog-info:<service name>), file (the catalog file), line.
MATCH (o:Owner)-[r:OWNS]->(repo:Repo)
WHERE r.rule STARTS WITH 'catalog-info:'
RETURN o.key AS owner, repo.key AS repo, r.rule AS rule, r.file AS file, r.line AS line
ORDER BY repo, file, owner
