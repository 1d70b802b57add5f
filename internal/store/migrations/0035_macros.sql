-- Macros: canned replies in French and English with placeholders, plus
-- actions applied with the reply (package macro). Personal macros belong
-- to their owner, team macros to a team's members, shared ones to all.
CREATE TABLE macros (
    id {{id}},
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    name TEXT NOT NULL,
    scope TEXT NOT NULL, -- personal, team, shared
    owner_id BIGINT REFERENCES agents(id),
    team_id BIGINT REFERENCES teams(id),
    body_fr TEXT NOT NULL DEFAULT '',
    body_en TEXT NOT NULL DEFAULT '',
    -- actions is the JSON of macro.Actions: status, priority,
    -- request_type (a key), add_tags, assign ("me", "none" or an id).
    actions TEXT NOT NULL DEFAULT '{}',
    usage_count BIGINT NOT NULL DEFAULT 0,
    created_by BIGINT NOT NULL REFERENCES agents(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX macros_ws ON macros (workspace_id, usage_count);
