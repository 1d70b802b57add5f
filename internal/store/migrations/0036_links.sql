-- Merge, split and link tickets (issue 12).
-- A merged ticket is closed and points at the ticket it was merged into:
-- whoever writes to it later (email reply, help centre) lands there.
ALTER TABLE tickets ADD COLUMN merged_into_id BIGINT REFERENCES tickets(id);

-- Links between two tickets of a workspace. kind related: ticket_id is
-- the smaller id of the pair; kind parent: ticket_id is the child and
-- other_id its parent (one problem affecting many customers). A pair has
-- at most one link, a ticket at most one parent.
CREATE TABLE ticket_links (
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    ticket_id BIGINT NOT NULL REFERENCES tickets(id),
    other_id BIGINT NOT NULL REFERENCES tickets(id),
    kind TEXT NOT NULL,
    created_by BIGINT REFERENCES agents(id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (ticket_id, other_id)
);
CREATE INDEX ticket_links_other ON ticket_links (other_id, ticket_id);
CREATE UNIQUE INDEX ticket_links_one_parent ON ticket_links (ticket_id) WHERE kind = 'parent';
