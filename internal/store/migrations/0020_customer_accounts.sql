-- Customer accounts for the help centre's "My requests" (issue 11).
--
-- A sign-in link is a selector (the row's public handle, in the link) and
-- a verifier of which only the sha256 is kept, compared in constant time.
-- The verifier is made when the email is sent (or logged in the demo), so
-- no usable secret waits in the job queue. A link is bound to its
-- workspace and to the customer's email at the time it was asked for,
-- lasts minutes, and is spent on first use (used_at).
CREATE TABLE customer_sign_ins (
    id {{id}},
    selector TEXT NOT NULL UNIQUE,
    verifier_hash TEXT NOT NULL DEFAULT '',
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    customer_id BIGINT NOT NULL REFERENCES customers(id),
    email TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX customer_sign_ins_customer ON customer_sign_ins (customer_id, expires_at);

-- Customer sessions are apart from agents' sessions: another table,
-- another cookie, so neither kind can ever stand for the other.
CREATE TABLE customer_sessions (
    token_hash TEXT PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    customer_id BIGINT NOT NULL REFERENCES customers(id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX customer_sessions_customer ON customer_sessions (customer_id, expires_at);

-- The optional password a customer sets (argon2id, as agents').
CREATE TABLE customer_passwords (
    customer_id BIGINT PRIMARY KEY REFERENCES customers(id),
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    password_hash TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Whether customers see the first names of the agents who answer them.
ALTER TABLE workspaces ADD COLUMN portal_agent_names {{bool}} NOT NULL DEFAULT TRUE;
