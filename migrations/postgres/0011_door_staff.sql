-- Door staff (issue 12). See the SQLite migration of the same number for what each column
-- means.
ALTER TABLE api_tokens ADD COLUMN expires_at BIGINT;
ALTER TABLE events ADD COLUMN door_staff_can_undo INTEGER NOT NULL DEFAULT 0;
