-- The pairs of word heads (migration 0042) are written by Go on every path
-- that writes words (store.termPairs, the one rule: writeTerms, the bulk
-- loader), as on PostgreSQL. SQLite's triggers looked up the new word's
-- record by customer_id AND workspace_id and, without statistics, took
-- customer_terms_head by workspace_id alone: each new word read every word
-- of the workspace (0.93 ms a word at 10,000 words, growing with every
-- customer; intake's CPU per ticket rose from 3 to 6.5 ms within 2,500
-- customers).
DROP TRIGGER customer_terms_pairs;
DROP TRIGGER organisation_terms_pairs;
