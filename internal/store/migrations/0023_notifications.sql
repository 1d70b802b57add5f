-- Notifications: what an agent is told about tickets (assigned to them, a
-- hand-off to their tier, a swarm invitation, a mention, a customer's
-- answer, a ticket they handed off solved or sent back down). Written in
-- the transaction of the change they tell of; the rules of who is told are
-- package notify's. Lists read one agent's newest first, the badge counts
-- their unread ones.
CREATE TABLE notifications (
    id {{id}},
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    agent_id BIGINT NOT NULL REFERENCES agents(id),
    kind TEXT NOT NULL,
    ticket_id BIGINT NOT NULL REFERENCES tickets(id),
    event_id BIGINT REFERENCES events(id),
    actor_agent_id BIGINT REFERENCES agents(id),
    created_at BIGINT NOT NULL,
    read_at BIGINT
);
CREATE INDEX notifications_agent ON notifications (agent_id, id);
CREATE INDEX notifications_unread ON notifications (agent_id, id) WHERE read_at IS NULL;

-- An agent's choice, per kind, of hearing it in the app and by email; a
-- kind without a row follows notify.Default.
CREATE TABLE notification_preferences (
    agent_id BIGINT NOT NULL REFERENCES agents(id),
    kind TEXT NOT NULL,
    in_app {{bool}} NOT NULL,
    email {{bool}} NOT NULL,
    PRIMARY KEY (agent_id, kind)
);
