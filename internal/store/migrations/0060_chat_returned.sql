-- A chat returns to the queue when the ticket it follows after a merge is
-- one its agent may not work (desk.customerLine): it waits again, for that
-- ticket's tier, and the agent who had accepted it is kept here, so that
-- their Chats panel says where it went and why.
ALTER TABLE chats ADD COLUMN returned_from_agent_id BIGINT REFERENCES agents(id);
