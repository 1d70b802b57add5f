-- Inbox queues sorted "most urgent first" and "recently updated first"
-- (Filter.Sort "priority" and "updated"). Without these, a page of the
-- active L1 queue sorted the whole queue: at 1M tickets (~70k active in L1)
-- 75–90 ms on SQLite and 110–200 ms on PostgreSQL, plus JIT compilation
-- there. With them a first page is an index range scan (< 2 ms on both).
-- The priority column is DESC in the index so that one forward scan gives
-- the list order, priority DESC then id ASC.
CREATE INDEX tickets_tier_priority ON tickets (workspace_id, tier_id, active, priority DESC, id);
CREATE INDEX tickets_tier_updated ON tickets (workspace_id, tier_id, active, updated_at, id);
