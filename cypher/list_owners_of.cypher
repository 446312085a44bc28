// list_owners_of.cypher — the owners of some services and projects, with why (linker basis).
// Parameters: $keys (list of Service and Project keys).
// Answers: target (key), label (Service | Project), owner (key), name, kind, basis
// (catalog | codeowners | manifest), rule.
MATCH (o:Owner)-[r:OWNS]->(t)
WHERE t.key IN $keys AND (t:Service OR t:Project) AND o.kind <> 'none'
RETURN t.key AS target, CASE WHEN t:Service THEN 'Service' ELSE 'Project' END AS label,
       o.key AS owner, o.name AS name, o.kind AS kind, r.basis AS basis, r.rule AS rule
ORDER BY target, owner
