// link_campaign_steps.cypher — store the issue URL a notification created on each of its steps, with an
// event for auditors (the state does not change).
// Parameters: $campaign (campaign key), $links (list of {id, issue, note}), $at (ISO timestamp), $by (who).
// Answers: id, issue — one row per step linked.
UNWIND $links AS link
MATCH (:Campaign {key: $campaign})-[:HAS_STEP]->(s:CampaignStep {id: link.id})
SET s.issue = link.issue
CREATE (s)-[:HAD]->(:CampaignEvent {from: s.state, to: s.state, at: $at, by: $by, note: link.note,
    issue: link.issue})
RETURN s.id AS id, s.issue AS issue
