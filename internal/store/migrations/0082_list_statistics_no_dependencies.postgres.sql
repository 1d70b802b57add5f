-- The joint statistics of tickets' tier, team, owner and active (migration
-- 0043) without their functional dependencies, PostgreSQL only (issue 9).
--
-- The list's seeks are planned once per connection without their values
-- (generic plans, store.seekedPage). Without values, the most-common-value
-- list of 0043 cannot be read, and the dependencies were all the planner
-- had: the team is nearly always fixed by the tier, so a seek fixing both
-- looked no narrower through (workspace, team, tier, active, id) than
-- through (workspace, tier, active, id), the smaller index, which it took,
-- testing the team on each ticket: 20,154 tickets read for none, 561 ms,
-- for the L1 team's active tickets of tier L2, where it has none. Such
-- seeks were planned for their values at every call instead, the most
-- expensive pages of an agent's list (a deep multi-tier page of a team is
-- 20 such seeks). Without the dependencies the generic plan reads the
-- team-and-tier index (3 pages).
--
-- Plans made for their values are unchanged: the most-common-value list
-- estimates every clause of its columns at once, and the dependencies only
-- served clauses it had left (bench/README.md, thirteenth session,
-- pgcursor).
DROP STATISTICS tickets_tier_team_owner_active;
CREATE STATISTICS tickets_tier_team_owner_active (mcv) ON tier_id, team_id, owner_id, active FROM tickets;
ANALYZE tickets;
