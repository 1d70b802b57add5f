-- The tickets' sort keys on their swarm and hand-off rows (0053, shared
-- file) follow every change of the ticket, in the statement that makes it.
CREATE TRIGGER ticket_list_keys AFTER UPDATE OF active, priority, updated_at ON tickets
WHEN old.active IS NOT new.active OR old.priority IS NOT new.priority OR old.updated_at IS NOT new.updated_at
BEGIN
  UPDATE ticket_collaborators SET ticket_active = new.active, ticket_priority = new.priority, ticket_updated_at = new.updated_at
  WHERE ticket_id = new.id;
  UPDATE ticket_handoffs SET ticket_active = new.active, ticket_priority = new.priority, ticket_updated_at = new.updated_at
  WHERE ticket_id = new.id;
END;
