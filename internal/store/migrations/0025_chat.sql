-- Live chat. A conversation belongs to the ticket it opened (channel
-- 'chat'); its lines are that ticket's messages, so the transcript is the
-- timeline. This table holds only what the chat itself needs: its state
-- (waiting, accepted, missed, ended), the agent who accepted it, and the
-- hash of the customer's conversation token (the token itself is never
-- stored). Accepting is a conditional update on state, so two agents
-- accepting at once leave one winner.
CREATE TABLE chats (
    id {{id}},
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    ticket_id BIGINT NOT NULL REFERENCES tickets(id),
    token_hash TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL DEFAULT 'waiting',
    agent_id BIGINT REFERENCES agents(id),
    name TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL DEFAULT '',
    started_at BIGINT NOT NULL,
    waiting_since BIGINT NOT NULL,
    ended_at BIGINT,
    end_reason TEXT NOT NULL DEFAULT ''
);
-- The agents' panel lists the open chats of a workspace; the sweep finds
-- waiting chats past their wait.
CREATE INDEX chats_open ON chats (workspace_id, state, waiting_since);
CREATE INDEX chats_waiting ON chats (state, waiting_since);
CREATE INDEX chats_ticket ON chats (ticket_id);

-- A workspace's chat settings; a workspace without a row uses the
-- defaults (a customer waits 2 minutes before being offered to leave a
-- message).
CREATE TABLE chat_settings (
    workspace_id BIGINT PRIMARY KEY REFERENCES workspaces(id),
    wait_ms BIGINT NOT NULL
);
