#pragma once
// UserStore over the shared SQL driver (both backends).
#include <chrono>
#include <cstdint>

#include "domain/ports/user_store.hpp"
#include "storage/sql/columns.hpp"
#include "storage/sql/credentials_epoch.hpp"
#include "storage/sql/database.hpp"

namespace admit::sql {

class SqlUserStore : public UserStore {
 public:
  // `credentials` is shared with the other stores of this process that write users or
  // tokens (SqlAccountStore), so their writes drop this store's token cache too.
  SqlUserStore(Database& db, CredentialsEpoch& credentials) : db_(db), credentials_(credentials) {}

  Result<User> create_user(const User& user) override;
  std::optional<User> find_user(const std::string& id) override;
  std::optional<User> find_user_by_email(const std::string& normalized_email) override;
  Result<User> update_user(const User& user) override;

  Result<ApiToken> create_token(const ApiToken& token) override;
  std::optional<std::pair<ApiToken, User>> find_token_by_hash(const std::string& hash) override;
  std::optional<std::pair<ApiToken, User>> peek_token_by_hash(const std::string& hash) override;
  std::vector<ApiToken> list_tokens(const std::string& user_id) override;
  Status revoke_token(const std::string& user_id, const std::string& token_id, Timestamp at) override;

  // How long a bearer-token look-up is reused (docs/security.md): writes through this
  // process drop the cache at once (CredentialsEpoch); a token revoked or an
  // account disabled on another node or by the CLI counts here within this time.
  static constexpr std::chrono::milliseconds kTokenCacheTtl{1000};

 protected:
  Database& db_;

 private:
  CredentialsEpoch& credentials_;
  CredentialCache<std::pair<ApiToken, User>> tokens_{credentials_, kTokenCacheTtl};  // live tokens only
};

// Row mapping shared with other stores that join users.
inline constexpr ColumnList kUserColumns{
    "users.id", "users.email", "users.name", "users.password_hash", "users.roles",
    "users.email_verified_at", "users.disabled", "users.created_at", "users.updated_at"};
User user_from_row(const Row& row, std::size_t first = 0);
// INSERT / UPDATE of a users row on a given connection (inside a caller's transaction).
// A taken email is a conflict (insert) or a field error on `email` (update).
Status insert_user_row(Connection& conn, const User& user);
Status update_user_row(Connection& conn, const User& user);
std::string join_roles(const std::vector<std::string>& roles);

}  // namespace admit::sql
