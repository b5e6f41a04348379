#pragma once
// AccountStore: sessions, single-use mail links, the audit log and the mail outbox beside
// the accounts of UserStore. Changes that must happen together (an account and its
// verification mail; a new password and the end of every session) run in one write
// transaction through transact(); reads that need no transaction are direct members.
// Implemented once in SQL for SQLite and PostgreSQL (storage/sql/sql_account_store.cpp);
// the conformance suite checks both.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/result.hpp"
#include "domain/model/account.hpp"
#include "domain/model/user.hpp"

namespace admit {

// The operations available inside one write transaction.
class AccountTx {
 public:
  virtual ~AccountTx() = default;

  virtual std::optional<User> find_user(const std::string& id) = 0;
  virtual std::optional<User> find_user_by_email(const std::string& normalized_email) = 0;
  // Fails with conflict when the email is taken.
  virtual Status insert_user(const User& user) = 0;
  // Fails with validation_failed naming `email` when another account has the email.
  virtual Status update_user(const User& user) = 0;
  // Erases personal data: email becomes deleted-<id>@invalid, name "Deleted user", no
  // password, disabled, deleted_at set; unsent mail to the address is dropped and sent
  // mail loses its address and body; the names and emails on the tickets of the user's
  // registrations are erased too. Sessions and tokens are not touched (revoke them).
  virtual void erase_user(const std::string& user_id, Timestamp at) = 0;

  virtual void insert_one_time_token(const OneTimeToken& token) = 0;
  // Marks the token with this hash used and returns it, when it exists, is of `kind`, is
  // unused and has not expired at `now`; else nullopt. Single use even under concurrency.
  virtual std::optional<OneTimeToken> use_one_time_token(const std::string& hash,
                                                         OneTimeKind kind, Timestamp now) = 0;
  // Marks every unused token of the user (of `kind`, or every kind) used at `now`.
  virtual void discard_one_time_tokens(const std::string& user_id,
                                       std::optional<OneTimeKind> kind, Timestamp now) = 0;

  virtual void insert_session(const Session& session) = 0;
  // Revokes the user's live sessions except `keep` (a session id); returns how many.
  virtual std::int64_t revoke_sessions(const std::string& user_id, Timestamp at,
                                       const std::optional<std::string>& keep = std::nullopt) = 0;

  virtual void insert_api_token(const ApiToken& token) = 0;
  // Revokes the user's live token; false when there is none with that id.
  virtual bool revoke_api_token(const std::string& user_id, const std::string& token_id,
                                Timestamp at) = 0;
  virtual std::int64_t revoke_api_tokens(const std::string& user_id, Timestamp at) = 0;

  // Queues the mail unless one with the same cause_key exists; true when queued.
  virtual bool queue_mail(const Mail& mail, Timestamp now) = 0;
  virtual void audit(const AuditEntry& entry) = 0;

  // Published events of the organizer that have not ended at `now`.
  virtual std::int64_t count_live_published_events(const std::string& organizer_id,
                                                   Timestamp now) = 0;
};

struct UserListQuery {
  std::optional<std::string> q;  // case-insensitive text in name or email
  int limit = 50;
  std::optional<std::string> cursor;  // opaque, from a previous page
};

struct UserPage {
  std::vector<User> items;
  std::optional<std::string> next_cursor;
};

class AccountStore {
 public:
  virtual ~AccountStore() = default;

  // Runs fn inside one write transaction: commits when it returns ok, rolls back when it
  // returns an error or throws (the exception propagates).
  virtual Status transact(const std::function<Status(AccountTx&)>& fn) = 0;

  // The session with this id (hash) and its owner, revoked or not, or nullopt.
  virtual std::optional<std::pair<Session, User>> find_session(const std::string& id) = 0;
  // What find_session would answer when this process knows it without reading the
  // database (a fresh cached look-up); nullopt means "read it".
  virtual std::optional<std::pair<Session, User>> peek_session(const std::string& id) {
    (void)id;
    return std::nullopt;
  }
  // Sets last_seen_at (the service calls it at most once a minute per session).
  virtual void touch_session(const std::string& id, Timestamp at) = 0;
  // The user's sessions that are not revoked and not past expires_at, newest first.
  virtual std::vector<Session> list_sessions(const std::string& user_id, Timestamp now) = 0;
  // Revokes one of the user's sessions by its public handle; not_found when it is not
  // theirs or already ended.
  virtual Status revoke_session(const std::string& user_id, const std::string& handle,
                                Timestamp at) = 0;

  // Accounts by creation, newest first; deleted accounts are left out. A malformed cursor
  // is a validation error naming `cursor`.
  virtual Result<UserPage> list_users(const UserListQuery& query) = 0;
  // The newest audit entries about a subject (a user or token id), newest first.
  virtual std::vector<AuditEntry> audit_entries(const std::string& subject, int limit = 100) = 0;
  // Deletes sessions and one-time tokens that ended before `before`; returns rows removed.
  // A session ends when revoked, at expires_at, or `session_idle` after last_seen_at; a
  // one-time token when used or at expires_at. Rows that ended at or after `before` stay.
  virtual std::int64_t purge_expired(Timestamp before, std::chrono::seconds session_idle) = 0;
};

}  // namespace admit
