-- Live chat may be switched off for a workspace: the help box then offers
-- to leave a message instead (issue 10). Existing workspaces keep chat.
ALTER TABLE chat_settings ADD COLUMN enabled {{bool}} NOT NULL DEFAULT TRUE;

-- The contact form's last rung (issue 11): a customer may ask to be
-- called back instead of writing, when the workspace offers it.
ALTER TABLE contact_settings ADD COLUMN callbacks {{bool}} NOT NULL DEFAULT FALSE;

-- Callback requests still to make. The request itself is the ticket (on
-- channel phone) and its callback_requested event; this row is the
-- queue's index: done once a call is logged on the ticket (done_at, and
-- the event of that call).
CREATE TABLE callbacks (
    id {{id}},
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    ticket_id BIGINT NOT NULL REFERENCES tickets(id),
    number TEXT NOT NULL,
    time_window TEXT NOT NULL DEFAULT '',
    requested_at BIGINT NOT NULL,
    done_at BIGINT,
    done_event_id BIGINT
);
CREATE INDEX callbacks_open ON callbacks (workspace_id, done_at, requested_at);
CREATE INDEX callbacks_ticket ON callbacks (ticket_id);
