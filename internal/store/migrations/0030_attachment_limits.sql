-- Attachment limits a workspace's admin sets (size per file, files per
-- message, total per message), each within the server's flags; a missing
-- row, or a 0, means the server's limit.
CREATE TABLE attachment_limits (
    workspace_id BIGINT PRIMARY KEY REFERENCES workspaces(id),
    max_file_bytes BIGINT NOT NULL DEFAULT 0,
    max_files INTEGER NOT NULL DEFAULT 0,
    max_total_bytes BIGINT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL
);
