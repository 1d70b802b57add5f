-- The indexes of an agent's swarm invitations and hand-offs that a list
-- branch seeks by team, tier, owner, or tier and owner (driverSeek) end
-- with the copies of the ticket's columns the branch then tests on the row
-- (0055–0062): the request type, and under a team the tier and the owner.
-- SQLite tests them on the index entry; before, each entry walked cost a
-- read of the invitation or hand-off row, then, for those passing, of the
-- ticket (the L1 agent's 58,764 hand-offs at 1M tickets, a third of them
-- billing: "tier=L1,L2&type=billing" priority pages walked up to three
-- times the rows they kept). Same names, same leading columns, the same
-- 24 indexes replaced: the seeks and their order are unchanged, and the
-- trigger that follows the ticket (0061) sets every copy at once, which
-- rewrote each of these entries already. SQLite only.
DROP INDEX ticket_collaborators_agent_team_id;
CREATE INDEX ticket_collaborators_agent_team_id ON ticket_collaborators (agent_id, ticket_team_id, ticket_active, ticket_id, ticket_tier_id, ticket_owner_id, ticket_request_type_id);
DROP INDEX ticket_collaborators_agent_team_priority;
CREATE INDEX ticket_collaborators_agent_team_priority ON ticket_collaborators (agent_id, ticket_team_id, ticket_active, ticket_priority DESC, ticket_id, ticket_tier_id, ticket_owner_id, ticket_request_type_id);
DROP INDEX ticket_collaborators_agent_team_updated;
CREATE INDEX ticket_collaborators_agent_team_updated ON ticket_collaborators (agent_id, ticket_team_id, ticket_active, ticket_updated_at, ticket_id, ticket_tier_id, ticket_owner_id, ticket_request_type_id);
DROP INDEX ticket_collaborators_agent_tier_owner_id;
CREATE INDEX ticket_collaborators_agent_tier_owner_id ON ticket_collaborators (agent_id, ticket_tier_id, ticket_owner_id, ticket_active, ticket_id, ticket_request_type_id);
DROP INDEX ticket_collaborators_agent_tier_owner_priority;
CREATE INDEX ticket_collaborators_agent_tier_owner_priority ON ticket_collaborators (agent_id, ticket_tier_id, ticket_owner_id, ticket_active, ticket_priority DESC, ticket_id, ticket_request_type_id);
DROP INDEX ticket_collaborators_agent_tier_owner_updated;
CREATE INDEX ticket_collaborators_agent_tier_owner_updated ON ticket_collaborators (agent_id, ticket_tier_id, ticket_owner_id, ticket_active, ticket_updated_at, ticket_id, ticket_request_type_id);
DROP INDEX ticket_collaborators_agent_owner_id;
CREATE INDEX ticket_collaborators_agent_owner_id ON ticket_collaborators (agent_id, ticket_owner_id, ticket_active, ticket_id, ticket_request_type_id);
DROP INDEX ticket_collaborators_agent_owner_priority;
CREATE INDEX ticket_collaborators_agent_owner_priority ON ticket_collaborators (agent_id, ticket_owner_id, ticket_active, ticket_priority DESC, ticket_id, ticket_request_type_id);
DROP INDEX ticket_collaborators_agent_owner_updated;
CREATE INDEX ticket_collaborators_agent_owner_updated ON ticket_collaborators (agent_id, ticket_owner_id, ticket_active, ticket_updated_at, ticket_id, ticket_request_type_id);
DROP INDEX ticket_collaborators_agent_tier_id;
CREATE INDEX ticket_collaborators_agent_tier_id ON ticket_collaborators (agent_id, ticket_tier_id, ticket_active, ticket_id, ticket_request_type_id);
DROP INDEX ticket_collaborators_agent_tier_priority;
CREATE INDEX ticket_collaborators_agent_tier_priority ON ticket_collaborators (agent_id, ticket_tier_id, ticket_active, ticket_priority DESC, ticket_id, ticket_request_type_id);
DROP INDEX ticket_collaborators_agent_tier_updated;
CREATE INDEX ticket_collaborators_agent_tier_updated ON ticket_collaborators (agent_id, ticket_tier_id, ticket_active, ticket_updated_at, ticket_id, ticket_request_type_id);
DROP INDEX ticket_handoffs_agent_team_id;
CREATE INDEX ticket_handoffs_agent_team_id ON ticket_handoffs (agent_id, ticket_team_id, ticket_active, ticket_id, ticket_tier_id, ticket_owner_id, ticket_request_type_id);
DROP INDEX ticket_handoffs_agent_team_priority;
CREATE INDEX ticket_handoffs_agent_team_priority ON ticket_handoffs (agent_id, ticket_team_id, ticket_active, ticket_priority DESC, ticket_id, ticket_tier_id, ticket_owner_id, ticket_request_type_id);
DROP INDEX ticket_handoffs_agent_team_updated;
CREATE INDEX ticket_handoffs_agent_team_updated ON ticket_handoffs (agent_id, ticket_team_id, ticket_active, ticket_updated_at, ticket_id, ticket_tier_id, ticket_owner_id, ticket_request_type_id);
DROP INDEX ticket_handoffs_agent_tier_owner_id;
CREATE INDEX ticket_handoffs_agent_tier_owner_id ON ticket_handoffs (agent_id, ticket_tier_id, ticket_owner_id, ticket_active, ticket_id, ticket_request_type_id);
DROP INDEX ticket_handoffs_agent_tier_owner_priority;
CREATE INDEX ticket_handoffs_agent_tier_owner_priority ON ticket_handoffs (agent_id, ticket_tier_id, ticket_owner_id, ticket_active, ticket_priority DESC, ticket_id, ticket_request_type_id);
DROP INDEX ticket_handoffs_agent_tier_owner_updated;
CREATE INDEX ticket_handoffs_agent_tier_owner_updated ON ticket_handoffs (agent_id, ticket_tier_id, ticket_owner_id, ticket_active, ticket_updated_at, ticket_id, ticket_request_type_id);
DROP INDEX ticket_handoffs_agent_owner_id;
CREATE INDEX ticket_handoffs_agent_owner_id ON ticket_handoffs (agent_id, ticket_owner_id, ticket_active, ticket_id, ticket_request_type_id);
DROP INDEX ticket_handoffs_agent_owner_priority;
CREATE INDEX ticket_handoffs_agent_owner_priority ON ticket_handoffs (agent_id, ticket_owner_id, ticket_active, ticket_priority DESC, ticket_id, ticket_request_type_id);
DROP INDEX ticket_handoffs_agent_owner_updated;
CREATE INDEX ticket_handoffs_agent_owner_updated ON ticket_handoffs (agent_id, ticket_owner_id, ticket_active, ticket_updated_at, ticket_id, ticket_request_type_id);
DROP INDEX ticket_handoffs_agent_tier_id;
CREATE INDEX ticket_handoffs_agent_tier_id ON ticket_handoffs (agent_id, ticket_tier_id, ticket_active, ticket_id, ticket_request_type_id);
DROP INDEX ticket_handoffs_agent_tier_priority;
CREATE INDEX ticket_handoffs_agent_tier_priority ON ticket_handoffs (agent_id, ticket_tier_id, ticket_active, ticket_priority DESC, ticket_id, ticket_request_type_id);
DROP INDEX ticket_handoffs_agent_tier_updated;
CREATE INDEX ticket_handoffs_agent_tier_updated ON ticket_handoffs (agent_id, ticket_tier_id, ticket_active, ticket_updated_at, ticket_id, ticket_request_type_id);
