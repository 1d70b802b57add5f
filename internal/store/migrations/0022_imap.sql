-- IMAP mailboxes a workspace polls, and what inbound mail needs beside
-- them (per-sender rate limit, the CC'd addresses of a ticket's thread).
--
-- A mailbox is leased like a job (lease_until, lease_token): one instance
-- polls it at a time, and another takes over when the lease lapses. The
-- checkpoint (uid_validity, last_uid) moves only after a message is stored
-- and acknowledged on the server, so a restart resumes where the last
-- acknowledged message left off; the Message-ID dedup of mail_messages is
-- the second guard.
CREATE TABLE mailboxes (
    id {{id}},
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    address TEXT NOT NULL,           -- the address this mailbox receives (the inbound-address value of routing)
    host TEXT NOT NULL,
    port INTEGER NOT NULL,
    tls TEXT NOT NULL,               -- tls (implicit), starttls, none
    username TEXT NOT NULL,
    password_enc TEXT NOT NULL,      -- sealed with the server key (package secret)
    folder TEXT NOT NULL,
    after_action TEXT NOT NULL,      -- move, flag
    move_to TEXT NOT NULL DEFAULT '',
    keyword TEXT NOT NULL DEFAULT '',
    enabled {{bool}} NOT NULL,
    uid_validity BIGINT NOT NULL DEFAULT 0,
    last_uid BIGINT NOT NULL DEFAULT 0,
    lease_until BIGINT,
    lease_token TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT '', -- '', ok, error
    error_code TEXT NOT NULL DEFAULT '',
    last_error TEXT NOT NULL DEFAULT '',
    checked_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX mailboxes_ws ON mailboxes (workspace_id, id);
CREATE INDEX mailboxes_lease ON mailboxes (enabled, lease_until);

-- Inbound messages per sender and fixed window: a sender over the limit
-- is refused for now (SMTP 4xx, IMAP left for later), never dropped.
CREATE TABLE mail_sender_window (
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    sender TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    messages INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, sender)
);

-- Addresses copied (Cc) on a ticket's inbound mail: their replies are
-- accepted onto the ticket.
CREATE TABLE ticket_cc (
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    ticket_id BIGINT NOT NULL REFERENCES tickets(id),
    address TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (ticket_id, address)
);
