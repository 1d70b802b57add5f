-- Connectors: the generic inbound channel API for social networks and
-- other sources (POST /api/v1/channels/{key}/messages, HMAC-signed), whose
-- replies are delivered to the connector's webhook.
CREATE TABLE connectors (
    id {{id}},
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    -- key is the connector's address in the URL: unique across the
    -- deployment, since the URL names no workspace.
    channel_key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    -- secret signs both directions (HMAC-SHA256). It must be readable to
    -- verify signatures, so it is kept as issued (like a webhook secret in
    -- any helpdesk); it is shown to the admin once.
    secret TEXT NOT NULL,
    webhook_url TEXT NOT NULL DEFAULT '',
    -- public: posts are seen by everyone (a social wall); replies to a
    -- sensitive ticket then only say the conversation goes on privately.
    public {{bool}} NOT NULL,
    active {{bool}} NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX connectors_ws ON connectors (workspace_id, id);

-- An external conversation is one ticket.
CREATE TABLE connector_conversations (
    connector_id BIGINT NOT NULL REFERENCES connectors(id),
    external_id TEXT NOT NULL,
    ticket_id BIGINT NOT NULL REFERENCES tickets(id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (connector_id, external_id)
);
CREATE INDEX connector_conversations_ticket ON connector_conversations (ticket_id);

-- Messages in (deduplicated by the source's message id) and out (with the
-- delivery state shown to agents).
CREATE TABLE connector_messages (
    id {{id}},
    connector_id BIGINT NOT NULL REFERENCES connectors(id),
    direction TEXT NOT NULL, -- in, out
    external_id TEXT NOT NULL,
    ticket_id BIGINT NOT NULL REFERENCES tickets(id),
    event_id BIGINT REFERENCES events(id),
    state TEXT NOT NULL DEFAULT '', -- out: queued, sent, failed
    answer TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (connector_id, direction, external_id)
);
CREATE INDEX connector_messages_event ON connector_messages (event_id);
