// get_campaign.cypher — a campaign (by name, or the most recent when $key is null) and its steps.
// Parameters: $key (campaign key or null).
// Answers: campaign (its properties), steps (list of step property maps with state and who/when).
MATCH (c:Campaign)
WHERE $key IS NULL OR c.key = $key
WITH c ORDER BY c.created_at DESC LIMIT 1
OPTIONAL MATCH (c)-[:HAS_STEP]->(s:CampaignStep)
RETURN properties(c) AS campaign, collect(properties(s)) AS steps
