-- Customer and organisation search (store/customers_search.go): the pairs
-- of word heads (first three letters, as customer_terms_head) each record
-- holds, smaller head first (byte order, as the words). Two common words
-- that seldom go together ("zoe martin": each in tens of thousands of
-- records at 1M customers, together in a handful) walked one word's whole
-- head bucket probing for the other (over 100 ms under load); their pair's
-- bucket holds only records carrying both heads, so a page reads
-- near-matches only.
CREATE TABLE customer_term_pairs (
    workspace_id BIGINT NOT NULL,
    head_a TEXT COLLATE "C" NOT NULL,
    head_b TEXT COLLATE "C" NOT NULL,
    customer_id BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, head_a, head_b, customer_id)
);
CREATE TABLE organisation_term_pairs (
    workspace_id BIGINT NOT NULL,
    head_a TEXT COLLATE "C" NOT NULL,
    head_b TEXT COLLATE "C" NOT NULL,
    organisation_id BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, head_a, head_b, organisation_id)
);

INSERT INTO customer_term_pairs (workspace_id, head_a, head_b, customer_id)
SELECT DISTINCT a.workspace_id, substr(a.term, 1, 3), substr(b.term, 1, 3), a.customer_id
FROM customer_terms a JOIN customer_terms b ON b.customer_id = a.customer_id AND b.workspace_id = a.workspace_id
WHERE length(a.term) >= 3 AND length(b.term) >= 3 AND substr(a.term, 1, 3) < substr(b.term, 1, 3);
INSERT INTO organisation_term_pairs (workspace_id, head_a, head_b, organisation_id)
SELECT DISTINCT a.workspace_id, substr(a.term, 1, 3), substr(b.term, 1, 3), a.organisation_id
FROM organisation_terms a JOIN organisation_terms b ON b.organisation_id = a.organisation_id AND b.workspace_id = a.workspace_id
WHERE length(a.term) >= 3 AND length(b.term) >= 3 AND substr(a.term, 1, 3) < substr(b.term, 1, 3);

-- Words are written by three paths (store.writeTerms, the bulk loader and
-- the one-statement intake): the database pairs each new word with the
-- record's others, so no path can forget; once per statement (a bulk
-- INSERT of a thousand words runs it once). writeTerms, the one place that
-- deletes words, deletes their pairs first.
CREATE FUNCTION palier_customer_term_pairs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO customer_term_pairs (workspace_id, head_a, head_b, customer_id)
    SELECT DISTINCT n.workspace_id, least(substr(n.term, 1, 3), substr(t.term, 1, 3)), greatest(substr(n.term, 1, 3), substr(t.term, 1, 3)), n.customer_id
    FROM new_terms n JOIN customer_terms t ON t.customer_id = n.customer_id AND t.workspace_id = n.workspace_id
    WHERE length(n.term) >= 3 AND length(t.term) >= 3 AND substr(t.term, 1, 3) <> substr(n.term, 1, 3)
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END;
$$;
CREATE TRIGGER customer_terms_pairs AFTER INSERT ON customer_terms
REFERENCING NEW TABLE AS new_terms FOR EACH STATEMENT EXECUTE FUNCTION palier_customer_term_pairs();
CREATE FUNCTION palier_organisation_term_pairs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO organisation_term_pairs (workspace_id, head_a, head_b, organisation_id)
    SELECT DISTINCT n.workspace_id, least(substr(n.term, 1, 3), substr(t.term, 1, 3)), greatest(substr(n.term, 1, 3), substr(t.term, 1, 3)), n.organisation_id
    FROM new_terms n JOIN organisation_terms t ON t.organisation_id = n.organisation_id AND t.workspace_id = n.workspace_id
    WHERE length(n.term) >= 3 AND length(t.term) >= 3 AND substr(t.term, 1, 3) <> substr(n.term, 1, 3)
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END;
$$;
CREATE TRIGGER organisation_terms_pairs AFTER INSERT ON organisation_terms
REFERENCING NEW TABLE AS new_terms FOR EACH STATEMENT EXECUTE FUNCTION palier_organisation_term_pairs();
