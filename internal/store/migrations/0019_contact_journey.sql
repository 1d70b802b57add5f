-- Level 0: a visitor's self-service journey (issue 11). A journey is one
-- browser session, known by a random token (a cookie, or a form field
-- where the help box's iframe gets no cookie); it holds no personal data
-- until the customer submits the contact form, when it is attached to the
-- ticket. outcome is '' while open, 'deflected' when the visitor said an
-- article solved it without a ticket, 'ticket' once a ticket was opened.
CREATE TABLE journeys (
    id {{id}},
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    token TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    last_at BIGINT NOT NULL,
    steps INTEGER NOT NULL DEFAULT 0,
    reached_form {{bool}} NOT NULL DEFAULT FALSE,
    outcome TEXT NOT NULL DEFAULT '',
    ended_at BIGINT NOT NULL DEFAULT 0,
    ticket_id BIGINT REFERENCES tickets(id)
);
CREATE UNIQUE INDEX journeys_token ON journeys (workspace_id, token);
CREATE INDEX journeys_started ON journeys (workspace_id, started_at);
CREATE INDEX journeys_ticket ON journeys (ticket_id);

-- One step: a search (detail = the query, hits = how many articles
-- answered), an article viewed, a vote, the form started, a suggestion
-- shown or opened, "this solved it"…
CREATE TABLE journey_steps (
    id {{id}},
    journey_id BIGINT NOT NULL REFERENCES journeys(id),
    kind TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    article_id BIGINT NOT NULL DEFAULT 0,
    hits INTEGER NOT NULL DEFAULT 0,
    at BIGINT NOT NULL
);
CREATE INDEX journey_steps_journey ON journey_steps (journey_id, id);
CREATE INDEX journey_steps_kind_at ON journey_steps (kind, at);

-- Per-window counters of the public contact form's rate limits (per
-- address, per workspace): one row per key, locked while counted.
CREATE TABLE contact_throttle (
    key TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    count INTEGER NOT NULL
);

-- The contact form's last rung (phone and hours) and the key that signs
-- the form's timestamp, per workspace.
CREATE TABLE contact_settings (
    workspace_id BIGINT PRIMARY KEY REFERENCES workspaces(id),
    phone TEXT NOT NULL DEFAULT '',
    hours TEXT NOT NULL DEFAULT '',
    form_key TEXT NOT NULL DEFAULT ''
);
