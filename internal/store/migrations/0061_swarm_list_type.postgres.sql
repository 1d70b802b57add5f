-- 0056's trigger, following the ticket's request type too (0061, shared file).
DROP TRIGGER ticket_list_keys ON tickets;
CREATE OR REPLACE FUNCTION palier_ticket_list_keys() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE ticket_collaborators SET ticket_active = NEW.active, ticket_priority = NEW.priority, ticket_updated_at = NEW.updated_at, ticket_tier_id = NEW.tier_id,
        ticket_team_id = NEW.team_id, ticket_owner_id = NEW.owner_id, ticket_request_type_id = NEW.request_type_id
    WHERE ticket_id = NEW.id;
    UPDATE ticket_handoffs SET ticket_active = NEW.active, ticket_priority = NEW.priority, ticket_updated_at = NEW.updated_at, ticket_tier_id = NEW.tier_id,
        ticket_team_id = NEW.team_id, ticket_owner_id = NEW.owner_id, ticket_request_type_id = NEW.request_type_id
    WHERE ticket_id = NEW.id;
    RETURN NULL;
END;
$$;
CREATE TRIGGER ticket_list_keys AFTER UPDATE OF active, priority, updated_at, tier_id, team_id, owner_id, request_type_id ON tickets
FOR EACH ROW WHEN (OLD.active IS DISTINCT FROM NEW.active OR OLD.priority IS DISTINCT FROM NEW.priority OR OLD.updated_at IS DISTINCT FROM NEW.updated_at
    OR OLD.tier_id IS DISTINCT FROM NEW.tier_id OR OLD.team_id IS DISTINCT FROM NEW.team_id
    OR OLD.owner_id IS DISTINCT FROM NEW.owner_id OR OLD.request_type_id IS DISTINCT FROM NEW.request_type_id)
EXECUTE FUNCTION palier_ticket_list_keys();
