-- The ticket's status and sensitivity on its swarm and hand-off rows,
-- beside 0053–0061's copies and kept the same way (copied by the inserts,
-- followed by the trigger of this migration's dialect files). With every
-- column a list branch tests on its rows copied, PostgreSQL reads a seek
-- of an agent's swarms or hand-offs from their index alone (idDriver):
-- before, each row walked probed its ticket (about four buffers) to test
-- the status, the sensitivity, the request type or the owner, and the L1
-- agent's heaviest pages at 1M tickets read 2,000–4,000 buffers for it.
ALTER TABLE ticket_collaborators ADD COLUMN ticket_status TEXT;
ALTER TABLE ticket_collaborators ADD COLUMN ticket_sensitive {{bool}};
ALTER TABLE ticket_handoffs ADD COLUMN ticket_status TEXT;
ALTER TABLE ticket_handoffs ADD COLUMN ticket_sensitive {{bool}};
UPDATE ticket_collaborators SET ticket_status = (SELECT t.status FROM tickets t WHERE t.id = ticket_collaborators.ticket_id),
    ticket_sensitive = (SELECT t.sensitive FROM tickets t WHERE t.id = ticket_collaborators.ticket_id);
UPDATE ticket_handoffs SET ticket_status = (SELECT t.status FROM tickets t WHERE t.id = ticket_handoffs.ticket_id),
    ticket_sensitive = (SELECT t.sensitive FROM tickets t WHERE t.id = ticket_handoffs.ticket_id);
