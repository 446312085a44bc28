// list_project_keys.cypher — the key of every project (`depwave dependents`: which projects its walk has
// not reached, once count_projects.cypher says few are left; planner/unreached.py).
// Parameters: none.
// Answers: key — one row per project.
// Result types: key=text
MATCH (p:Project)
RETURN p.key AS key
