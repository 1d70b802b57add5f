-- Ordered seeks for every ticket list sort (store.Filter.branches): each
-- branch of a page is an equality prefix ending with active, then the sort
-- key. 0002 covers tiers; these cover the whole workspace, an owner
-- (including none) and a team.
CREATE INDEX tickets_ws_active_id ON tickets (workspace_id, active, id);
CREATE INDEX tickets_ws_priority ON tickets (workspace_id, active, priority DESC, id);
CREATE INDEX tickets_ws_updated ON tickets (workspace_id, active, updated_at, id);
CREATE INDEX tickets_owner_priority ON tickets (workspace_id, owner_id, active, priority DESC, id);
CREATE INDEX tickets_owner_updated ON tickets (workspace_id, owner_id, active, updated_at, id);
CREATE INDEX tickets_team_priority ON tickets (workspace_id, team_id, active, priority DESC, id);
CREATE INDEX tickets_team_updated ON tickets (workspace_id, team_id, active, updated_at, id);
-- Unassigned tickets (owner=none) are few among many: seek them, in each
-- sort order, within a tier or a team rather than walk past the assigned.
CREATE INDEX tickets_tier_unassigned_priority ON tickets (workspace_id, tier_id, active, owner_id, priority DESC, id);
CREATE INDEX tickets_tier_unassigned_updated ON tickets (workspace_id, tier_id, active, owner_id, updated_at, id);
CREATE INDEX tickets_team_unassigned ON tickets (workspace_id, team_id, active, owner_id, id);
