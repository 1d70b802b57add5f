-- The foundation schema. One file serves both dialects: the store replaces
-- {{id}}, {{bool}} and friends with each database's own spelling, so the two
-- schemas cannot drift apart. Times are Unix milliseconds (BIGINT) on both
-- databases so that comparisons, keyset cursors and reports behave the same.

CREATE TABLE workspaces (
    id {{id}},
    name TEXT NOT NULL,
    support_model TEXT NOT NULL DEFAULT 'tiered',
    languages TEXT NOT NULL DEFAULT 'fr,en',
    default_language TEXT NOT NULL DEFAULT 'fr',
    timezone TEXT NOT NULL DEFAULT 'Europe/Paris',
    next_ticket_number BIGINT NOT NULL DEFAULT 1000,
    created_at BIGINT NOT NULL
);

CREATE TABLE tiers (
    id {{id}},
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    target_share DOUBLE PRECISION NOT NULL DEFAULT 0,
    position INTEGER NOT NULL,
    external {{bool}} NOT NULL DEFAULT FALSE,
    vendor_email TEXT NOT NULL DEFAULT '',
    UNIQUE (workspace_id, code)
);

CREATE TABLE request_types (
    id {{id}},
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    key TEXT NOT NULL,
    name_fr TEXT NOT NULL,
    name_en TEXT NOT NULL,
    active {{bool}} NOT NULL DEFAULT TRUE,
    UNIQUE (workspace_id, key)
);

CREATE TABLE teams (
    id {{id}},
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    tier_id BIGINT NOT NULL REFERENCES tiers(id),
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    UNIQUE (workspace_id, name)
);
CREATE INDEX teams_tier ON teams (tier_id);

CREATE TABLE team_skills (
    team_id BIGINT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    request_type_id BIGINT NOT NULL REFERENCES request_types(id) ON DELETE CASCADE,
    PRIMARY KEY (team_id, request_type_id)
);

CREATE TABLE agents (
    id {{id}},
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    language TEXT NOT NULL DEFAULT '',
    timezone TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL DEFAULT '',
    active {{bool}} NOT NULL DEFAULT TRUE,
    created_at BIGINT NOT NULL,
    UNIQUE (email)
);
CREATE INDEX agents_workspace ON agents (workspace_id, id);

CREATE TABLE team_members (
    team_id BIGINT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    agent_id BIGINT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    PRIMARY KEY (team_id, agent_id)
);
CREATE INDEX team_members_agent ON team_members (agent_id);

CREATE TABLE agent_tiers (
    agent_id BIGINT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    tier_id BIGINT NOT NULL REFERENCES tiers(id) ON DELETE CASCADE,
    PRIMARY KEY (agent_id, tier_id)
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    agent_id BIGINT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_agent ON sessions (agent_id);

CREATE TABLE api_tokens (
    id {{id}},
    agent_id BIGINT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    name TEXT NOT NULL DEFAULT '',
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

CREATE TABLE organisations (
    id {{id}},
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    name TEXT NOT NULL,
    segment TEXT NOT NULL DEFAULT '',
    domain TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    UNIQUE (workspace_id, name)
);

CREATE TABLE customers (
    id {{id}},
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    organisation_id BIGINT REFERENCES organisations(id),
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    phone TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL DEFAULT '',
    segment TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    UNIQUE (workspace_id, email)
);
CREATE INDEX customers_ws_id ON customers (workspace_id, id);
CREATE INDEX customers_org ON customers (organisation_id, id);

CREATE TABLE custom_fields (
    id {{id}},
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    key TEXT NOT NULL,
    label_fr TEXT NOT NULL,
    label_en TEXT NOT NULL,
    kind TEXT NOT NULL,
    options TEXT NOT NULL DEFAULT '[]',
    position INTEGER NOT NULL DEFAULT 0,
    UNIQUE (workspace_id, key)
);

CREATE TABLE tickets (
    id {{id}},
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    number BIGINT NOT NULL,
    subject TEXT NOT NULL,
    status TEXT NOT NULL,
    active {{bool}} NOT NULL,
    priority INTEGER NOT NULL,
    request_type_id BIGINT REFERENCES request_types(id),
    channel TEXT NOT NULL,
    tier_id BIGINT NOT NULL REFERENCES tiers(id),
    team_id BIGINT REFERENCES teams(id),
    owner_id BIGINT REFERENCES agents(id),
    customer_id BIGINT NOT NULL REFERENCES customers(id),
    language TEXT NOT NULL DEFAULT '',
    sensitive {{bool}} NOT NULL DEFAULT FALSE,
    tags TEXT NOT NULL DEFAULT '[]',
    custom_fields TEXT NOT NULL DEFAULT '{}',
    escalation_count INTEGER NOT NULL DEFAULT 0,
    handoff_count INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    first_response_at BIGINT,
    solved_at BIGINT,
    UNIQUE (workspace_id, number)
);
-- Inbox views read "active tickets of a tier / team / owner, newest first":
-- each view has an index whose order is the page order, so a page is a
-- bounded index range scan even at millions of tickets.
CREATE INDEX tickets_ws_id ON tickets (workspace_id, id);
CREATE INDEX tickets_tier ON tickets (workspace_id, tier_id, active, id);
CREATE INDEX tickets_tier_unassigned ON tickets (workspace_id, tier_id, active, owner_id, id);
CREATE INDEX tickets_team ON tickets (workspace_id, team_id, active, id);
CREATE INDEX tickets_owner ON tickets (workspace_id, owner_id, active, id);
CREATE INDEX tickets_status ON tickets (workspace_id, status, id);
CREATE INDEX tickets_customer ON tickets (customer_id, id);
CREATE INDEX tickets_type ON tickets (workspace_id, request_type_id, id);

CREATE TABLE ticket_collaborators (
    ticket_id BIGINT NOT NULL REFERENCES tickets(id),
    agent_id BIGINT NOT NULL REFERENCES agents(id),
    added_by BIGINT REFERENCES agents(id),
    added_at BIGINT NOT NULL,
    PRIMARY KEY (ticket_id, agent_id)
);
CREATE INDEX ticket_collaborators_agent ON ticket_collaborators (agent_id, ticket_id);

CREATE TABLE events (
    id {{id}},
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    ticket_id BIGINT NOT NULL REFERENCES tickets(id),
    kind TEXT NOT NULL,
    actor_agent_id BIGINT REFERENCES agents(id),
    actor_customer_id BIGINT REFERENCES customers(id),
    body TEXT NOT NULL DEFAULT '',
    data TEXT NOT NULL DEFAULT '{}',
    created_at BIGINT NOT NULL
);
CREATE INDEX events_ticket ON events (ticket_id, id);

CREATE TABLE audit_log (
    id {{id}},
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    actor_agent_id BIGINT REFERENCES agents(id),
    action TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target_id BIGINT NOT NULL DEFAULT 0,
    details TEXT NOT NULL DEFAULT '{}',
    created_at BIGINT NOT NULL
);
CREATE INDEX audit_log_ws ON audit_log (workspace_id, id);

CREATE TABLE login_attempts (
    key TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX login_attempts_key ON login_attempts (key, at);
