-- The tier of the ticket beside its sort keys on swarm and hand-off rows
-- (0053): under a tier filter, an agent's hand-off branch walked all of
-- their hand-offs in sort order looking for the tier's, and an L1 agent's
-- hand-offs are nearly all in other tiers (52,000 read for none at 1M
-- tickets, "tier=L1,L2&status=solved"). Kept as 0053's keys are: copied by
-- the inserts, followed by the trigger of this migration's dialect files.
ALTER TABLE ticket_collaborators ADD COLUMN ticket_tier_id BIGINT;
ALTER TABLE ticket_handoffs ADD COLUMN ticket_tier_id BIGINT;
UPDATE ticket_collaborators SET ticket_tier_id = (SELECT t.tier_id FROM tickets t WHERE t.id = ticket_collaborators.ticket_id);
UPDATE ticket_handoffs SET ticket_tier_id = (SELECT t.tier_id FROM tickets t WHERE t.id = ticket_handoffs.ticket_id);
CREATE INDEX ticket_collaborators_agent_tier_priority ON ticket_collaborators (agent_id, ticket_tier_id, ticket_active, ticket_priority DESC, ticket_id);
CREATE INDEX ticket_collaborators_agent_tier_updated ON ticket_collaborators (agent_id, ticket_tier_id, ticket_active, ticket_updated_at, ticket_id);
CREATE INDEX ticket_handoffs_agent_tier_priority ON ticket_handoffs (agent_id, ticket_tier_id, ticket_active, ticket_priority DESC, ticket_id);
CREATE INDEX ticket_handoffs_agent_tier_updated ON ticket_handoffs (agent_id, ticket_tier_id, ticket_active, ticket_updated_at, ticket_id);
