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
