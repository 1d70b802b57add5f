-- Saved views (issue 12): a ticket list an agent named, from any filter
-- and sort the list accepts. query holds the list's own query parameters
-- in canonical form (desk.TicketQuery.Encode: keys and values sorted,
-- tiers, teams and agents by id so that a rename changes nothing), never
-- SQL. A personal view is its owner's; a shared one the whole workspace's
-- (written by leads and admins; owner_id is who wrote it).
CREATE TABLE saved_views (
    id {{id}},
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    name TEXT NOT NULL,
    scope TEXT NOT NULL, -- personal, shared
    owner_id BIGINT NOT NULL REFERENCES agents(id),
    query TEXT NOT NULL DEFAULT '',
    columns TEXT NOT NULL DEFAULT '', -- comma-separated, from a fixed set
    position BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX saved_views_ws ON saved_views (workspace_id, position, id);
