-- Per request type support model (issue 3): in a hybrid workspace each
-- request type is worked tiered or by swarming; '' follows the workspace.
ALTER TABLE request_types ADD COLUMN model TEXT NOT NULL DEFAULT '';
