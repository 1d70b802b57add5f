-- The list's ticket indexes (the ones Filter.branches names with INDEXED
-- BY: each prefix × newest/oldest, priority, updated, and tickets_status)
-- end with the columns a branch tests beside its seek: the request type,
-- sensitive (the agent's tier and team ways in skip sensitive tickets),
-- the status, and active where the index had none. SQLite tests them on
-- the index entry, and a branch that yields ids and sort keys only reads
-- no ticket row at all. Before, every entry a branch walked cost a seek of
-- the tickets table to test them (40 % of the CPU of the L1 agent's deep
-- "status=open,solved&type=billing" priority page at 1M tickets, where a
-- third of the tickets are billing and a third of those in the status);
-- now only the entries that pass do.
--
-- Same names, same leading columns: the seeks and their order are
-- unchanged. Replaced, not added: a ticket write updates the same indexes
-- as before, with entries a few bytes wider. The store's ticket UPDATE
-- sets every column these indexes hold (tickets.go), so it rewrote each of
-- them already; with the status in them, a reply's open → pending moves
-- their entries too (measured at 1M tickets: no difference beyond the
-- spread of runs). SQLite only (PostgreSQL's indexes are pgindex's; an
-- index-only scan there also needs the visibility map).
DROP INDEX tickets_team_tier_owner_id;
CREATE INDEX tickets_team_tier_owner_id ON tickets (workspace_id, team_id, tier_id, active, owner_id, id, request_type_id, sensitive, status);
DROP INDEX tickets_tier_unassigned;
CREATE INDEX tickets_tier_unassigned ON tickets (workspace_id, tier_id, active, owner_id, id, request_type_id, sensitive, status);
DROP INDEX tickets_team_unassigned;
CREATE INDEX tickets_team_unassigned ON tickets (workspace_id, team_id, active, owner_id, id, request_type_id, sensitive, status);
DROP INDEX tickets_team_tier_id;
CREATE INDEX tickets_team_tier_id ON tickets (workspace_id, team_id, tier_id, active, id, request_type_id, sensitive, status);
DROP INDEX tickets_owner;
CREATE INDEX tickets_owner ON tickets (workspace_id, owner_id, active, id, request_type_id, sensitive, status);
DROP INDEX tickets_team;
CREATE INDEX tickets_team ON tickets (workspace_id, team_id, active, id, request_type_id, sensitive, status);
DROP INDEX tickets_tier;
CREATE INDEX tickets_tier ON tickets (workspace_id, tier_id, active, id, request_type_id, sensitive, status);
DROP INDEX tickets_type;
CREATE INDEX tickets_type ON tickets (workspace_id, request_type_id, id, active, sensitive, status);
DROP INDEX tickets_ws_active_id;
CREATE INDEX tickets_ws_active_id ON tickets (workspace_id, active, id, request_type_id, sensitive, status);
DROP INDEX tickets_team_tier_owner_priority;
CREATE INDEX tickets_team_tier_owner_priority ON tickets (workspace_id, team_id, tier_id, active, owner_id, priority DESC, id, request_type_id, sensitive, status);
DROP INDEX tickets_tier_unassigned_priority;
CREATE INDEX tickets_tier_unassigned_priority ON tickets (workspace_id, tier_id, active, owner_id, priority DESC, id, request_type_id, sensitive, status);
DROP INDEX tickets_team_owner_priority;
CREATE INDEX tickets_team_owner_priority ON tickets (workspace_id, team_id, active, owner_id, priority DESC, id, request_type_id, sensitive, status);
DROP INDEX tickets_team_tier_priority;
CREATE INDEX tickets_team_tier_priority ON tickets (workspace_id, team_id, tier_id, active, priority DESC, id, request_type_id, sensitive, status);
DROP INDEX tickets_owner_priority;
CREATE INDEX tickets_owner_priority ON tickets (workspace_id, owner_id, active, priority DESC, id, request_type_id, sensitive, status);
DROP INDEX tickets_team_priority;
CREATE INDEX tickets_team_priority ON tickets (workspace_id, team_id, active, priority DESC, id, request_type_id, sensitive, status);
DROP INDEX tickets_tier_priority;
CREATE INDEX tickets_tier_priority ON tickets (workspace_id, tier_id, active, priority DESC, id, request_type_id, sensitive, status);
DROP INDEX tickets_type_priority;
CREATE INDEX tickets_type_priority ON tickets (workspace_id, request_type_id, active, priority DESC, id, sensitive, status);
DROP INDEX tickets_ws_priority;
CREATE INDEX tickets_ws_priority ON tickets (workspace_id, active, priority DESC, id, request_type_id, sensitive, status);
DROP INDEX tickets_team_tier_owner_updated;
CREATE INDEX tickets_team_tier_owner_updated ON tickets (workspace_id, team_id, tier_id, active, owner_id, updated_at, id, request_type_id, sensitive, status);
DROP INDEX tickets_tier_unassigned_updated;
CREATE INDEX tickets_tier_unassigned_updated ON tickets (workspace_id, tier_id, active, owner_id, updated_at, id, request_type_id, sensitive, status);
DROP INDEX tickets_team_owner_updated;
CREATE INDEX tickets_team_owner_updated ON tickets (workspace_id, team_id, active, owner_id, updated_at, id, request_type_id, sensitive, status);
DROP INDEX tickets_team_tier_updated;
CREATE INDEX tickets_team_tier_updated ON tickets (workspace_id, team_id, tier_id, active, updated_at, id, request_type_id, sensitive, status);
DROP INDEX tickets_owner_updated;
CREATE INDEX tickets_owner_updated ON tickets (workspace_id, owner_id, active, updated_at, id, request_type_id, sensitive, status);
DROP INDEX tickets_team_updated;
CREATE INDEX tickets_team_updated ON tickets (workspace_id, team_id, active, updated_at, id, request_type_id, sensitive, status);
DROP INDEX tickets_tier_updated;
CREATE INDEX tickets_tier_updated ON tickets (workspace_id, tier_id, active, updated_at, id, request_type_id, sensitive, status);
DROP INDEX tickets_type_updated;
CREATE INDEX tickets_type_updated ON tickets (workspace_id, request_type_id, active, updated_at, id, sensitive, status);
DROP INDEX tickets_ws_updated;
CREATE INDEX tickets_ws_updated ON tickets (workspace_id, active, updated_at, id, request_type_id, sensitive, status);
DROP INDEX tickets_status;
CREATE INDEX tickets_status ON tickets (workspace_id, status, id, active, request_type_id, sensitive);
