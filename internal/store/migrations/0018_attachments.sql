-- Files attached to a ticket's messages. The bytes live in a blob store
-- (local disk by default), named by their sha256: a row is written only
-- after its blob is in place, so no row points at a missing file; a blob
-- without a row (a rolled-back message) is harmless and swept later.
-- declared_type is what the sender claimed and is never trusted;
-- sniffed_type is what the bytes are, and what the file is served as.
CREATE TABLE attachments (
    id {{id}},
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    ticket_id BIGINT NOT NULL REFERENCES tickets(id),
    event_id BIGINT NOT NULL REFERENCES events(id),
    filename TEXT NOT NULL,
    declared_type TEXT NOT NULL DEFAULT '',
    sniffed_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    inline {{bool}} NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL
);
CREATE INDEX attachments_ticket ON attachments (ticket_id, id);
CREATE INDEX attachments_event ON attachments (event_id);
CREATE INDEX attachments_sha256 ON attachments (sha256);
