-- Ticket search access keys on PostgreSQL (store/tickets_search_access.go,
-- issue 12), the twin of SQLite's migration 0045. An L1 agent searching
-- tier L2 read each access branch's tickets (their hand-offs there: tens
-- of thousands at a million tickets) and checked each one's document until
-- a thousand matched: 93–123 ms of CPU for two common words. Each search
-- document now carries the same tokens as SQLite's (t3, u3, m1, m1x3, n1,
-- n1x3, a12, a12x3: see 0045 for what each names) in a tsvector of its
-- own, indexed with the words in one GIN index, so that the index itself
-- intersects "these words" with "what this agent may read in L2" and
-- skips, through its posting trees, everything else. The keys only
-- narrow: the ticket row still decides (the list's filter).
--
-- One definition of the key: ticket_access_key, which the view (for the
-- triggers and Go's documents) and the intake statement (whose ticket row
-- its own document cannot see yet) both call.
CREATE FUNCTION ticket_access_key(tier BIGINT, team BIGINT, owner BIGINT, sensitive BOOLEAN,
    collaborators BIGINT[], handoffs BIGINT[]) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT array_to_tsvector(string_to_array(
  't' || tier
  || CASE WHEN sensitive THEN '' ELSE ' u' || tier END
  || CASE WHEN team IS NULL THEN '' ELSE ' m' || team || ' m' || team || 'x' || tier
       || CASE WHEN sensitive THEN '' ELSE ' n' || team || ' n' || team || 'x' || tier END END
  || CASE WHEN owner IS NULL THEN '' ELSE ' a' || owner || ' a' || owner || 'x' || tier END
  || COALESCE((SELECT string_agg(' a' || c || ' a' || c || 'x' || tier, '') FROM unnest(collaborators) c), '')
  || CASE WHEN sensitive THEN '' ELSE COALESCE((SELECT string_agg(' a' || h || ' a' || h || 'x' || tier, '')
       FROM unnest(handoffs) h), '') END, ' '))
$$;

CREATE VIEW ticket_access_keys AS
SELECT t.id AS ticket_id, ticket_access_key(t.tier_id, t.team_id, t.owner_id, t.sensitive,
  ARRAY(SELECT c.agent_id FROM ticket_collaborators c WHERE c.ticket_id = t.id),
  ARRAY(SELECT h.agent_id FROM ticket_handoffs h WHERE h.ticket_id = t.id)) AS access
FROM tickets t;

-- The documents get their keys with the index dropped and built again
-- after: rewriting a million rows under a GIN index inserts every word of
-- every document again, one at a time.
DROP INDEX ticket_search_gin;
ALTER TABLE ticket_search ADD COLUMN access tsvector;
UPDATE ticket_search s SET access = k.access FROM ticket_access_keys k WHERE k.ticket_id = s.ticket_id;
ALTER TABLE ticket_search ALTER COLUMN access SET NOT NULL;
-- One index for both columns: a search's words and its keys are
-- intersected inside one scan, the rare key stepping the common words'
-- posting trees forward (two indexes would each read their whole list).
CREATE INDEX ticket_search_gin ON ticket_search USING gin (search, access);

-- A document written without its key (Go's writes: the ticket row is
-- already stored) takes it from the view.
CREATE FUNCTION ticket_search_access_default() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.access IS NULL THEN
    NEW.access := COALESCE((SELECT k.access FROM ticket_access_keys k WHERE k.ticket_id = NEW.ticket_id), ''::tsvector);
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER ticket_search_access_default BEFORE INSERT ON ticket_search
FOR EACH ROW EXECUTE FUNCTION ticket_search_access_default();

-- Every write that changes who may read a ticket, whichever path makes it
-- (moves, assignment, escalation, sensitivity, swarm invitations and
-- departures, hand-offs, merges), refreshes the key in its transaction.
-- A key already right is not written again (a hand-off written with its
-- ticket by the intake statement): the row's rewrite would insert its
-- whole document into the index again.
CREATE FUNCTION ticket_access_key_refresh(ticket BIGINT) RETURNS void LANGUAGE sql AS $$
UPDATE ticket_search s SET access = k.access FROM ticket_access_keys k
WHERE s.ticket_id = ticket AND k.ticket_id = ticket AND s.access IS DISTINCT FROM k.access
$$;
CREATE FUNCTION ticket_access_key_ticket() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM ticket_access_key_refresh(NEW.id);
  RETURN NULL;
END;
$$;
CREATE TRIGGER ticket_access_key_ticket AFTER UPDATE OF tier_id, team_id, owner_id, sensitive ON tickets
FOR EACH ROW WHEN (OLD.tier_id IS DISTINCT FROM NEW.tier_id OR OLD.team_id IS DISTINCT FROM NEW.team_id
  OR OLD.owner_id IS DISTINCT FROM NEW.owner_id OR OLD.sensitive IS DISTINCT FROM NEW.sensitive)
EXECUTE FUNCTION ticket_access_key_ticket();
CREATE FUNCTION ticket_access_key_reader() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM ticket_access_key_refresh(OLD.ticket_id);
  ELSE
    PERFORM ticket_access_key_refresh(NEW.ticket_id);
  END IF;
  RETURN NULL;
END;
$$;
CREATE TRIGGER ticket_access_key_collaborator AFTER INSERT OR DELETE ON ticket_collaborators
FOR EACH ROW EXECUTE FUNCTION ticket_access_key_reader();
CREATE TRIGGER ticket_access_key_handoff AFTER INSERT OR DELETE ON ticket_handoffs
FOR EACH ROW EXECUTE FUNCTION ticket_access_key_reader();

ANALYZE ticket_search;
