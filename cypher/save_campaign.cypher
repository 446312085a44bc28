// save_campaign.cypher — record a remediation campaign and its planned steps (new steps start as todo).
// Parameters: $key (campaign name), $at (ISO timestamp), $by (who), $props (map: package, fixed_version,
// request (JSON text of the plan request), policy (policy file text or null), and on a replace
// replaced_at, replaced_by), $steps (list of {key, props: {id, kind, project, repo, service, environment,
// wave, change, location, owners}}).
// created_at / created_by are set only when the campaign is new; steps keep their state, links and
// events when a campaign is saved again (`campaign start --replace`).
// Answers: id, state — one row per recorded step.
MERGE (c:Campaign {key: $key})
ON CREATE SET c.created_at = $at, c.created_by = $by
SET c += $props
WITH c
UNWIND $steps AS row
MERGE (s:CampaignStep {key: row.key})
ON CREATE SET s.state = 'todo', s.updated_at = $at, s.updated_by = $by
SET s += row.props
MERGE (c)-[:HAS_STEP]->(s)
RETURN s.id AS id, s.state AS state
