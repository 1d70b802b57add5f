-- The pairs of word heads (migration 0042) are written by Go on every path
-- that writes words (store.termPairs, the one rule: writeTerms, the bulk
-- loader), as on PostgreSQL, where the triggers cost a quarter of intake's
-- CPU per ticket; one rule for both databases.
DROP TRIGGER customer_terms_pairs;
DROP TRIGGER organisation_terms_pairs;
