-- Routing rules and escalation procedures (issue: routing, escalation and
-- swarming). Rule sets are small, edited as a whole and compiled in memory,
-- so each workspace keeps its ordered set as one JSON document with a
-- version that instances compare to know when to recompile.
CREATE TABLE routing_rulesets (
    workspace_id BIGINT PRIMARY KEY REFERENCES workspaces(id),
    ruleset TEXT NOT NULL,
    version BIGINT NOT NULL,
    updated_by BIGINT REFERENCES agents(id),
    updated_at BIGINT NOT NULL
);

CREATE TABLE escalation_procedures (
    id {{id}},
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    request_type_id BIGINT REFERENCES request_types(id),
    procedure_json TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX escalation_procedures_ws ON escalation_procedures (workspace_id, id);

-- Stored per-ticket facts for reports: whether the ticket was resolved at
-- first contact, and the first agent who answered the customer.
ALTER TABLE tickets ADD COLUMN first_replier_id BIGINT;
ALTER TABLE tickets ADD COLUMN first_contact_resolved {{bool}} NOT NULL DEFAULT FALSE;
