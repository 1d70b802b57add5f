-- A workspace's opening hours (workspace.ParseHours), used by routing
-- conditions now and SLA clocks later. Existing workspaces keep the hours
-- routing assumed until now.
ALTER TABLE workspaces ADD COLUMN business_hours TEXT NOT NULL DEFAULT 'mon-fri 09:00-18:00';
