-- An agent's swarm and hand-off branches of the ticket list (store.Filter
-- .branches: the tickets they were invited to, or handed to another tier)
-- read every row of the agent and sorted them in priority and updated
-- order: 3,351 invitations for the L1 agent at 1M tickets, the largest
-- part of their slow pages. Each row now carries its ticket's sort keys,
-- so that those branches are ordered seeks of the agent's rows that stop
-- at the page, as the tickets' own branches are.
--
-- The keys are the ticket's, never set on their own: a row takes them from
-- its ticket when it is inserted (the store's INSERT … SELECT, the bulk
-- loader, PostgreSQL's one-statement intake), and the triggers of this
-- migration's dialect files copy every change of the ticket's in the same
-- transaction, whichever path writes it (updates, messages, moves,
-- merges, links, bulk actions, jobs).
ALTER TABLE ticket_collaborators ADD COLUMN ticket_active {{bool}};
ALTER TABLE ticket_collaborators ADD COLUMN ticket_priority INTEGER;
ALTER TABLE ticket_collaborators ADD COLUMN ticket_updated_at BIGINT;
ALTER TABLE ticket_handoffs ADD COLUMN ticket_active {{bool}};
ALTER TABLE ticket_handoffs ADD COLUMN ticket_priority INTEGER;
ALTER TABLE ticket_handoffs ADD COLUMN ticket_updated_at BIGINT;

UPDATE ticket_collaborators SET (ticket_active, ticket_priority, ticket_updated_at) =
    (SELECT t.active, t.priority, t.updated_at FROM tickets t WHERE t.id = ticket_collaborators.ticket_id);
UPDATE ticket_handoffs SET (ticket_active, ticket_priority, ticket_updated_at) =
    (SELECT t.active, t.priority, t.updated_at FROM tickets t WHERE t.id = ticket_handoffs.ticket_id);

-- The order of the list's sorts (priority DESC, id ASC; updated_at DESC,
-- id DESC), behind the agent and active as the tickets' indexes have it.
CREATE INDEX ticket_collaborators_agent_priority ON ticket_collaborators (agent_id, ticket_active, ticket_priority DESC, ticket_id);
CREATE INDEX ticket_collaborators_agent_updated ON ticket_collaborators (agent_id, ticket_active, ticket_updated_at, ticket_id);
CREATE INDEX ticket_handoffs_agent_priority ON ticket_handoffs (agent_id, ticket_active, ticket_priority DESC, ticket_id);
CREATE INDEX ticket_handoffs_agent_updated ON ticket_handoffs (agent_id, ticket_active, ticket_updated_at, ticket_id);
