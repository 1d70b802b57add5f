-- Customer and organisation search (store/customers_search.go): the words
-- by their first three letters, then by record. A search whose words are
-- all common walks one word's records newest first through this index and
-- stops when its page is full, instead of reading and intersecting every
-- word's whole range (two common words together cost 35–60 ms at 1M
-- customers). substr counts letters on both databases, as the Go side
-- does (wordHead).
CREATE INDEX customer_terms_head ON customer_terms (workspace_id, (substr(term, 1, 3)), customer_id, term);
CREATE INDEX organisation_terms_head ON organisation_terms (workspace_id, (substr(term, 1, 3)), organisation_id, term);
