-- Accounts and the security baseline: sessions, one-time tokens, the audit log,
-- rate-limit counters and the mail outbox. Times are integer milliseconds (UTC).

-- A deleted account keeps its row (registrations point at it) with personal data erased.
ALTER TABLE users ADD COLUMN deleted_at {{integer}};

-- Browser sessions. id is the SHA-256 (hex) of the 256-bit secret in the cookie.
-- A session ends at expires_at (absolute), after an idle gap (last_seen_at + idle
-- timeout, computed by the service) or when revoked.
CREATE TABLE sessions (
  id           TEXT PRIMARY KEY,
  user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at   {{integer}} NOT NULL,
  last_seen_at {{integer}} NOT NULL,
  expires_at   {{integer}} NOT NULL,
  revoked_at   {{integer}},
  user_agent   TEXT NOT NULL DEFAULT '',
  ip           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions(user_id, created_at);

-- Single-use links sent by mail (email verification, password reset). id is the
-- SHA-256 (hex) of the secret; payload holds what the link confirms (the email address).
CREATE TABLE one_time_tokens (
  id         TEXT PRIMARY KEY,
  kind       TEXT NOT NULL,
  user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  payload    TEXT NOT NULL DEFAULT '',
  created_at {{integer}} NOT NULL,
  expires_at {{integer}} NOT NULL,
  used_at    {{integer}}
);
CREATE INDEX one_time_tokens_user ON one_time_tokens(user_id, kind);

-- Security events: sign-in success and failure, password and email changes, role
-- changes, token creation and revocation, disabling. detail is a JSON object.
CREATE TABLE audit_log (
  id            TEXT PRIMARY KEY,
  at            {{integer}} NOT NULL,
  actor_user_id TEXT,
  kind          TEXT NOT NULL,
  subject       TEXT,
  ip            TEXT NOT NULL DEFAULT '',
  detail        TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_subject ON audit_log(subject, at);

-- Fixed-window rate-limit counters shared by every node (used with PostgreSQL; a
-- single SQLite node counts in memory, but the table exists on both for one schema).
CREATE TABLE rate_limits (
  key          TEXT NOT NULL,
  window_start {{integer}} NOT NULL,
  count        {{integer}} NOT NULL,
  expires_at   {{integer}} NOT NULL,
  PRIMARY KEY (key, window_start)
);
CREATE INDEX rate_limits_expiry ON rate_limits(expires_at);

-- The transactional mail outbox (storage/sql/outbox.hpp). A row is claimed by one
-- sender at a time through a lease (claimed_until), sent, then marked sent_at; failures
-- retry at next_attempt_at with exponential backoff until failed_at. cause_key makes
-- one cause yield one mail.
CREATE TABLE outbox (
  id              TEXT PRIMARY KEY,
  recipient       TEXT NOT NULL,
  subject         TEXT NOT NULL,
  text_body       TEXT NOT NULL,
  html_body       TEXT NOT NULL DEFAULT '',
  cause_key       TEXT NOT NULL UNIQUE,
  created_at      {{integer}} NOT NULL,
  attempts        {{integer}} NOT NULL DEFAULT 0,
  next_attempt_at {{integer}} NOT NULL,
  claimed_by      TEXT,
  claimed_until   {{integer}},
  sent_at         {{integer}},
  failed_at       {{integer}},
  last_error      TEXT
);
CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;
