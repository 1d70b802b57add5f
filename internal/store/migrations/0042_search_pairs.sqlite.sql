-- Customer and organisation search (store/customers_search.go): the pairs
-- of word heads (first three letters, as customer_terms_head) each record
-- holds, smaller head first. Two common words that seldom go together
-- ("zoe martin": each in tens of thousands of records at 1M customers,
-- together in a handful) walked one word's whole head bucket probing for
-- the other (4–8 ms of CPU on SQLite, over 100 ms on PostgreSQL under
-- load); their pair's bucket holds only records carrying both heads, so a
-- page reads near-matches only. Without rowid: the key is the whole row.
CREATE TABLE customer_term_pairs (
    workspace_id INTEGER NOT NULL,
    head_a TEXT NOT NULL,
    head_b TEXT NOT NULL,
    customer_id INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, head_a, head_b, customer_id)
) WITHOUT ROWID;
CREATE TABLE organisation_term_pairs (
    workspace_id INTEGER NOT NULL,
    head_a TEXT NOT NULL,
    head_b TEXT NOT NULL,
    organisation_id INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, head_a, head_b, organisation_id)
) WITHOUT ROWID;

INSERT INTO customer_term_pairs (workspace_id, head_a, head_b, customer_id)
SELECT DISTINCT a.workspace_id, substr(a.term, 1, 3), substr(b.term, 1, 3), a.customer_id
FROM customer_terms a JOIN customer_terms b ON b.customer_id = a.customer_id AND b.workspace_id = a.workspace_id
WHERE length(a.term) >= 3 AND length(b.term) >= 3 AND substr(a.term, 1, 3) < substr(b.term, 1, 3);
INSERT INTO organisation_term_pairs (workspace_id, head_a, head_b, organisation_id)
SELECT DISTINCT a.workspace_id, substr(a.term, 1, 3), substr(b.term, 1, 3), a.organisation_id
FROM organisation_terms a JOIN organisation_terms b ON b.organisation_id = a.organisation_id AND b.workspace_id = a.workspace_id
WHERE length(a.term) >= 3 AND length(b.term) >= 3 AND substr(a.term, 1, 3) < substr(b.term, 1, 3);

-- Words are written by three paths (store.writeTerms, the bulk loader and
-- PostgreSQL's one-statement intake): the database pairs each new word
-- with the record's others, so no path can forget. writeTerms, the one
-- place that deletes words, deletes their pairs first.
CREATE TRIGGER customer_terms_pairs AFTER INSERT ON customer_terms WHEN length(new.term) >= 3
BEGIN
    INSERT OR IGNORE INTO customer_term_pairs (workspace_id, head_a, head_b, customer_id)
    SELECT DISTINCT new.workspace_id, min(substr(new.term, 1, 3), substr(t.term, 1, 3)), max(substr(new.term, 1, 3), substr(t.term, 1, 3)), new.customer_id
    FROM customer_terms t
    WHERE t.customer_id = new.customer_id AND t.workspace_id = new.workspace_id AND length(t.term) >= 3 AND substr(t.term, 1, 3) <> substr(new.term, 1, 3);
END;
CREATE TRIGGER organisation_terms_pairs AFTER INSERT ON organisation_terms WHEN length(new.term) >= 3
BEGIN
    INSERT OR IGNORE INTO organisation_term_pairs (workspace_id, head_a, head_b, organisation_id)
    SELECT DISTINCT new.workspace_id, min(substr(new.term, 1, 3), substr(t.term, 1, 3)), max(substr(new.term, 1, 3), substr(t.term, 1, 3)), new.organisation_id
    FROM organisation_terms t
    WHERE t.organisation_id = new.organisation_id AND t.workspace_id = new.workspace_id AND length(t.term) >= 3 AND substr(t.term, 1, 3) <> substr(new.term, 1, 3);
END;
