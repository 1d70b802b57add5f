-- The ticket's request type on its swarm and hand-off rows, beside
-- 0053-0056's copies and kept the same way (copied by the inserts,
-- followed by the trigger of this migration's dialect files), with an
-- index per order. Under a type filter an agent's swarm and hand-off
-- branches walked the agent's rows in sort order probing each ticket for
-- its type: deep priority pages of "type=billing" read thousands of the
-- L1 agent's hand-offs for a page (69 ms of CPU at 1M tickets on SQLite).
ALTER TABLE ticket_collaborators ADD COLUMN ticket_request_type_id BIGINT;
ALTER TABLE ticket_handoffs ADD COLUMN ticket_request_type_id BIGINT;
UPDATE ticket_collaborators SET ticket_request_type_id = (SELECT t.request_type_id FROM tickets t WHERE t.id = ticket_collaborators.ticket_id);
UPDATE ticket_handoffs SET ticket_request_type_id = (SELECT t.request_type_id FROM tickets t WHERE t.id = ticket_handoffs.ticket_id);
CREATE INDEX ticket_collaborators_agent_type_id ON ticket_collaborators (agent_id, ticket_request_type_id, ticket_active, ticket_id);
CREATE INDEX ticket_collaborators_agent_type_priority ON ticket_collaborators (agent_id, ticket_request_type_id, ticket_active, ticket_priority DESC, ticket_id);
CREATE INDEX ticket_collaborators_agent_type_updated ON ticket_collaborators (agent_id, ticket_request_type_id, ticket_active, ticket_updated_at, ticket_id);
CREATE INDEX ticket_handoffs_agent_type_id ON ticket_handoffs (agent_id, ticket_request_type_id, ticket_active, ticket_id);
CREATE INDEX ticket_handoffs_agent_type_priority ON ticket_handoffs (agent_id, ticket_request_type_id, ticket_active, ticket_priority DESC, ticket_id);
CREATE INDEX ticket_handoffs_agent_type_updated ON ticket_handoffs (agent_id, ticket_request_type_id, ticket_active, ticket_updated_at, ticket_id);
