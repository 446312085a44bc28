// mark_campaign_step.cypher — set the state of one campaign step and keep the event for auditors.
// Parameters: $campaign (campaign key), $id (step id), $state (todo | in-pr | done | failed | blocked),
// $at (ISO timestamp), $by (who), $note (text or null).
// Answers: id, previous, state — no row when the step does not exist.
MATCH (:Campaign {key: $campaign})-[:HAS_STEP]->(s:CampaignStep {id: $id})
WITH s, s.state AS previous
SET s.state = $state, s.updated_at = $at, s.updated_by = $by
CREATE (s)-[:HAD]->(:CampaignEvent {from: previous, to: $state, at: $at, by: $by, note: $note})
RETURN s.id AS id, previous, s.state AS state
