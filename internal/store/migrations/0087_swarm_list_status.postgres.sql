-- 0061's trigger, following the ticket's status and sensitivity too, and
-- the indexes of an agent's swarms and hand-offs holding every copy of the
-- ticket's columns (0087, shared file). A seek of those rows tests what
-- it filters on its index entries, and PostgreSQL reads it from the index
-- alone (an index-only scan) rather than probing each row's ticket
-- (idDriver.from). The copies a seek does not seek by are INCLUDE
-- columns: never a key the planner could seek or order by instead of
-- the serving index's. Same names and keys, replaced: a ticket's update
-- already rewrote each entry of its rows (the trigger sets every copy at
-- once, and updated_at is in some of them). About 0.3 s an index for
-- 234,000 hand-offs at 1M tickets on a 2-core VM.
--
-- The primary key becomes (agent, ticket), the index of an agent's rows in
-- id order, and a hash index finds a ticket's rows (the trigger, a page's
-- people, a ticket's own). As (ticket, agent) it was a walk of every row
-- in id order, which PostgreSQL took for cheap whenever the table's
-- visibility map was cleared (this migration's update of every row does
-- that until a vacuum; so would any mass update): a seek planned without
-- its values then walked it testing the agent, 50,000–170,000 buffers for
-- the L1 agent's team or tier pages at 1M tickets instead of 10. A hash
-- index has no order to walk. (The plan settings of such seeks rule out a
-- sort or a bitmap read instead: seekedPage.)
DROP TRIGGER ticket_list_keys ON tickets;
CREATE OR REPLACE FUNCTION palier_ticket_list_keys() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE ticket_collaborators SET ticket_active = NEW.active, ticket_priority = NEW.priority, ticket_updated_at = NEW.updated_at, ticket_tier_id = NEW.tier_id,
        ticket_team_id = NEW.team_id, ticket_owner_id = NEW.owner_id, ticket_request_type_id = NEW.request_type_id, ticket_status = NEW.status,
        ticket_sensitive = NEW.sensitive
    WHERE ticket_id = NEW.id;
    UPDATE ticket_handoffs SET ticket_active = NEW.active, ticket_priority = NEW.priority, ticket_updated_at = NEW.updated_at, ticket_tier_id = NEW.tier_id,
        ticket_team_id = NEW.team_id, ticket_owner_id = NEW.owner_id, ticket_request_type_id = NEW.request_type_id, ticket_status = NEW.status,
        ticket_sensitive = NEW.sensitive
    WHERE ticket_id = NEW.id;
    RETURN NULL;
END;
$$;
CREATE TRIGGER ticket_list_keys AFTER UPDATE OF active, priority, updated_at, tier_id, team_id, owner_id, request_type_id, status, sensitive ON tickets
FOR EACH ROW WHEN (OLD.active IS DISTINCT FROM NEW.active OR OLD.priority IS DISTINCT FROM NEW.priority OR OLD.updated_at IS DISTINCT FROM NEW.updated_at
    OR OLD.tier_id IS DISTINCT FROM NEW.tier_id OR OLD.team_id IS DISTINCT FROM NEW.team_id
    OR OLD.owner_id IS DISTINCT FROM NEW.owner_id OR OLD.request_type_id IS DISTINCT FROM NEW.request_type_id
    OR OLD.status IS DISTINCT FROM NEW.status OR OLD.sensitive IS DISTINCT FROM NEW.sensitive)
