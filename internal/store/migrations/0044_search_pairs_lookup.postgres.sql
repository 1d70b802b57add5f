-- The pair triggers of 0042 joined the statement's new words to the whole
-- words table; with no statistics on a transition table PostgreSQL chose
-- to hash the table, so every intake of a new customer read every
-- customer's words: PostgreSQL's CPU per ticket grew with the customer
-- count (2.7 → 5.4 ms within 7,000 tickets; 1.4 ms with the trigger off).
-- Each new word now looks up only its own record's words, through
-- customer_terms_customer / organisation_terms_organisation (OFFSET 0
-- keeps the lookup a per-row subquery the planner cannot turn into a join).
CREATE OR REPLACE FUNCTION palier_customer_term_pairs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO customer_term_pairs (workspace_id, head_a, head_b, customer_id)
    SELECT DISTINCT n.workspace_id, least(substr(n.term, 1, 3), substr(t.term, 1, 3)), greatest(substr(n.term, 1, 3), substr(t.term, 1, 3)), n.customer_id
    FROM new_terms n CROSS JOIN LATERAL (
        SELECT o.term FROM customer_terms o WHERE o.customer_id = n.customer_id AND o.workspace_id = n.workspace_id OFFSET 0) t
    WHERE length(n.term) >= 3 AND length(t.term) >= 3 AND substr(t.term, 1, 3) <> substr(n.term, 1, 3)
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END;
$$;
CREATE OR REPLACE FUNCTION palier_organisation_term_pairs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO organisation_term_pairs (workspace_id, head_a, head_b, organisation_id)
    SELECT DISTINCT n.workspace_id, least(substr(n.term, 1, 3), substr(t.term, 1, 3)), greatest(substr(n.term, 1, 3), substr(t.term, 1, 3)), n.organisation_id
    FROM new_terms n CROSS JOIN LATERAL (
        SELECT o.term FROM organisation_terms o WHERE o.organisation_id = n.organisation_id AND o.workspace_id = n.workspace_id OFFSET 0) t
    WHERE length(n.term) >= 3 AND length(t.term) >= 3 AND substr(t.term, 1, 3) <> substr(n.term, 1, 3)
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END;
$$;
