-- Customer and organisation pages (issue 12): internal notes agents keep
-- about a customer or an organisation, never shown to the customer; and
-- the extra addresses a customer keeps when another record of the same
-- person is merged into theirs.
CREATE TABLE customer_notes (
    id {{id}},
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    -- Exactly one of the two: a note is about a customer or about an
    -- organisation.
    customer_id BIGINT REFERENCES customers(id),
    organisation_id BIGINT REFERENCES organisations(id),
    author_agent_id BIGINT NOT NULL REFERENCES agents(id),
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    CHECK ((customer_id IS NULL) <> (organisation_id IS NULL))
);
CREATE INDEX customer_notes_customer ON customer_notes (customer_id, id);
CREATE INDEX customer_notes_organisation ON customer_notes (organisation_id, id);

CREATE TABLE customer_emails (
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    customer_id BIGINT NOT NULL REFERENCES customers(id),
    email TEXT NOT NULL,
    added_at BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, email)
);
CREATE INDEX customer_emails_customer ON customer_emails (customer_id);

-- An organisation's open tickets at a glance, most urgent first: the
-- active tickets of each of its customers are read by (customer, active,
-- status, priority), so counts by status are index-only and the page's
-- order needs only the organisation's backlog, never the tickets table.
CREATE INDEX tickets_customer_active_status ON tickets (customer_id, active, status, priority, id);
