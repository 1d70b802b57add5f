-- An agent's swarm and hand-off branches of the ticket list, under a team
-- filter or in id order (newest, oldest), walked every row of the agent
-- probing its ticket: the team is not on the rows, and in id order the
-- rows were read through (agent, ticket) alone, whatever the tier or the
-- status asked. The L1 agent's 58,764 hand-offs at 1M tickets are all in
-- other tiers and teams, so "team=L1" or "tier=L1 sort=newest" read every
-- one of them for nothing (about 250 ms of CPU a page).
--
-- The ticket's team now rides on the rows beside 0053-0054's keys, kept
-- the same way (copied by the inserts, followed by the trigger of this
-- migration's dialect files), and the rows have an index per way they are
-- sought: (agent, active, ticket) and (agent, tier, active, ticket) in id
-- order, (agent, team, active, key, ticket) in each order.
ALTER TABLE ticket_collaborators ADD COLUMN ticket_team_id BIGINT;
ALTER TABLE ticket_handoffs ADD COLUMN ticket_team_id BIGINT;
UPDATE ticket_collaborators SET ticket_team_id = (SELECT t.team_id FROM tickets t WHERE t.id = ticket_collaborators.ticket_id);
UPDATE ticket_handoffs SET ticket_team_id = (SELECT t.team_id FROM tickets t WHERE t.id = ticket_handoffs.ticket_id);
CREATE INDEX ticket_collaborators_agent_active_id ON ticket_collaborators (agent_id, ticket_active, ticket_id);
CREATE INDEX ticket_collaborators_agent_tier_id ON ticket_collaborators (agent_id, ticket_tier_id, ticket_active, ticket_id);
CREATE INDEX ticket_collaborators_agent_team_id ON ticket_collaborators (agent_id, ticket_team_id, ticket_active, ticket_id);
CREATE INDEX ticket_collaborators_agent_team_priority ON ticket_collaborators (agent_id, ticket_team_id, ticket_active, ticket_priority DESC, ticket_id);
CREATE INDEX ticket_collaborators_agent_team_updated ON ticket_collaborators (agent_id, ticket_team_id, ticket_active, ticket_updated_at, ticket_id);
CREATE INDEX ticket_handoffs_agent_active_id ON ticket_handoffs (agent_id, ticket_active, ticket_id);
CREATE INDEX ticket_handoffs_agent_tier_id ON ticket_handoffs (agent_id, ticket_tier_id, ticket_active, ticket_id);
CREATE INDEX ticket_handoffs_agent_team_id ON ticket_handoffs (agent_id, ticket_team_id, ticket_active, ticket_id);
CREATE INDEX ticket_handoffs_agent_team_priority ON ticket_handoffs (agent_id, ticket_team_id, ticket_active, ticket_priority DESC, ticket_id);
CREATE INDEX ticket_handoffs_agent_team_updated ON ticket_handoffs (agent_id, ticket_team_id, ticket_active, ticket_updated_at, ticket_id);
