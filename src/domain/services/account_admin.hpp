#pragma once
// AccountAdmin: administration of accounts by admins (and roles by the operator).
// Contract: only admins list users and disable or enable accounts (others: forbidden);
// disabling ends the account's sessions and revokes its API tokens; an admin cannot disable
// their own account; every change is audited. Thread-safe (state lives in the stores).
#include <optional>
#include <string>
#include <vector>

#include "domain/services/account_context.hpp"

namespace admit {

class AccountAdmin : public AccountPart {
 public:
  explicit AccountAdmin(AccountContext& context) : AccountPart(context) {}

  Result<UserPage> list_users(const Actor& actor, const UserListQuery& query);
  // Disabling ends the account's sessions and revokes its API tokens (enabling it again
  // does not bring them back).
  Result<User> set_disabled(const Actor& actor, const std::string& user_id, bool disabled,
                            const ClientInfo& client);
  // Adds or removes a role (the command line; actor is nullopt there).
  Result<User> change_role(const std::optional<Actor>& actor, const std::string& email,
                           const std::string& role, bool add);
};

}  // namespace admit
