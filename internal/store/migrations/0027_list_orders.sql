-- A request type's tickets most urgent or most recently updated first: a
-- list filtered on type alone (type=billing&sort=updated) walked the whole
-- workspace's sort index looking for that type, and a rare type read most
-- of it (store.prefixIndexes; 0001's tickets_type serves the newest and
-- oldest orders).
CREATE INDEX tickets_type_priority ON tickets (workspace_id, request_type_id, active, priority DESC, id);
CREATE INDEX tickets_type_updated ON tickets (workspace_id, request_type_id, active, updated_at, id);
-- A team's tickets of one tier and one owner (or none): an agent's team
-- branch under a tier and an owner filter. Neither (tier, owner) nor
-- (team, owner) serves it when the team and the tier disagree: each walked
-- the other's tickets for none (tier=L1,L2&owner=id, 70 ms at 200k).
CREATE INDEX tickets_team_tier_owner_id ON tickets (workspace_id, team_id, tier_id, active, owner_id, id);
CREATE INDEX tickets_team_tier_owner_priority ON tickets (workspace_id, team_id, tier_id, active, owner_id, priority DESC, id);
CREATE INDEX tickets_team_tier_owner_updated ON tickets (workspace_id, team_id, tier_id, active, owner_id, updated_at, id);
