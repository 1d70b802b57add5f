-- Outgoing mail per workspace: the SMTP relay a workspace's admins set up
-- (it wins over the server's PALIER_SMTP_RELAY), and each agent's
-- signature under their public replies.
CREATE TABLE smtp_relays (
    workspace_id BIGINT PRIMARY KEY REFERENCES workspaces(id),
    host TEXT NOT NULL,
    port INTEGER NOT NULL,
    tls TEXT NOT NULL,               -- tls (implicit), starttls (required), none (loopback only)
    username TEXT NOT NULL,
    password_enc TEXT NOT NULL,      -- sealed with the server key (package secret), '' without AUTH
    from_address TEXT NOT NULL,
    from_name TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE agent_signatures (
    agent_id BIGINT PRIMARY KEY REFERENCES agents(id),
    signature TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
