#pragma once
// AccountStore over the shared SQL driver (both backends): sessions, one-time tokens, the
// audit log and the outbox (through enqueue_mail), in the tables of migration 0002.
#include <chrono>

#include "domain/ports/account_store.hpp"
#include "storage/sql/credentials_epoch.hpp"
#include "storage/sql/database.hpp"

namespace admit::sql {

class SqlAccountStore final : public AccountStore {
 public:
  // Every transact() bumps `credentials` (shared with SqlUserStore's token cache).
  SqlAccountStore(Database& db, CredentialsEpoch& credentials) : db_(db), credentials_(credentials) {}

  Status transact(const std::function<Status(AccountTx&)>& fn) override;
  std::optional<std::pair<Session, User>> find_session(const std::string& id) override;
  std::optional<std::pair<Session, User>> peek_session(const std::string& id) override;
  void touch_session(const std::string& id, Timestamp at) override;
  std::vector<Session> list_sessions(const std::string& user_id, Timestamp now) override;
  Status revoke_session(const std::string& user_id, const std::string& session_id,
                        Timestamp at) override;
  Result<UserPage> list_users(const UserListQuery& query) override;
  std::vector<AuditEntry> audit_entries(const std::string& subject, int limit = 100) override;
  std::int64_t purge_expired(Timestamp before, std::chrono::seconds session_idle) override;

  // How long a session look-up is reused (docs/security.md): sign-outs, revocations and
  // account changes through this process drop the cache at once (CredentialsEpoch); one
  // made on another node counts here within this time, as for bearer tokens.
  static constexpr std::chrono::milliseconds kSessionCacheTtl{1000};

 private:
  Database& db_;
  CredentialsEpoch& credentials_;
  CredentialCache<std::pair<Session, User>> sessions_{credentials_, kSessionCacheTtl};  // rows found, revoked or not
};

}  // namespace admit::sql
