// mark_campaign_step.cypher — set the state of one campaign step and keep the event for auditors.
// Parameters: $campaign (campaign key), $id (step id), $state (todo | in-pr | done | failed | blocked |
// bot-error), $at (ISO timestamp), $by (who), $note (text or null), $pr (pull request URL or null: keeps
// the recorded one), $issue (issue URL or null: keeps the recorded one).
// Answers: id, previous, state, pr, issue — no row when the step does not exist.
MATCH (:Campaign {key: $campaign})-[:HAS_STEP]->(s:CampaignStep {id: $id})
WITH s, s.state AS previous
SET s.state = $state, s.updated_at = $at, s.updated_by = $by, s.pr = coalesce($pr, s.pr),
    s.issue = coalesce($issue, s.issue)
CREATE (s)-[:HAD]->(:CampaignEvent {from: previous, to: $state, at: $at, by: $by, note: $note, pr: $pr,
    issue: $issue})
RETURN s.id AS id, previous, s.state AS state, s.pr AS pr, s.issue AS issue
