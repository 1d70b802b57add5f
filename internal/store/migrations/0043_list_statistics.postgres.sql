-- The ticket list at 1M tickets (store.Filter.listQuery): PostgreSQL took
-- tier, team, owner and active for independent, so it expected tens of
-- thousands of an L1 agent's inactive tickets in tier L2 (agents own
-- tickets of their own tiers: there are none) and read a deep page by
-- walking the primary key from the cursor, testing each row: 500,003 rows
-- and 1.5 s for one branch of `tier=L2 sort=newest`, instead of an empty
-- seek of (tier, active, owner, id). With their joint statistics the
-- estimate is right and the seek wins (2.7 s → 0.7 ms for that page).
CREATE STATISTICS tickets_tier_team_owner_active (mcv, dependencies) ON tier_id, team_id, owner_id, active FROM tickets;
ANALYZE tickets;
