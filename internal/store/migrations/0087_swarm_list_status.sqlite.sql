-- 0061's trigger, following the ticket's status and sensitivity too
-- (0087, shared file).
DROP TRIGGER ticket_list_keys;
CREATE TRIGGER ticket_list_keys AFTER UPDATE OF active, priority, updated_at, tier_id, team_id, owner_id, request_type_id, status, sensitive ON tickets
WHEN old.active IS NOT new.active OR old.priority IS NOT new.priority OR old.updated_at IS NOT new.updated_at OR old.tier_id IS NOT new.tier_id
  OR old.team_id IS NOT new.team_id OR old.owner_id IS NOT new.owner_id OR old.request_type_id IS NOT new.request_type_id
  OR old.status IS NOT new.status OR old.sensitive IS NOT new.sensitive
BEGIN
  UPDATE ticket_collaborators SET ticket_active = new.active, ticket_priority = new.priority, ticket_updated_at = new.updated_at, ticket_tier_id = new.tier_id,
    ticket_team_id = new.team_id, ticket_owner_id = new.owner_id, ticket_request_type_id = new.request_type_id, ticket_status = new.status,
    ticket_sensitive = new.sensitive
  WHERE ticket_id = new.id;
  UPDATE ticket_handoffs SET ticket_active = new.active, ticket_priority = new.priority, ticket_updated_at = new.updated_at, ticket_tier_id = new.tier_id,
    ticket_team_id = new.team_id, ticket_owner_id = new.owner_id, ticket_request_type_id = new.request_type_id, ticket_status = new.status,
    ticket_sensitive = new.sensitive
  WHERE ticket_id = new.id;
END;
