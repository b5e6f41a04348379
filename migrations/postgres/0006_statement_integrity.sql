-- Registration integrity checked once per statement instead of once per row (issue 15).
--
-- A foreign key is a trigger per inserted row, each running its own look-up of the parent
-- (with a FOR KEY SHARE lock). A registration batch inserts up to 64 registrations, their
-- items and their tickets: five such checks per one-ticket registration were the largest
-- share of PostgreSQL's CPU in the flash-sale bench. These triggers keep the same rules
-- with one check per statement over its transition table:
--
-- - a registration's event and user exist; an item's registration exists; a ticket's
--   registration exists AND has the ticket's event (stronger than the two keys it
--   replaces, which let a ticket name another event than its registration);
-- - the parents are locked FOR KEY SHARE as a foreign key check locks them, so a
--   concurrent delete of a parent waits for the inserting transaction and then fails;
-- - an event or user that registrations or tickets refer to cannot be deleted (as with
--   the keys' NO ACTION); deleting a registration deletes its items and tickets (as with
--   ON DELETE CASCADE); the referring and referred-to ids never change (nothing updates
--   them; a trigger refuses it, so no update needs re-checking).
-- The errors carry SQLSTATE 23503 (foreign_key_violation), as the keys' did.
-- SQLite keeps its foreign keys (0006 there says why).
ALTER TABLE registrations DROP CONSTRAINT registrations_event_id_fkey;
ALTER TABLE registrations DROP CONSTRAINT registrations_user_id_fkey;
ALTER TABLE registration_items DROP CONSTRAINT registration_items_registration_id_fkey;
ALTER TABLE tickets DROP CONSTRAINT tickets_registration_id_fkey;
ALTER TABLE tickets DROP CONSTRAINT tickets_event_id_fkey;

-- Each check locks the distinct parents of the statement's rows (an index look-up per
-- parent, through `= ANY (array)`) and counts them: fewer than asked means one is missing.
CREATE FUNCTION admit_check_registration_parents() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  event_ids TEXT[] := ARRAY(SELECT DISTINCT event_id FROM new_rows);
  user_ids TEXT[] := ARRAY(SELECT DISTINCT user_id FROM new_rows);
  found BIGINT;
BEGIN
  SELECT count(*) INTO found FROM (SELECT 1 FROM events e WHERE e.id = ANY (event_ids) FOR KEY SHARE OF e) x;
  IF found <> cardinality(event_ids) THEN
    RAISE EXCEPTION 'a registration refers to an event that does not exist'
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  SELECT count(*) INTO found FROM (SELECT 1 FROM users u WHERE u.id = ANY (user_ids) FOR KEY SHARE OF u) x;
  IF found <> cardinality(user_ids) THEN
    RAISE EXCEPTION 'a registration refers to a user who does not exist'
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER registrations_parents AFTER INSERT ON registrations
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION admit_check_registration_parents();

CREATE FUNCTION admit_check_item_parents() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ids TEXT[] := ARRAY(SELECT DISTINCT registration_id FROM new_rows);
  found BIGINT;
BEGIN
  SELECT count(*) INTO found FROM (SELECT 1 FROM registrations r WHERE r.id = ANY (ids) FOR KEY SHARE OF r) x;
  IF found <> cardinality(ids) THEN
    RAISE EXCEPTION 'a registration item refers to a registration that does not exist'
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER registration_items_parents AFTER INSERT ON registration_items
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION admit_check_item_parents();

-- A ticket's (registration, event) pair must be its registration's: with the distinct
-- pairs, a registration named with two events makes more pairs than matching rows.
CREATE FUNCTION admit_check_ticket_parents() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ids TEXT[] := ARRAY(SELECT DISTINCT registration_id FROM new_rows);
  pairs TEXT[] := ARRAY(SELECT DISTINCT registration_id || ' ' || event_id FROM new_rows);
  found BIGINT;
