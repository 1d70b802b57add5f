-- The pairs of word heads (migration 0042) are written by Go on every path
-- that writes words (store.termPairs, the one rule: writeTerms, the bulk
-- loader, the one-statement intake, which writes a new customer's pairs in
-- one more CTE). The triggers that wrote them ran on every INSERT of words
-- (a transition table, a PL/pgSQL call, a lookup of the record's words, a
-- conflict check per pair): 0.11–0.17 ms of the intake statement against
-- 0.06 ms for the CTE (EXPLAIN ANALYZE, loaded machine; the fourth session
-- estimated 0.4–0.6 ms on a quiet one).
DROP TRIGGER customer_terms_pairs ON customer_terms;
DROP TRIGGER organisation_terms_pairs ON organisation_terms;
DROP FUNCTION palier_customer_term_pairs();
DROP FUNCTION palier_organisation_term_pairs();
