-- API tokens get an optional expiry and a last-used time (revoked_at
-- already exists); tokens issued before keep working: no expiry.
ALTER TABLE api_tokens ADD COLUMN expires_at BIGINT;
ALTER TABLE api_tokens ADD COLUMN last_used_at BIGINT;
CREATE INDEX api_tokens_agent ON api_tokens (agent_id, id);

-- Sign-in throttling keeps one row per key (account or client address):
-- failures and the last one's time, read and updated in one locked step so
-- concurrent attempts cannot all pass the same check (auth.Throttle).
CREATE TABLE login_throttle (
    key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    last_at BIGINT NOT NULL
);
CREATE INDEX login_throttle_last ON login_throttle (last_at);
DROP TABLE login_attempts;
