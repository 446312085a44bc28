// list_ownership_rules.cypher — every CODEOWNERS/OWNERS rule (OWNS_PATH edges), linker input.
// Parameters: none.
// Answers: owner, kind, repo, pattern, order, section, source (repo:path of the rules file), file, line.
MATCH (o:Owner)-[r:OWNS_PATH]->(repo:Repo)
RETURN o.key AS owner, o.kind AS kind, repo.key AS repo, r.pattern AS pattern, r.order AS order,
       r.section AS section, r.source AS source, r.file AS file, r.line AS line
ORDER BY repo, source, order, owner
