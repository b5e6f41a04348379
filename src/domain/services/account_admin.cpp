// AccountAdmin: administration of accounts (account_admin.hpp).
#include "domain/services/account_admin.hpp"

#include <algorithm>

#include "domain/services/account_detail.hpp"
#include "domain/services/text.hpp"

namespace admit {

using account_detail::is_deleted;
using account_detail::json_string;

// ---------------------------------------------------------------- administration

Result<UserPage> AccountAdmin::list_users(const Actor& actor, const UserListQuery& query) {
  if (!actor.is_admin()) return Error::forbidden("only admins can list accounts");
  FieldErrors errors;
  if (query.limit < 1 || query.limit > 200) errors.add("limit", "must be between 1 and 200");
  if (query.q && utf8_length(*query.q) > 200) errors.add("q", "must be at most 200 characters");
  if (!errors.empty()) return std::move(errors).to_error();
  return accounts_.list_users(query);
}

Result<User> AccountAdmin::set_disabled(const Actor& actor, const std::string& user_id,
                                          bool disabled, const ClientInfo& client) {
  if (!actor.is_admin() || actor.event_scope) return Error::forbidden("only admins can disable accounts");
  if (user_id == actor.user_id) return Error::conflict("you cannot disable your own account");
  const Timestamp now = clock_.now();
  std::optional<User> result;
  Status s = transact(
      [&](AccountTx& tx) -> Status {
        auto u = tx.find_user(user_id);
        if (!u || is_deleted(*u)) return Error::not_found("user");
        if (u->disabled != disabled) {
          u->disabled = disabled;
          u->updated_at = now;
          if (auto ok = tx.update_user(*u); !ok) return ok;
        }
        // Disabling ends sessions and revokes API tokens for good: enabling the account
        // again does not bring them back (the owner signs in and makes new ones).
        std::int64_t ended = 0;
        std::int64_t tokens = 0;
        if (disabled) {
          ended = tx.revoke_sessions(u->id, now);
          tokens = tx.revoke_api_tokens(u->id, now);
        }
        audit(tx, disabled ? "account_disabled" : "account_enabled", actor.user_id, u->id, client,
              disabled ? "{\"sessions_revoked\":" + std::to_string(ended) +
                             ",\"tokens_revoked\":" + std::to_string(tokens) + "}"
                       : "{}");
        result = std::move(*u);
        return {};
      },
      false);
  if (!s) return std::move(s).error();
  return std::move(*result);
}

Result<User> AccountAdmin::change_role(const std::optional<Actor>& actor, const std::string& email,
                                         const std::string& role, bool add) {
  if (actor && !actor->is_admin()) return Error::forbidden("only admins can change roles");
  if (!is_role(role)) return Error::field("role", "must be attendee, organizer or admin");
  const Timestamp now = clock_.now();
  std::optional<User> result;
  const std::optional<std::string> actor_id =
      actor ? std::optional<std::string>(actor->user_id) : std::nullopt;
  Status s = transact(
      [&](AccountTx& tx) -> Status {
        auto u = tx.find_user_by_email(normalize_email(email));
        if (!u || is_deleted(*u)) return Error::not_found("user");
        bool has = u->has_role(role);
        if (add && !has) u->roles.push_back(role);
        if (!add && has) std::erase(u->roles, role);
        if (add != has) {
          u->updated_at = now;
          if (auto ok = tx.update_user(*u); !ok) return ok;
          audit(tx, add ? "role_added" : "role_removed", actor_id, u->id, ClientInfo{},
                "{\"role\":" + json_string(role) + ",\"via\":" +
                    json_string(actor ? "api" : "command_line") + "}");
        }
        result = std::move(*u);
        return {};
      },
      false);
  if (!s) return std::move(s).error();
  return std::move(*result);
}

}  // namespace admit
