-- Registrations, their items and tickets, promo codes and the waiting list (issue 5).
-- Counters: events.sold and ticket_types.sold count the seats of live registrations
-- (confirmed, pending_payment) plus seats held by open waiting-list offers;
-- promo_codes.uses counts live registrations that used the code. They change only in
-- the same transaction as those rows (`admit doctor` checks it).
-- Ticket type references carry no foreign key: the catalogue may delete a ticket type
-- that never sold, and history must survive that.
CREATE TABLE promo_codes (
  id             TEXT PRIMARY KEY,
  event_id       TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  code           TEXT NOT NULL,               -- upper-case
  kind           TEXT NOT NULL,               -- percent | fixed
  amount         {{integer}} NOT NULL CHECK (amount >= 0),
  ticket_type_id TEXT,                        -- scope: one type, or NULL for the whole event
  unlocks_hidden INTEGER NOT NULL DEFAULT 0,
  max_uses       {{integer}},
  uses           {{integer}} NOT NULL DEFAULT 0 CHECK (uses >= 0 AND (max_uses IS NULL OR uses <= max_uses)),
  valid_from     {{integer}},
  valid_until    {{integer}},
  created_at     {{integer}} NOT NULL,
  updated_at     {{integer}} NOT NULL,
  UNIQUE (event_id, code)
);

CREATE TABLE registrations (
  id              TEXT PRIMARY KEY,
  event_id        TEXT NOT NULL REFERENCES events(id),
  user_id         TEXT NOT NULL REFERENCES users(id),
  status          TEXT NOT NULL,              -- confirmed | pending_payment | cancelled | expired | refunded
  total           {{integer}} NOT NULL CHECK (total >= 0),
  currency        TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  request_hash    TEXT NOT NULL,
  promo_code_id   TEXT REFERENCES promo_codes(id),
  expires_at      {{integer}},                    -- pending_payment hold end
  checkout_url    TEXT,                       -- set by the payments issue
  refund_status   TEXT,                       -- NULL | due | refunded
  created_at      {{integer}} NOT NULL,
  updated_at      {{integer}} NOT NULL,
  cancelled_at    {{integer}},
  cancelled_by    TEXT,                       -- attendee | organizer | event | NULL
  UNIQUE (user_id, idempotency_key)
);
-- Few indexes on the hot path: every index is pages a batch dirties. A user's rows (history,
-- max_per_user counts) are found through UNIQUE (user_id, idempotency_key); ids sort by
-- creation time, so the primary keys and the per-event indexes grow at their right edge.
CREATE INDEX registrations_event ON registrations(event_id, created_at, id);
CREATE INDEX registrations_holds ON registrations(expires_at) WHERE status = 'pending_payment';

CREATE TABLE registration_items (
  registration_id TEXT NOT NULL REFERENCES registrations(id) ON DELETE CASCADE,
  ticket_type_id  TEXT NOT NULL,
  quantity        {{integer}} NOT NULL CHECK (quantity > 0),
  unit_price      {{integer}} NOT NULL,
  amount          {{integer}} NOT NULL,
  position        INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (registration_id, ticket_type_id)
);
CREATE INDEX registration_items_type ON registration_items(ticket_type_id);

CREATE TABLE tickets (
  id              TEXT PRIMARY KEY,
  registration_id TEXT NOT NULL REFERENCES registrations(id) ON DELETE CASCADE,
  event_id        TEXT NOT NULL REFERENCES events(id),
  ticket_type_id  TEXT NOT NULL,
  attendee_name   TEXT NOT NULL,
  attendee_email  TEXT NOT NULL,
  status          TEXT NOT NULL,              -- valid | checked_in | cancelled
  qr              TEXT,                       -- signed QR payload (tickets issue)
  checked_in_at   {{integer}},
  position        INTEGER NOT NULL DEFAULT 0,
  created_at      {{integer}} NOT NULL
);
CREATE INDEX tickets_registration ON tickets(registration_id, position);
CREATE INDEX tickets_event ON tickets(event_id, status);

CREATE TABLE waitlist_entries (
  id                     TEXT PRIMARY KEY,
  event_id               TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  user_id                TEXT NOT NULL REFERENCES users(id),
  ticket_type_id         TEXT,
  quantity               {{integer}} NOT NULL DEFAULT 1 CHECK (quantity > 0),
  status                 TEXT NOT NULL,       -- waiting | offered | accepted | expired | cancelled
  offered_ticket_type_id TEXT,
  offered_quantity       {{integer}} NOT NULL DEFAULT 0,
  offered_at             {{integer}},
  offer_expires_at       {{integer}},
  created_at             {{integer}} NOT NULL,
  updated_at             {{integer}} NOT NULL,
  UNIQUE (event_id, user_id)
);
CREATE INDEX waitlist_queue ON waitlist_entries(event_id, status, created_at, id);
CREATE INDEX waitlist_offers ON waitlist_entries(offer_expires_at) WHERE status = 'offered';
