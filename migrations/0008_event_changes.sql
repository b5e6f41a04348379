-- Every committed change of an event row (an event added, an organizer's edit, publish or
-- cancel, seats taken by a registration batch or given back) is announced to every
-- PostgreSQL node, which replaces its in-memory copy (src/storage/postgres/
-- postgres_change_feed.hpp). NOTIFY is sent at commit, once per event per transaction
-- (identical payloads are folded).
-- @sqlite
-- SQLite serves one node, whose in-memory copies learn of every change directly: nothing
-- to add here; the number keeps both schemas in step.
SELECT 1;
-- @postgres
CREATE FUNCTION admit_notify_event_changed() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('admit_event_changed', NEW.id);
  RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER events_changed_notify
  AFTER INSERT OR UPDATE ON events
  FOR EACH ROW EXECUTE FUNCTION admit_notify_event_changed();
-- @end
