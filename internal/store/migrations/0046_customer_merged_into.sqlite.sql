-- A customer merged into another (store/customer_merge.go) points at the
-- one kept: lists and search leave it out, and reading it answers with
-- the pointer. Records merged before this column are found by the address
-- a merge leaves them (…@merged.invalid) and their audit entry.
ALTER TABLE customers ADD COLUMN merged_into_id INTEGER REFERENCES customers(id);
UPDATE customers SET merged_into_id = (
    SELECT a.target_id FROM audit_log a
    WHERE a.workspace_id = customers.workspace_id AND a.action = 'customer.merged' AND a.target_type = 'customer'
      AND CAST(json_extract(a.details, '$.from_id') AS INTEGER) = customers.id
    ORDER BY a.id DESC LIMIT 1)
WHERE email LIKE '%@merged.invalid';
-- A record merged into one merged later points at the last one kept.
UPDATE customers SET merged_into_id = (SELECT m.merged_into_id FROM customers m WHERE m.id = customers.merged_into_id)
WHERE merged_into_id IN (SELECT id FROM customers WHERE merged_into_id IS NOT NULL);
UPDATE customers SET merged_into_id = (SELECT m.merged_into_id FROM customers m WHERE m.id = customers.merged_into_id)
WHERE merged_into_id IN (SELECT id FROM customers WHERE merged_into_id IS NOT NULL);
-- Merged records leave the search index (a merge now does the same).
DELETE FROM customer_term_pairs WHERE (workspace_id, head_a, head_b, customer_id) IN (
    SELECT a.workspace_id, substr(a.term, 1, 3), substr(b.term, 1, 3), a.customer_id FROM customer_terms a JOIN customer_terms b ON b.customer_id = a.customer_id
    WHERE a.customer_id IN (SELECT id FROM customers WHERE merged_into_id IS NOT NULL)
      AND length(a.term) >= 3 AND length(b.term) >= 3 AND substr(a.term, 1, 3) < substr(b.term, 1, 3));
DELETE FROM customer_terms WHERE customer_id IN (SELECT id FROM customers WHERE merged_into_id IS NOT NULL);
