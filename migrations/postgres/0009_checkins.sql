-- Check-in at the door (issue 12). Times are integer milliseconds (UTC). See the SQLite
-- migration of the same number for what each column means.
ALTER TABLE tickets ADD COLUMN checked_in_gate TEXT;
ALTER TABLE tickets ADD COLUMN checked_in_device TEXT;
ALTER TABLE tickets ADD COLUMN changed_at BIGINT;

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

CREATE TABLE checkins (
  id          TEXT PRIMARY KEY,
  event_id    TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  ticket_id   TEXT,
  result      TEXT NOT NULL,
  gate        TEXT NOT NULL DEFAULT '',
  device      TEXT NOT NULL DEFAULT '',
  scanned_at  BIGINT NOT NULL,
  recorded_at BIGINT NOT NULL,
  offline     INTEGER NOT NULL DEFAULT 0,
  actor_id    TEXT
);
CREATE INDEX checkins_event ON checkins(event_id, recorded_at, id);
CREATE UNIQUE INDEX checkins_offline_scan ON checkins(ticket_id, device, scanned_at) WHERE offline = 1;
