-- 0054's trigger, following the ticket's team too (0055, shared file).
DROP TRIGGER ticket_list_keys ON tickets;
CREATE OR REPLACE FUNCTION palier_ticket_list_keys() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE ticket_collaborators SET ticket_active = NEW.active, ticket_priority = NEW.priority, ticket_updated_at = NEW.updated_at, ticket_tier_id = NEW.tier_id,
        ticket_team_id = NEW.team_id
    WHERE ticket_id = NEW.id;
    UPDATE ticket_handoffs SET ticket_active = NEW.active, ticket_priority = NEW.priority, ticket_updated_at = NEW.updated_at, ticket_tier_id = NEW.tier_id,
        ticket_team_id = NEW.team_id
    WHERE ticket_id = NEW.id;
    RETURN NULL;
END;
$$;
CREATE TRIGGER ticket_list_keys AFTER UPDATE OF active, priority, updated_at, tier_id, team_id ON tickets
FOR EACH ROW WHEN (OLD.active IS DISTINCT FROM NEW.active OR OLD.priority IS DISTINCT FROM NEW.priority OR OLD.updated_at IS DISTINCT FROM NEW.updated_at
    OR OLD.tier_id IS DISTINCT FROM NEW.tier_id OR OLD.team_id IS DISTINCT FROM NEW.team_id)
EXECUTE FUNCTION palier_ticket_list_keys();
