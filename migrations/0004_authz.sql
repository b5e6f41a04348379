-- Sessions get a public handle, separate from their id (the SHA-256 of the cookie secret):
-- the sessions list shows the handle and revokes by it, so the stored hash never leaves
-- the server.
ALTER TABLE sessions ADD COLUMN handle TEXT;
-- @sqlite
UPDATE sessions SET handle = 'ses_' || lower(hex(randomblob(12))) WHERE handle IS NULL;
-- @postgres
UPDATE sessions SET handle = 'ses_' || substr(md5(id || random()::text), 1, 24) WHERE handle IS NULL;
-- @end
CREATE UNIQUE INDEX sessions_handle ON sessions(handle);

-- Waiting-list order is arrival order: a sequence taken at insert, not the random id, so
-- two entries within one millisecond keep the order they came in.
-- @sqlite
-- SQLite numbers rows in insert order (rowid: one more than the largest), and a trigger
-- copies it.
ALTER TABLE waitlist_entries ADD COLUMN seq INTEGER;
UPDATE waitlist_entries SET seq = rowid;
CREATE TRIGGER waitlist_entries_seq AFTER INSERT ON waitlist_entries
WHEN NEW.seq IS NULL
BEGIN
  UPDATE waitlist_entries SET seq = NEW.rowid WHERE rowid = NEW.rowid;
END;
-- @postgres
-- PostgreSQL takes it from a sequence; existing rows are numbered in creation order.
CREATE SEQUENCE waitlist_entries_seq;
ALTER TABLE waitlist_entries ADD COLUMN seq BIGINT;
UPDATE waitlist_entries w SET seq = o.n
  FROM (SELECT id, row_number() OVER (ORDER BY created_at, id) AS n FROM waitlist_entries) o
 WHERE o.id = w.id;
SELECT setval('waitlist_entries_seq', COALESCE((SELECT MAX(seq) FROM waitlist_entries), 0) + 1, false);
ALTER TABLE waitlist_entries ALTER COLUMN seq SET DEFAULT nextval('waitlist_entries_seq');
ALTER TABLE waitlist_entries ALTER COLUMN seq SET NOT NULL;
-- @end
CREATE INDEX waitlist_arrival ON waitlist_entries(event_id, status, seq);
