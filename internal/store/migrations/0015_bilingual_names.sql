-- Tiers and teams get a French and an English name like request types
-- (issue 8.7). Existing names become both until an admin translates them;
-- the name column stays as the reference name (it follows the English name)
-- so routing rules written with it keep working.
ALTER TABLE tiers ADD COLUMN name_fr TEXT NOT NULL DEFAULT '';
ALTER TABLE tiers ADD COLUMN name_en TEXT NOT NULL DEFAULT '';
UPDATE tiers SET name_fr = name, name_en = name;
ALTER TABLE teams ADD COLUMN name_fr TEXT NOT NULL DEFAULT '';
ALTER TABLE teams ADD COLUMN name_en TEXT NOT NULL DEFAULT '';
UPDATE teams SET name_fr = name, name_en = name;
CREATE UNIQUE INDEX teams_name_fr ON teams (workspace_id, name_fr);
CREATE UNIQUE INDEX teams_name_en ON teams (workspace_id, name_en);
-- The audit log reads as sentences with before → after (issue 8.9): the
-- state before an entry is the previous entry for the same target, found
-- through this index; filters by who and what use the workspace index.
CREATE INDEX audit_log_target ON audit_log (workspace_id, target_type, target_id, id);
-- A member's own language is not a setup change for the audit log, yet
-- cached directories must see it: it moves this counter, which
-- SetupVersion adds to the newest audit entry id.
ALTER TABLE workspaces ADD COLUMN setup_changes BIGINT NOT NULL DEFAULT 0;
