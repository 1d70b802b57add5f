-- The ticket's owner on its swarm and hand-off rows, beside 0053-0055's
-- copies and kept the same way (copied by the inserts, followed by the
-- trigger of this migration's dialect files), with an index per order.
-- Under an owner filter (an id, or none) an agent's swarm and hand-off
-- branches walked the agent's rows testing each ticket's owner (the L1
-- agent's unassigned hand-offs of tier L2: 30,000 rows read for a page,
-- 150 ms of CPU at 1M tickets), or read the owner's tickets probing the
-- agent's few swarms among them (95,000 tickets of the L2 agent for the
-- L1 agent's 3,275 invitations): both sides are large, only a seek of
-- their intersection is small.
ALTER TABLE ticket_collaborators ADD COLUMN ticket_owner_id BIGINT;
ALTER TABLE ticket_handoffs ADD COLUMN ticket_owner_id BIGINT;
UPDATE ticket_collaborators SET ticket_owner_id = (SELECT t.owner_id FROM tickets t WHERE t.id = ticket_collaborators.ticket_id);
UPDATE ticket_handoffs SET ticket_owner_id = (SELECT t.owner_id FROM tickets t WHERE t.id = ticket_handoffs.ticket_id);
CREATE INDEX ticket_collaborators_agent_owner_id ON ticket_collaborators (agent_id, ticket_owner_id, ticket_active, ticket_id);
CREATE INDEX ticket_collaborators_agent_owner_priority ON ticket_collaborators (agent_id, ticket_owner_id, ticket_active, ticket_priority DESC, ticket_id);
CREATE INDEX ticket_collaborators_agent_owner_updated ON ticket_collaborators (agent_id, ticket_owner_id, ticket_active, ticket_updated_at, ticket_id);
CREATE INDEX ticket_handoffs_agent_owner_id ON ticket_handoffs (agent_id, ticket_owner_id, ticket_active, ticket_id);
CREATE INDEX ticket_handoffs_agent_owner_priority ON ticket_handoffs (agent_id, ticket_owner_id, ticket_active, ticket_priority DESC, ticket_id);
CREATE INDEX ticket_handoffs_agent_owner_updated ON ticket_handoffs (agent_id, ticket_owner_id, ticket_active, ticket_updated_at, ticket_id);
