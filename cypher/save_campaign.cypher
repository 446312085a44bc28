// save_campaign.cypher — record a remediation campaign and its planned steps (state todo).
// Parameters: $key (campaign name), $props (map: created_at, created_by, package, fixed_version,
// request (JSON text of the plan request), policy (policy file text or null)), $steps (list of
// {key, props: {id, kind, project, repo, service, environment, wave, change, location, owners}}).
// Answers: steps (how many recorded). Steps keep their state when a campaign is saved again.
MERGE (c:Campaign {key: $key})
SET c += $props
WITH c
UNWIND $steps AS row
MERGE (s:CampaignStep {key: row.key})
ON CREATE SET s.state = 'todo', s.updated_at = $props.created_at, s.updated_by = $props.created_by
SET s += row.props
MERGE (c)-[:HAS_STEP]->(s)
RETURN count(s) AS steps
