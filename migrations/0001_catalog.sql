-- Accounts (the minimum the catalogue needs), API tokens, events and ticket types.
-- Times are integer milliseconds since the Unix epoch (UTC); money is integer minor units.
CREATE TABLE users (
  id                TEXT PRIMARY KEY,
  email             TEXT NOT NULL UNIQUE,
  name              TEXT NOT NULL,
  password_hash     TEXT NOT NULL,
  roles             TEXT NOT NULL,            -- comma-separated: attendee,organizer,admin
  email_verified_at {{integer}},
  disabled          INTEGER NOT NULL DEFAULT 0,
  created_at        {{integer}} NOT NULL,
  updated_at        {{integer}} NOT NULL
);

CREATE TABLE api_tokens (
  id           TEXT PRIMARY KEY,
  user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name         TEXT NOT NULL,
  token_hash   TEXT NOT NULL UNIQUE,
  event_scope  TEXT,
  created_at   {{integer}} NOT NULL,
  last_used_at {{integer}},
  revoked_at   {{integer}}
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE TABLE events (
  id                     TEXT PRIMARY KEY,
  organizer_id           TEXT NOT NULL REFERENCES users(id),
  title                  TEXT NOT NULL,
  description            TEXT NOT NULL,
  search_text            TEXT NOT NULL,        -- lower(title || ' ' || description)
  category               TEXT NOT NULL,
  venue                  TEXT NOT NULL,
  starts_at              {{integer}} NOT NULL,
  ends_at                {{integer}} NOT NULL,
  timezone               TEXT NOT NULL,
  currency               TEXT NOT NULL,
  capacity               {{integer}} NOT NULL CHECK (capacity >= 0),
  sold                   {{integer}} NOT NULL DEFAULT 0 CHECK (sold >= 0 AND sold <= capacity),
  status                 TEXT NOT NULL,
  max_per_user           {{integer}},
  hold_minutes           {{integer}} NOT NULL DEFAULT 15,
  waitlist_offer_minutes {{integer}} NOT NULL DEFAULT 60,
  cancel_cutoff_hours    {{integer}},
  created_at             {{integer}} NOT NULL,
  updated_at             {{integer}} NOT NULL,
  published_at           {{integer}}
);
CREATE INDEX events_public ON events(status, starts_at, id);
CREATE INDEX events_organizer ON events(organizer_id, starts_at);

CREATE TABLE ticket_types (
  id            TEXT PRIMARY KEY,
  event_id      TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  name          TEXT NOT NULL,
  description   TEXT NOT NULL DEFAULT '',
  price         {{integer}} NOT NULL CHECK (price >= 0),
  capacity      {{integer}} NOT NULL CHECK (capacity >= 0),
  sold          {{integer}} NOT NULL DEFAULT 0 CHECK (sold >= 0 AND sold <= capacity),
  sales_start   {{integer}},
  sales_end     {{integer}},
  max_per_order {{integer}},
  hidden        INTEGER NOT NULL DEFAULT 0,
  position      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX ticket_types_event ON ticket_types(event_id, position);
