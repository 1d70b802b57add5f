-- PostgreSQL assumes "owner_id IS NULL" and "active" independent and, at 1M
-- tickets, estimated 7k unassigned active tickets where there were 45k (new
-- tickets are unassigned, solved ones rarely are). With that estimate,
-- sorting every unassigned ticket of several tiers looked about as cheap as
-- reading an index in page order, and a deep page of a lead's "unassigned
-- in my tiers" queue flipped between 0.2 ms and 40 ms from one ANALYZE to
-- the next. Joint statistics give the planner the real count. SQLite plans
-- this query from its indexes alone and needs nothing.
CREATE STATISTICS tickets_owner_active (mcv) ON owner_id, active FROM tickets;
ANALYZE tickets;
