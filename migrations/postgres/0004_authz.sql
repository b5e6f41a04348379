-- Sessions get a public handle, separate from their id (the SHA-256 of the cookie secret):
-- the sessions list shows the handle and revokes by it, so the stored hash never leaves
-- the server.
ALTER TABLE sessions ADD COLUMN handle TEXT;
UPDATE sessions SET handle = 'ses_' || substr(md5(id || random()::text), 1, 24) WHERE handle IS NULL;
CREATE UNIQUE INDEX sessions_handle ON sessions(handle);

-- Waiting-list order is arrival order: a sequence taken at insert, not the random id, so
-- two entries within one millisecond keep the order they came in.
CREATE SEQUENCE waitlist_entries_seq;
ALTER TABLE waitlist_entries ADD COLUMN seq BIGINT;
UPDATE waitlist_entries w SET seq = o.n
  FROM (SELECT id, row_number() OVER (ORDER BY created_at, id) AS n FROM waitlist_entries) o
 WHERE o.id = w.id;
SELECT setval('waitlist_entries_seq', COALESCE((SELECT MAX(seq) FROM waitlist_entries), 0) + 1, false);
ALTER TABLE waitlist_entries ALTER COLUMN seq SET DEFAULT nextval('waitlist_entries_seq');
ALTER TABLE waitlist_entries ALTER COLUMN seq SET NOT NULL;
CREATE INDEX waitlist_arrival ON waitlist_entries(event_id, status, seq);