BEGIN
  SELECT count(*) INTO found FROM (
    SELECT 1 FROM registrations r
     WHERE r.id = ANY (ids) AND (r.id || ' ' || r.event_id) = ANY (pairs)
       FOR KEY SHARE OF r) x;
  IF found <> cardinality(pairs) THEN
    RAISE EXCEPTION 'a ticket refers to a registration that does not exist or is for another event'
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER tickets_parents AFTER INSERT ON tickets
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION admit_check_ticket_parents();

-- The columns that refer, and the ids referred to, never change.
CREATE FUNCTION admit_refuse_key_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '%.% cannot change', TG_TABLE_NAME, TG_ARGV[0]
    USING ERRCODE = 'foreign_key_violation';
END $$;
CREATE TRIGGER registrations_keys BEFORE UPDATE ON registrations FOR EACH ROW
  WHEN (OLD.id IS DISTINCT FROM NEW.id OR OLD.event_id IS DISTINCT FROM NEW.event_id
        OR OLD.user_id IS DISTINCT FROM NEW.user_id)
  EXECUTE FUNCTION admit_refuse_key_change('id, event_id or user_id');
CREATE TRIGGER registration_items_keys BEFORE UPDATE ON registration_items FOR EACH ROW
  WHEN (OLD.registration_id IS DISTINCT FROM NEW.registration_id)
  EXECUTE FUNCTION admit_refuse_key_change('registration_id');
CREATE TRIGGER tickets_keys BEFORE UPDATE ON tickets FOR EACH ROW
  WHEN (OLD.registration_id IS DISTINCT FROM NEW.registration_id OR OLD.event_id IS DISTINCT FROM NEW.event_id)
  EXECUTE FUNCTION admit_refuse_key_change('registration_id or event_id');
CREATE TRIGGER events_key BEFORE UPDATE ON events FOR EACH ROW
  WHEN (OLD.id IS DISTINCT FROM NEW.id)
  EXECUTE FUNCTION admit_refuse_key_change('id');
CREATE TRIGGER users_key BEFORE UPDATE ON users FOR EACH ROW
  WHEN (OLD.id IS DISTINCT FROM NEW.id)
  EXECUTE FUNCTION admit_refuse_key_change('id');

-- Deleting a parent: events and users that are referred to stay; a registration takes its
-- items and tickets with it.
CREATE FUNCTION admit_refuse_referred_delete() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  referred TEXT;
BEGIN
  IF TG_TABLE_NAME = 'events' THEN
    SELECT o.id INTO referred FROM old_rows o
     WHERE EXISTS (SELECT 1 FROM registrations r WHERE r.event_id = o.id)
        OR EXISTS (SELECT 1 FROM tickets t WHERE t.event_id = o.id)
     LIMIT 1;
  ELSE
    SELECT o.id INTO referred FROM old_rows o
     WHERE EXISTS (SELECT 1 FROM registrations r WHERE r.user_id = o.id)
     LIMIT 1;
  END IF;
  IF referred IS NOT NULL THEN
    RAISE EXCEPTION '% % still has registrations', TG_TABLE_NAME, referred
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER events_referred AFTER DELETE ON events
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
  EXECUTE FUNCTION admit_refuse_referred_delete();
CREATE TRIGGER users_referred AFTER DELETE ON users
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
  EXECUTE FUNCTION admit_refuse_referred_delete();

CREATE FUNCTION admit_delete_registration_children() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM registration_items WHERE registration_id IN (SELECT id FROM old_rows);
  DELETE FROM tickets WHERE registration_id IN (SELECT id FROM old_rows);
  RETURN NULL;
END $$;
CREATE TRIGGER registrations_children AFTER DELETE ON registrations
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
  EXECUTE FUNCTION admit_delete_registration_children();

-- registrations.user_id had its index through UNIQUE (user_id, idempotency_key), and
-- tickets.event_id through tickets_event; registrations.event_id through
-- registrations_event: the delete checks above use them.
