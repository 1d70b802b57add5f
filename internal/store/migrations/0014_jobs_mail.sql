-- The durable job queue and the email channel.
--
-- jobs is the one queue every background task runs through (the email
-- outbox first; SLA timers, webhooks, bulk actions and broadcasts later).
-- A job is enqueued in the transaction of the change that caused it, so it
-- exists exactly when that change committed. A worker claims it by setting
-- state 'running' and a lease; a worker that crashes leaves a lease that
-- lapses, and the job is claimed again (handlers are idempotent).
CREATE TABLE jobs (
    id {{id}},
    kind TEXT NOT NULL,
    payload TEXT NOT NULL DEFAULT '{}',
    state TEXT NOT NULL DEFAULT 'queued', -- queued, running, done, failed
    run_at BIGINT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL DEFAULT 10,
    lease_until BIGINT,
    lease_token TEXT NOT NULL DEFAULT '',
    last_error TEXT NOT NULL DEFAULT '',
    unique_key TEXT,
    created_at BIGINT NOT NULL,
    finished_at BIGINT
);
-- A unique key dedups enqueues (NULL keys never collide, on both databases).
CREATE UNIQUE INDEX jobs_unique_key ON jobs (unique_key);
-- Claiming reads due queued jobs and running jobs whose lease lapsed.
CREATE INDEX jobs_due ON jobs (state, run_at, id);
CREATE INDEX jobs_lease ON jobs (state, lease_until);

-- The addresses a workspace receives mail at; the SMTP receiver refuses
-- every other recipient at RCPT.
CREATE TABLE inbound_addresses (
    address TEXT PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX inbound_addresses_ws ON inbound_addresses (workspace_id);

-- Every email message the desk received or sent, by Message-ID: inbound
-- ones dedup repeated deliveries, outbound ones thread the customer's
-- answers back to their ticket and carry the send state shown on the
-- timeline (the events themselves are append-only).
CREATE TABLE mail_messages (
    id {{id}},
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    ticket_id BIGINT NOT NULL REFERENCES tickets(id),
    event_id BIGINT REFERENCES events(id),
    direction TEXT NOT NULL, -- in, out
    message_id TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT '', -- out: queued, sent, failed
    answer TEXT NOT NULL DEFAULT '', -- the SMTP server's last answer
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (workspace_id, message_id)
);
CREATE INDEX mail_messages_event ON mail_messages (event_id);
CREATE INDEX mail_messages_ticket ON mail_messages (ticket_id, id);
