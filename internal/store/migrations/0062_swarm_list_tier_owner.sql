-- An agent's swarm and hand-off rows of one tier and one owner (or none)
-- in each order. A filter naming both sought the owner (0056) and tested
-- the tier on each row, or could have sought the tier and tested the
-- owner: at 1M tickets neither is small for the L1 agent. Their 14,308
-- hand-offs owned by the L2 agent are all in tier L2, so "tier=L1,L2&
-- owner=<L2 agent>" walked all of them for tier L1's none (50 ms of CPU
-- a page); their 9,380 inactive unassigned hand-offs are all in the
-- publisher's tier, and their 26,946 inactive hand-offs of tier L2 all
-- have an owner, so "tier=L2&owner=none" walks one or the other for
-- nothing. Only a seek of both columns is small.
CREATE INDEX ticket_collaborators_agent_tier_owner_id ON ticket_collaborators (agent_id, ticket_tier_id, ticket_owner_id, ticket_active, ticket_id);
CREATE INDEX ticket_collaborators_agent_tier_owner_priority ON ticket_collaborators (agent_id, ticket_tier_id, ticket_owner_id, ticket_active, ticket_priority DESC, ticket_id);
CREATE INDEX ticket_collaborators_agent_tier_owner_updated ON ticket_collaborators (agent_id, ticket_tier_id, ticket_owner_id, ticket_active, ticket_updated_at, ticket_id);
CREATE INDEX ticket_handoffs_agent_tier_owner_id ON ticket_handoffs (agent_id, ticket_tier_id, ticket_owner_id, ticket_active, ticket_id);
CREATE INDEX ticket_handoffs_agent_tier_owner_priority ON ticket_handoffs (agent_id, ticket_tier_id, ticket_owner_id, ticket_active, ticket_priority DESC, ticket_id);
CREATE INDEX ticket_handoffs_agent_tier_owner_updated ON ticket_handoffs (agent_id, ticket_tier_id, ticket_owner_id, ticket_active, ticket_updated_at, ticket_id);
