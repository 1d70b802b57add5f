-- Routing counts a customer's open tickets for every new ticket; without
-- this index both databases scanned the workspace's tickets to do it.
CREATE INDEX tickets_customer_active ON tickets (workspace_id, customer_id, active, id);