EXECUTE FUNCTION palier_ticket_list_keys();
DROP INDEX ticket_collaborators_agent;
CREATE UNIQUE INDEX ticket_collaborators_agent ON ticket_collaborators (agent_id, ticket_id) INCLUDE (ticket_active, ticket_tier_id, ticket_team_id, ticket_owner_id, ticket_request_type_id, ticket_status, ticket_sensitive);
ALTER TABLE ticket_collaborators DROP CONSTRAINT ticket_collaborators_pkey, ADD CONSTRAINT ticket_collaborators_agent PRIMARY KEY USING INDEX ticket_collaborators_agent;
CREATE INDEX ticket_collaborators_ticket ON ticket_collaborators USING hash (ticket_id);
DROP INDEX ticket_collaborators_agent_active_id;
CREATE INDEX ticket_collaborators_agent_active_id ON ticket_collaborators (agent_id, ticket_active, ticket_id) INCLUDE (ticket_tier_id, ticket_team_id, ticket_owner_id, ticket_request_type_id, ticket_status, ticket_sensitive);
DROP INDEX ticket_collaborators_agent_owner_id;
CREATE INDEX ticket_collaborators_agent_owner_id ON ticket_collaborators (agent_id, ticket_owner_id, ticket_active, ticket_id) INCLUDE (ticket_tier_id, ticket_team_id, ticket_request_type_id, ticket_status, ticket_sensitive);
DROP INDEX ticket_collaborators_agent_owner_priority;
CREATE INDEX ticket_collaborators_agent_owner_priority ON ticket_collaborators (agent_id, ticket_owner_id, ticket_active, ticket_priority DESC, ticket_id) INCLUDE (ticket_tier_id, ticket_team_id, ticket_request_type_id, ticket_status, ticket_sensitive);
DROP INDEX ticket_collaborators_agent_owner_updated;
CREATE INDEX ticket_collaborators_agent_owner_updated ON ticket_collaborators (agent_id, ticket_owner_id, ticket_active, ticket_updated_at, ticket_id) INCLUDE (ticket_tier_id, ticket_team_id, ticket_request_type_id, ticket_status, ticket_sensitive);
DROP INDEX ticket_collaborators_agent_priority;
CREATE INDEX ticket_collaborators_agent_priority ON ticket_collaborators (agent_id, ticket_active, ticket_priority DESC, ticket_id) INCLUDE (ticket_tier_id, ticket_team_id, ticket_owner_id, ticket_request_type_id, ticket_status, ticket_sensitive);
DROP INDEX ticket_collaborators_agent_team_id;
CREATE INDEX ticket_collaborators_agent_team_id ON ticket_collaborators (agent_id, ticket_team_id, ticket_active, ticket_id) INCLUDE (ticket_tier_id, ticket_owner_id, ticket_request_type_id, ticket_status, ticket_sensitive);
DROP INDEX ticket_collaborators_agent_team_priority;
CREATE INDEX ticket_collaborators_agent_team_priority ON ticket_collaborators (agent_id, ticket_team_id, ticket_active, ticket_priority DESC, ticket_id) INCLUDE (ticket_tier_id, ticket_owner_id, ticket_request_type_id, ticket_status, ticket_sensitive);
DROP INDEX ticket_collaborators_agent_team_updated;
CREATE INDEX ticket_collaborators_agent_team_updated ON ticket_collaborators (agent_id, ticket_team_id, ticket_active, ticket_updated_at, ticket_id) INCLUDE (ticket_tier_id, ticket_owner_id, ticket_request_type_id, ticket_status, ticket_sensitive);
DROP INDEX ticket_collaborators_agent_tier_id;
CREATE INDEX ticket_collaborators_agent_tier_id ON ticket_collaborators (agent_id, ticket_tier_id, ticket_active, ticket_id) INCLUDE (ticket_team_id, ticket_owner_id, ticket_request_type_id, ticket_status, ticket_sensitive);
DROP INDEX ticket_collaborators_agent_tier_owner_id;
CREATE INDEX ticket_collaborators_agent_tier_owner_id ON ticket_collaborators (agent_id, ticket_tier_id, ticket_owner_id, ticket_active, ticket_id) INCLUDE (ticket_team_id, ticket_request_type_id, ticket_status, ticket_sensitive);
DROP INDEX ticket_collaborators_agent_tier_owner_priority;
CREATE INDEX ticket_collaborators_agent_tier_owner_priority ON ticket_collaborators (agent_id, ticket_tier_id, ticket_owner_id, ticket_active, ticket_priority DESC, ticket_id) INCLUDE (ticket_team_id, ticket_request_type_id, ticket_status, ticket_sensitive);
DROP INDEX ticket_collaborators_agent_tier_owner_updated;
CREATE INDEX ticket_collaborators_agent_tier_owner_updated ON ticket_collaborators (agent_id, ticket_tier_id, ticket_owner_id, ticket_active, ticket_updated_at, ticket_id) INCLUDE (ticket_team_id, ticket_request_type_id, ticket_status, ticket_sensitive);
DROP INDEX ticket_collaborators_agent_tier_priority;
CREATE INDEX ticket_collaborators_agent_tier_priority ON ticket_collaborators (agent_id, ticket_tier_id, ticket_active, ticket_priority DESC, ticket_id) INCLUDE (ticket_team_id, ticket_owner_id, ticket_request_type_id, ticket_status, ticket_sensitive);
DROP INDEX ticket_collaborators_agent_tier_updated;
CREATE INDEX ticket_collaborators_agent_tier_updated ON ticket_collaborators (agent_id, ticket_tier_id, ticket_active, ticket_updated_at, ticket_id) INCLUDE (ticket_team_id, ticket_owner_id, ticket_request_type_id, ticket_status, ticket_sensitive);
DROP INDEX ticket_collaborators_agent_type_id;
CREATE INDEX ticket_collaborators_agent_type_id ON ticket_collaborators (agent_id, ticket_request_type_id, ticket_active, ticket_id) INCLUDE (ticket_tier_id, ticket_team_id, ticket_owner_id, ticket_status, ticket_sensitive);
DROP INDEX ticket_collaborators_agent_type_priority;
CREATE INDEX ticket_collaborators_agent_type_priority ON ticket_collaborators (agent_id, ticket_request_type_id, ticket_active, ticket_priority DESC, ticket_id) INCLUDE (ticket_tier_id, ticket_team_id, ticket_owner_id, ticket_status, ticket_sensitive);
DROP INDEX ticket_collaborators_agent_type_updated;
CREATE INDEX ticket_collaborators_agent_type_updated ON ticket_collaborators (agent_id, ticket_request_type_id, ticket_active, ticket_updated_at, ticket_id) INCLUDE (ticket_tier_id, ticket_team_id, ticket_owner_id, ticket_status, ticket_sensitive);
DROP INDEX ticket_collaborators_agent_updated;
CREATE INDEX ticket_collaborators_agent_updated ON ticket_collaborators (agent_id, ticket_active, ticket_updated_at, ticket_id) INCLUDE (ticket_tier_id, ticket_team_id, ticket_owner_id, ticket_request_type_id, ticket_status, ticket_sensitive);
DROP INDEX ticket_handoffs_agent;
CREATE UNIQUE INDEX ticket_handoffs_agent ON ticket_handoffs (agent_id, ticket_id) INCLUDE (ticket_active, ticket_tier_id, ticket_team_id, ticket_owner_id, ticket_request_type_id, ticket_status, ticket_sensitive);
ALTER TABLE ticket_handoffs DROP CONSTRAINT ticket_handoffs_pkey, ADD CONSTRAINT ticket_handoffs_agent PRIMARY KEY USING INDEX ticket_handoffs_agent;
CREATE INDEX ticket_handoffs_ticket ON ticket_handoffs USING hash (ticket_id);
DROP INDEX ticket_handoffs_agent_active_id;
CREATE INDEX ticket_handoffs_agent_active_id ON ticket_handoffs (agent_id, ticket_active, ticket_id) INCLUDE (ticket_tier_id, ticket_team_id, ticket_owner_id, ticket_request_type_id, ticket_status, ticket_sensitive);
DROP INDEX ticket_handoffs_agent_owner_id;
CREATE INDEX ticket_handoffs_agent_owner_id ON ticket_handoffs (agent_id, ticket_owner_id, ticket_active, ticket_id) INCLUDE (ticket_tier_id, ticket_team_id, ticket_request_type_id, ticket_status, ticket_sensitive);
DROP INDEX ticket_handoffs_agent_owner_priority;
CREATE INDEX ticket_handoffs_agent_owner_priority ON ticket_handoffs (agent_id, ticket_owner_id, ticket_active, ticket_priority DESC, ticket_id) INCLUDE (ticket_tier_id, ticket_team_id, ticket_request_type_id, ticket_status, ticket_sensitive);
DROP INDEX ticket_handoffs_agent_owner_updated;
CREATE INDEX ticket_handoffs_agent_owner_updated ON ticket_handoffs (agent_id, ticket_owner_id, ticket_active, ticket_updated_at, ticket_id) INCLUDE (ticket_tier_id, ticket_team_id, ticket_request_type_id, ticket_status, ticket_sensitive);
DROP INDEX ticket_handoffs_agent_priority;
CREATE INDEX ticket_handoffs_agent_priority ON ticket_handoffs (agent_id, ticket_active, ticket_priority DESC, ticket_id) INCLUDE (ticket_tier_id, ticket_team_id, ticket_owner_id, ticket_request_type_id, ticket_status, ticket_sensitive);
DROP INDEX ticket_handoffs_agent_team_id;
CREATE INDEX ticket_handoffs_agent_team_id ON ticket_handoffs (agent_id, ticket_team_id, ticket_active, ticket_id) INCLUDE (ticket_tier_id, ticket_owner_id, ticket_request_type_id, ticket_status, ticket_sensitive);
DROP INDEX ticket_handoffs_agent_team_priority;
CREATE INDEX ticket_handoffs_agent_team_priority ON ticket_handoffs (agent_id, ticket_team_id, ticket_active, ticket_priority DESC, ticket_id) INCLUDE (ticket_tier_id, ticket_owner_id, ticket_request_type_id, ticket_status, ticket_sensitive);
DROP INDEX ticket_handoffs_agent_team_updated;
CREATE INDEX ticket_handoffs_agent_team_updated ON ticket_handoffs (agent_id, ticket_team_id, ticket_active, ticket_updated_at, ticket_id) INCLUDE (ticket_tier_id, ticket_owner_id, ticket_request_type_id, ticket_status, ticket_sensitive);
DROP INDEX ticket_handoffs_agent_tier_id;
CREATE INDEX ticket_handoffs_agent_tier_id ON ticket_handoffs (agent_id, ticket_tier_id, ticket_active, ticket_id) INCLUDE (ticket_team_id, ticket_owner_id, ticket_request_type_id, ticket_status, ticket_sensitive);
DROP INDEX ticket_handoffs_agent_tier_owner_id;
CREATE INDEX ticket_handoffs_agent_tier_owner_id ON ticket_handoffs (agent_id, ticket_tier_id, ticket_owner_id, ticket_active, ticket_id) INCLUDE (ticket_team_id, ticket_request_type_id, ticket_status, ticket_sensitive);
DROP INDEX ticket_handoffs_agent_tier_owner_priority;
CREATE INDEX ticket_handoffs_agent_tier_owner_priority ON ticket_handoffs (agent_id, ticket_tier_id, ticket_owner_id, ticket_active, ticket_priority DESC, ticket_id) INCLUDE (ticket_team_id, ticket_request_type_id, ticket_status, ticket_sensitive);
DROP INDEX ticket_handoffs_agent_tier_owner_updated;
CREATE INDEX ticket_handoffs_agent_tier_owner_updated ON ticket_handoffs (agent_id, ticket_tier_id, ticket_owner_id, ticket_active, ticket_updated_at, ticket_id) INCLUDE (ticket_team_id, ticket_request_type_id, ticket_status, ticket_sensitive);
DROP INDEX ticket_handoffs_agent_tier_priority;
CREATE INDEX ticket_handoffs_agent_tier_priority ON ticket_handoffs (agent_id, ticket_tier_id, ticket_active, ticket_priority DESC, ticket_id) INCLUDE (ticket_team_id, ticket_owner_id, ticket_request_type_id, ticket_status, ticket_sensitive);
DROP INDEX ticket_handoffs_agent_tier_updated;
CREATE INDEX ticket_handoffs_agent_tier_updated ON ticket_handoffs (agent_id, ticket_tier_id, ticket_active, ticket_updated_at, ticket_id) INCLUDE (ticket_team_id, ticket_owner_id, ticket_request_type_id, ticket_status, ticket_sensitive);
DROP INDEX ticket_handoffs_agent_type_id;
CREATE INDEX ticket_handoffs_agent_type_id ON ticket_handoffs (agent_id, ticket_request_type_id, ticket_active, ticket_id) INCLUDE (ticket_tier_id, ticket_team_id, ticket_owner_id, ticket_status, ticket_sensitive);
DROP INDEX ticket_handoffs_agent_type_priority;
CREATE INDEX ticket_handoffs_agent_type_priority ON ticket_handoffs (agent_id, ticket_request_type_id, ticket_active, ticket_priority DESC, ticket_id) INCLUDE (ticket_tier_id, ticket_team_id, ticket_owner_id, ticket_status, ticket_sensitive);
DROP INDEX ticket_handoffs_agent_type_updated;
CREATE INDEX ticket_handoffs_agent_type_updated ON ticket_handoffs (agent_id, ticket_request_type_id, ticket_active, ticket_updated_at, ticket_id) INCLUDE (ticket_tier_id, ticket_team_id, ticket_owner_id, ticket_status, ticket_sensitive);
DROP INDEX ticket_handoffs_agent_updated;
CREATE INDEX ticket_handoffs_agent_updated ON ticket_handoffs (agent_id, ticket_active, ticket_updated_at, ticket_id) INCLUDE (ticket_tier_id, ticket_team_id, ticket_owner_id, ticket_request_type_id, ticket_status, ticket_sensitive);
