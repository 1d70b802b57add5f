-- Ticket search access keys (store/tickets_search_access.go, issue 12).
-- An agent searching outside their tiers made FTS5 walk every match of
-- the words newest first while the ticket rows rejected almost all of
-- them (237–357 ms of CPU at 1M tickets). Each search document now
-- carries, in a third column, who may read the ticket and where it lies,
-- as tokens the MATCH can require, so the index walk itself skips what the
-- viewer may not read:
--   t<tier>            the ticket's tier (any sensitivity: the tier filter, leads)
--   u<tier>            the same, only when the ticket is not sensitive (agents)
--   m<team> m<team>x<tier>   its team, and its team within its tier (leads)
--   n<team> n<team>x<tier>   the same, only when not sensitive (agents)
--   a<agent> a<agent>x<tier> an agent who reads it personally: its owner,
--                      its collaborators, and whoever handed it off unless
--                      it is sensitive
-- The tier-qualified forms let a search under a tier filter ask for "this
-- agent's tickets in L2" in one posting list instead of intersecting two
-- long ones. The keys only narrow: the ticket row still decides (the
-- search keeps the list's filter, the SQL twin of ticket.CanView).
--
-- One definition of the key, as a view: the triggers below and the Go
-- writes of a new document read it, so no path spells it twice.
CREATE VIEW ticket_access_keys AS
SELECT t.id AS ticket_id,
  't' || t.tier_id
  || CASE WHEN t.sensitive THEN '' ELSE ' u' || t.tier_id END
  || CASE WHEN t.team_id IS NULL THEN '' ELSE ' m' || t.team_id || ' m' || t.team_id || 'x' || t.tier_id
       || CASE WHEN t.sensitive THEN '' ELSE ' n' || t.team_id || ' n' || t.team_id || 'x' || t.tier_id END END
  || CASE WHEN t.owner_id IS NULL THEN '' ELSE ' a' || t.owner_id || ' a' || t.owner_id || 'x' || t.tier_id END
  || COALESCE((SELECT group_concat(' a' || c.agent_id || ' a' || c.agent_id || 'x' || t.tier_id, '')
       FROM ticket_collaborators c WHERE c.ticket_id = t.id), '')
  || CASE WHEN t.sensitive THEN '' ELSE COALESCE((SELECT group_concat(' a' || h.agent_id || ' a' || h.agent_id || 'x' || t.tier_id, '')
       FROM ticket_handoffs h WHERE h.ticket_id = t.id), '') END AS access
FROM tickets t;

-- FTS5 cannot add a column: the index is built again with the keys, in
-- id order, from the stored terms (no text is analysed again).
CREATE VIRTUAL TABLE ticket_fts_keyed USING fts5(subject, body, access, tokenize='unicode61 remove_diacritics 2', prefix='2 3 4');
INSERT INTO ticket_fts_keyed (rowid, subject, body, access)
SELECT f.rowid, f.subject, f.body, COALESCE((SELECT k.access FROM ticket_access_keys k WHERE k.ticket_id = f.rowid), '')
FROM ticket_fts f ORDER BY f.rowid;
DROP TABLE ticket_fts;
ALTER TABLE ticket_fts_keyed RENAME TO ticket_fts;

-- Every write that changes who may read a ticket, whichever path makes it
-- (moves, assignment, escalation, sensitivity, swarm invitations and
-- departures, hand-offs, merges), refreshes the key in its transaction.
CREATE TRIGGER ticket_access_key_ticket AFTER UPDATE OF tier_id, team_id, owner_id, sensitive ON tickets
WHEN old.tier_id IS NOT new.tier_id OR old.team_id IS NOT new.team_id OR old.owner_id IS NOT new.owner_id OR old.sensitive IS NOT new.sensitive
BEGIN
  UPDATE ticket_fts SET access = (SELECT k.access FROM ticket_access_keys k WHERE k.ticket_id = new.id) WHERE rowid = new.id;
END;
CREATE TRIGGER ticket_access_key_collaborator_in AFTER INSERT ON ticket_collaborators
BEGIN
  UPDATE ticket_fts SET access = (SELECT k.access FROM ticket_access_keys k WHERE k.ticket_id = new.ticket_id) WHERE rowid = new.ticket_id;
END;
CREATE TRIGGER ticket_access_key_collaborator_out AFTER DELETE ON ticket_collaborators
BEGIN
  UPDATE ticket_fts SET access = (SELECT k.access FROM ticket_access_keys k WHERE k.ticket_id = old.ticket_id) WHERE rowid = old.ticket_id;
END;
CREATE TRIGGER ticket_access_key_handoff_in AFTER INSERT ON ticket_handoffs
BEGIN
  UPDATE ticket_fts SET access = (SELECT k.access FROM ticket_access_keys k WHERE k.ticket_id = new.ticket_id) WHERE rowid = new.ticket_id;
END;
CREATE TRIGGER ticket_access_key_handoff_out AFTER DELETE ON ticket_handoffs
BEGIN
  UPDATE ticket_fts SET access = (SELECT k.access FROM ticket_access_keys k WHERE k.ticket_id = old.ticket_id) WHERE rowid = old.ticket_id;
END;
