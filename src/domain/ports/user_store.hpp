#pragma once
// UserStore: accounts and API tokens (the accounts issue adds sessions, verification and
// reset tokens, the audit log and rate-limit counters beside these).
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/result.hpp"
#include "domain/model/user.hpp"

namespace admit {

class UserStore {
 public:
  virtual ~UserStore() = default;
  // Fails with conflict when the email is taken.
  virtual Result<User> create_user(const User& user) = 0;
  virtual std::optional<User> find_user(const std::string& id) = 0;
  virtual std::optional<User> find_user_by_email(const std::string& normalized_email) = 0;
  virtual Result<User> update_user(const User& user) = 0;

  virtual Result<ApiToken> create_token(const ApiToken& token) = 0;
  // The not revoked token with this hash and its owner. An expired token is answered too
  // (ApiToken::expires_at): whoever authenticates with it compares it with the clock.
  virtual std::optional<std::pair<ApiToken, User>> find_token_by_hash(const std::string& hash) = 0;
  // What find_token_by_hash would answer for a live token when this process knows it
  // without reading the database (a fresh cached look-up); nullopt means "read it".
  virtual std::optional<std::pair<ApiToken, User>> peek_token_by_hash(const std::string& hash) {
    (void)hash;
    return std::nullopt;
  }
  virtual std::vector<ApiToken> list_tokens(const std::string& user_id) = 0;
  // Revokes the user's token; not_found when it is not theirs.
  virtual Status revoke_token(const std::string& user_id, const std::string& token_id, Timestamp at) = 0;
};

}  // namespace admit
