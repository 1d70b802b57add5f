-- Who handed a ticket to another tier: the agent who escalated or
-- de-escalated it, or who opened it (phone intake) for a tier routing
-- placed it in. They keep reading it (ticket.CanView and its SQL twin) and
-- find it in their "Handed off by me" view, which the agent-first index
-- serves.
CREATE TABLE ticket_handoffs (
    ticket_id BIGINT NOT NULL REFERENCES tickets(id),
    agent_id BIGINT NOT NULL REFERENCES agents(id),
    handed_at BIGINT NOT NULL,
    PRIMARY KEY (ticket_id, agent_id)
);
CREATE INDEX ticket_handoffs_agent ON ticket_handoffs (agent_id, ticket_id);
