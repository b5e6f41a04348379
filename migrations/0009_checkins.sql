-- Check-in at the door (issue 12). Times are integer milliseconds (UTC).

-- The admitting scan of a ticket: when (tickets.checked_in_at, already there), at which
-- gate and by which device. An offline scan synced later takes the place of a later one
-- (the earliest scan wins).
ALTER TABLE tickets ADD COLUMN checked_in_gate TEXT;
ALTER TABLE tickets ADD COLUMN checked_in_device TEXT;
-- When the ticket last changed in a way a scanner cares about (its state, its check-in,
-- its registration's state), in database time; NULL: unchanged since created_at. The
-- offline bundle's version is the largest such time, and `?since=` answers the rows
-- changed after it (with a few seconds' overlap: the scanner's merge is idempotent).
-- Triggers keep it, so every writer of tickets and registrations (cancel, expiry, payment)
-- bumps it without knowing about check-in.
ALTER TABLE tickets ADD COLUMN changed_at {{integer}};

-- @sqlite
CREATE TRIGGER tickets_changed AFTER UPDATE OF status, checked_in_at ON tickets
WHEN NEW.changed_at IS OLD.changed_at
BEGIN
  UPDATE tickets SET changed_at = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
  WHERE id = NEW.id;
END;
CREATE TRIGGER registrations_status_changed AFTER UPDATE OF status ON registrations
WHEN NEW.status IS NOT OLD.status
BEGIN
  UPDATE tickets SET changed_at = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
  WHERE registration_id = NEW.id;
END;
-- @postgres
CREATE FUNCTION admit_now_ms() RETURNS BIGINT LANGUAGE sql VOLATILE AS
  'SELECT CAST(floor(extract(epoch FROM clock_timestamp()) * 1000) AS BIGINT)';

CREATE FUNCTION tickets_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.changed_at IS NOT DISTINCT FROM OLD.changed_at THEN
    NEW.changed_at := admit_now_ms();
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER tickets_changed BEFORE UPDATE OF status, checked_in_at ON tickets
FOR EACH ROW EXECUTE FUNCTION tickets_touch();

CREATE FUNCTION registrations_touch_tickets() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE tickets SET changed_at = admit_now_ms() WHERE registration_id = NEW.id;
  RETURN NULL;
END
$$;
CREATE TRIGGER registrations_status_changed AFTER UPDATE OF status ON registrations
FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
EXECUTE FUNCTION registrations_touch_tickets();
-- @end

-- Every scan, whatever its answer: the organizer's scan list and the offline settlement.
-- ticket_id is NULL for codes that did not verify. An offline scan is identified by
-- (ticket, device, device time): syncing it again finds it here and changes nothing.
CREATE TABLE checkins (
  id          TEXT PRIMARY KEY,
  event_id    TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  ticket_id   TEXT,
  result      TEXT NOT NULL,     -- ok | already_checked_in | invalid | wrong_event | cancelled | not_paid | undone
  gate        TEXT NOT NULL DEFAULT '',
  device      TEXT NOT NULL DEFAULT '',
  scanned_at  {{integer}} NOT NULL,  -- the device's time for offline scans, else the server's
  recorded_at {{integer}} NOT NULL,
  offline     INTEGER NOT NULL DEFAULT 0,
  actor_id    TEXT
);
CREATE INDEX checkins_event ON checkins(event_id, recorded_at, id);
CREATE UNIQUE INDEX checkins_offline_scan ON checkins(ticket_id, device, scanned_at) WHERE offline = 1;
