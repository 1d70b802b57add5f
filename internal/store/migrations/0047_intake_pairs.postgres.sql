-- The pairs of word heads (migration 0042) are written by Go on every path
-- that writes words (store.termPairs, the one rule: writeTerms, the bulk
-- loader, the one-statement intake). The triggers that wrote them cost
-- PostgreSQL about half a millisecond per new customer (a transition
-- table, a PL/pgSQL call, a lookup of the record's words and a conflict
-- check per pair), a quarter of intake's CPU per ticket.
DROP TRIGGER customer_terms_pairs ON customer_terms;
DROP TRIGGER organisation_terms_pairs ON organisation_terms;
DROP FUNCTION palier_customer_term_pairs();
DROP FUNCTION palier_organisation_term_pairs();

-- Every new ticket writes one entry into each of the 34 indexes of tickets
-- (most of the intake statement's own cost). Of them, after the whole
-- list matrix at 1M tickets (1,152 combinations, an admin and an L1 agent,
-- pg_stat_user_indexes), these two were never read: PostgreSQL serves a
-- team, tier and owner fixed together through tickets_team_tier_owner_id
-- (the same rows, then the page's sort) or through the owner's sort
-- indexes. They exist for SQLite, which is told its index (INDEXED BY,
-- store.prefixIndexes) and keeps them. The others unread by the matrix
-- stay: tickets_type (a type of middling frequency in id order; the
-- matrix's types are a third each), tickets_customer (a customer's
-- history in id order) and tickets_ws_id (a workspace's newest among
-- other workspaces' tickets) serve reads the 1M data set cannot show.
DROP INDEX tickets_team_tier_owner_priority;
DROP INDEX tickets_team_tier_owner_updated;
