-- The tickets' sort keys on their swarm and hand-off rows (0053, shared
-- file) follow every change of the ticket, in the statement that makes it.
-- A row trigger: a ticket update changes one ticket (a bulk action or a
-- link touches a few), and most tickets have no such rows, so each firing
-- is two index probes that find nothing.
CREATE FUNCTION palier_ticket_list_keys() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE ticket_collaborators SET ticket_active = NEW.active, ticket_priority = NEW.priority, ticket_updated_at = NEW.updated_at
    WHERE ticket_id = NEW.id;
    UPDATE ticket_handoffs SET ticket_active = NEW.active, ticket_priority = NEW.priority, ticket_updated_at = NEW.updated_at
    WHERE ticket_id = NEW.id;
    RETURN NULL;
END;
$$;
CREATE TRIGGER ticket_list_keys AFTER UPDATE OF active, priority, updated_at ON tickets
FOR EACH ROW WHEN (OLD.active IS DISTINCT FROM NEW.active OR OLD.priority IS DISTINCT FROM NEW.priority OR OLD.updated_at IS DISTINCT FROM NEW.updated_at)
EXECUTE FUNCTION palier_ticket_list_keys();
