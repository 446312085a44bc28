// list_campaign_events.cypher — the audit trail of a campaign: every state change of every step.
// Parameters: $key (campaign key).
// Answers: step, from, to, at, by, note, pr, issue.
MATCH (:Campaign {key: $key})-[:HAS_STEP]->(s:CampaignStep)-[:HAD]->(e:CampaignEvent)
RETURN s.id AS step, e.from AS from, e.to AS to, e.at AS at, e.by AS by, e.note AS note, e.pr AS pr,
    e.issue AS issue
ORDER BY at, step
