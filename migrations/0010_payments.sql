-- Payments (issue 13): one row per registration that was offered a way to pay, and every
-- provider event id received, so a webhook delivered twice is acted on once. A payment's
-- state changes in the same transaction as the registration it settles and the event id
-- that caused it.
CREATE TABLE payments (
  registration_id    TEXT PRIMARY KEY REFERENCES registrations(id),
  provider           TEXT NOT NULL,             -- stripe | door
  session_id         TEXT UNIQUE,               -- Stripe Checkout Session
  session_url        TEXT,
  session_expires_at {{integer}},
  payment_intent     TEXT,
  status             TEXT NOT NULL,             -- open | paid | failed | expired | refunded
  amount_paid        {{integer}} NOT NULL DEFAULT 0,
  amount_refunded    {{integer}} NOT NULL DEFAULT 0,
  refund_requested   {{integer}} NOT NULL DEFAULT 0, -- asked of the provider (in flight while > amount_refunded)
  currency           TEXT NOT NULL,
  flag               TEXT,                      -- amount_mismatch | disputed | late_no_seats | paid_twice
  refund_error       TEXT,                      -- the provider's refusal of the last refund asked (null once one is taken)
  refund_reason      TEXT,
  created_at         {{integer}} NOT NULL,
  updated_at         {{integer}} NOT NULL
);
CREATE INDEX payments_intent ON payments(payment_intent);
CREATE INDEX payments_open ON payments(updated_at) WHERE status = 'open' OR refund_requested > amount_refunded;

-- A second payment for a registration another payment already settled (two checkout
-- sessions both paid, or paid online after being marked paid at the door): refunded
-- automatically, whole.
CREATE TABLE payment_extras (
  payment_intent   TEXT PRIMARY KEY,
  registration_id  TEXT NOT NULL REFERENCES registrations(id),
  amount           {{integer}} NOT NULL,
  currency         TEXT NOT NULL,
  refund_requested {{integer}} NOT NULL DEFAULT 0,   -- 1 once asked of the provider
  refunded         {{integer}} NOT NULL DEFAULT 0,   -- 1 once the provider reported it
  created_at       {{integer}} NOT NULL
);
CREATE INDEX payment_extras_open ON payment_extras(created_at) WHERE refunded = 0;

CREATE TABLE payment_events (
  id              TEXT PRIMARY KEY,             -- the provider's event id
  type            TEXT NOT NULL,
  registration_id TEXT,
  outcome         TEXT NOT NULL,
  received_at     {{integer}} NOT NULL
);

-- Pay at the door / by invoice: the organizer turns it on per event and marks held
-- registrations paid later.
ALTER TABLE events ADD COLUMN pay_at_door {{integer}} NOT NULL DEFAULT 0;
