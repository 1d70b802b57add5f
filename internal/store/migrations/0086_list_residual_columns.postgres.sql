-- The list's ticket indexes end with the columns a seek tests beside its
-- prefix and order (the request type, sensitive, the status, and active
-- where the index has none), as SQLite's have since 0080, PostgreSQL only
-- (issue 9). A btree tests a condition on any of its columns on the index
-- entry, so an entry that fails it costs no visit of the ticket's row; a
-- seek that yields ids and sort keys only is then an index-only scan. The
-- owner seek of the L1 agent's "status=open,solved&type=billing" priority
-- page at 1M tickets read 591 buffers for its 102 rows (302 rows visited
-- and dropped for their type or status); with the type in the index's
-- conditions and the status tested on the entry, 55 (bench/README.md,
-- fifteenth session). PostgreSQL 15 does not seek an IN list on a column
-- after the order's (the path would lose its order): several statuses
-- are tested on the entry, not sought.
--
-- Same names, same leading columns, replaced rather than added: a ticket
-- write updates the same indexes, with entries a few bytes wider. Every
-- ticket update already rewrote each of these entries (they hold
-- updated_at or follow it: updates are not HOT), so the status in them
-- costs a reply's open → pending nothing more. Rebuilding them locks
-- tickets against writes for the migration: about 2.5 s per index at 1M
-- tickets on a 2-core VM (28 indexes).
DROP INDEX tickets_owner;
CREATE INDEX tickets_owner ON tickets (workspace_id, owner_id, active, id, request_type_id, sensitive, status);
DROP INDEX tickets_owner_priority;
CREATE INDEX tickets_owner_priority ON tickets (workspace_id, owner_id, active, priority DESC, id, request_type_id, sensitive, status);
DROP INDEX tickets_owner_updated;
CREATE INDEX tickets_owner_updated ON tickets (workspace_id, owner_id, active, updated_at, id, request_type_id, sensitive, status);
DROP INDEX tickets_status;
CREATE INDEX tickets_status ON tickets (workspace_id, status, id, active, request_type_id, sensitive);
DROP INDEX tickets_team;
CREATE INDEX tickets_team ON tickets (workspace_id, team_id, active, id, request_type_id, sensitive, status);
DROP INDEX tickets_team_owner_priority;
CREATE INDEX tickets_team_owner_priority ON tickets (workspace_id, team_id, active, owner_id, priority DESC, id, request_type_id, sensitive, status);
DROP INDEX tickets_team_owner_updated;
CREATE INDEX tickets_team_owner_updated ON tickets (workspace_id, team_id, active, owner_id, updated_at, id, request_type_id, sensitive, status);
DROP INDEX tickets_team_priority;
CREATE INDEX tickets_team_priority ON tickets (workspace_id, team_id, active, priority DESC, id, request_type_id, sensitive, status);
DROP INDEX tickets_team_tier_id;
CREATE INDEX tickets_team_tier_id ON tickets (workspace_id, team_id, tier_id, active, id, request_type_id, sensitive, status);
DROP INDEX tickets_team_tier_owner_id;
CREATE INDEX tickets_team_tier_owner_id ON tickets (workspace_id, team_id, tier_id, active, owner_id, id, request_type_id, sensitive, status);
DROP INDEX tickets_team_tier_owner_priority;
CREATE INDEX tickets_team_tier_owner_priority ON tickets (workspace_id, team_id, tier_id, active, owner_id, priority DESC, id, request_type_id, sensitive, status);
DROP INDEX tickets_team_tier_owner_updated;
CREATE INDEX tickets_team_tier_owner_updated ON tickets (workspace_id, team_id, tier_id, active, owner_id, updated_at, id, request_type_id, sensitive, status);
DROP INDEX tickets_team_tier_priority;
CREATE INDEX tickets_team_tier_priority ON tickets (workspace_id, team_id, tier_id, active, priority DESC, id, request_type_id, sensitive, status);
DROP INDEX tickets_team_tier_updated;
CREATE INDEX tickets_team_tier_updated ON tickets (workspace_id, team_id, tier_id, active, updated_at, id, request_type_id, sensitive, status);
DROP INDEX tickets_team_unassigned;
CREATE INDEX tickets_team_unassigned ON tickets (workspace_id, team_id, active, owner_id, id, request_type_id, sensitive, status);
DROP INDEX tickets_team_updated;
CREATE INDEX tickets_team_updated ON tickets (workspace_id, team_id, active, updated_at, id, request_type_id, sensitive, status);
DROP INDEX tickets_tier;
CREATE INDEX tickets_tier ON tickets (workspace_id, tier_id, active, id, request_type_id, sensitive, status);
DROP INDEX tickets_tier_priority;
CREATE INDEX tickets_tier_priority ON tickets (workspace_id, tier_id, active, priority DESC, id, request_type_id, sensitive, status);
DROP INDEX tickets_tier_unassigned;
CREATE INDEX tickets_tier_unassigned ON tickets (workspace_id, tier_id, active, owner_id, id, request_type_id, sensitive, status);
DROP INDEX tickets_tier_unassigned_priority;
CREATE INDEX tickets_tier_unassigned_priority ON tickets (workspace_id, tier_id, active, owner_id, priority DESC, id, request_type_id, sensitive, status);
DROP INDEX tickets_tier_unassigned_updated;
CREATE INDEX tickets_tier_unassigned_updated ON tickets (workspace_id, tier_id, active, owner_id, updated_at, id, request_type_id, sensitive, status);
DROP INDEX tickets_tier_updated;
CREATE INDEX tickets_tier_updated ON tickets (workspace_id, tier_id, active, updated_at, id, request_type_id, sensitive, status);
DROP INDEX tickets_type_priority;
CREATE INDEX tickets_type_priority ON tickets (workspace_id, request_type_id, active, priority DESC, id, sensitive, status);
DROP INDEX tickets_type_updated;
CREATE INDEX tickets_type_updated ON tickets (workspace_id, request_type_id, active, updated_at, id, sensitive, status);
DROP INDEX tickets_ws_active_id;
CREATE INDEX tickets_ws_active_id ON tickets (workspace_id, active, id, request_type_id, sensitive, status);
DROP INDEX tickets_ws_id;
CREATE INDEX tickets_ws_id ON tickets (workspace_id, id, active, request_type_id, sensitive, status);
DROP INDEX tickets_ws_priority;
CREATE INDEX tickets_ws_priority ON tickets (workspace_id, active, priority DESC, id, request_type_id, sensitive, status);
DROP INDEX tickets_ws_updated;
CREATE INDEX tickets_ws_updated ON tickets (workspace_id, active, updated_at, id, request_type_id, sensitive, status);
