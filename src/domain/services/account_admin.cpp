// AccountService, continued: API tokens and account administration (account_service.hpp).
#include <algorithm>

#include "common/random.hpp"
#include "domain/services/account_detail.hpp"
#include "domain/services/account_service.hpp"
#include "domain/services/text.hpp"

namespace admit {

using account_detail::is_deleted;
using account_detail::json_string;

namespace {
constexpr std::size_t kTokenNameMax = 100;

void check_expiry(FieldErrors& errors, const std::optional<Timestamp>& expires_at, Timestamp now) {
  if (expires_at && *expires_at <= now) errors.add("expires_at", "must be in the future");
}
}  // namespace

// ---------------------------------------------------------------- API tokens

Result<CreatedToken> AccountService::create_api_token(const Actor& actor, const std::string& name_in,
                                                      const std::optional<std::string>& event_id,
                                                      const ClientInfo& client,
                                                      std::optional<Timestamp> expires_at) {
  if (actor.event_scope) return Error::forbidden("an event-scoped token cannot create tokens");
  const std::string name = trim(name_in);
  FieldErrors errors;
  check_text(errors, "name", name, kTokenNameMax, /*required=*/true);
  check_expiry(errors, expires_at, clock_.now());
  if (event_id) {
    auto e = events_.find_event(*event_id);
    if (!e || (e->organizer_id != actor.user_id && !actor.is_admin()))
      errors.add("event_id", "must be an event you organize");
  }
  if (!errors.empty()) return std::move(errors).to_error();
  if (auto s = limit("token:" + actor.user_id, settings_.token_per_account); !s)
    return std::move(s).error();
  CreatedToken out = new_token(name, event_id, expires_at);
  ApiToken& t = out.token;
  t.user_id = actor.user_id;
  Status s = transact(
      [&](AccountTx& tx) -> Status {
        tx.insert_api_token(t);
        std::string detail = "{";
        if (event_id) detail += "\"event_id\":" + json_string(*event_id);
        if (expires_at)
          detail += std::string(event_id ? "," : "") + "\"expires_at\":" +
                    json_string(format_rfc3339(*expires_at));
        audit(tx, "token_created", actor.user_id, t.id, client, detail + "}");
        return {};
      },
      false);
  if (!s) return std::move(s).error();
  return out;
}

CreatedToken AccountService::new_token(const std::string& name,
                                      const std::optional<std::string>& event_id,
                                      std::optional<Timestamp> expires_at) const {
  CreatedToken out;
  out.secret = new_secret_token();
  out.token.id = new_id("tok");
  out.token.name = name;
  out.token.token_hash = sha256_hex(out.secret);
  out.token.event_scope = event_id;
  out.token.created_at = clock_.now();
  out.token.expires_at = expires_at;
  return out;
}

Result<CreatedToken> AccountService::create_api_token_from_command_line(
    const std::string& email, const std::string& name, const std::optional<std::string>& event_id,
    std::optional<Timestamp> expires_at) {
  FieldErrors errors;
  check_expiry(errors, expires_at, clock_.now());
  if (!errors.empty()) return std::move(errors).to_error();
  std::optional<Event> event;
  if (event_id && !(event = events_.find_event(*event_id)))
    return Error::field("event_id", "is not an event");
  CreatedToken out = new_token(name, event_id, expires_at);
  ApiToken& t = out.token;
  Status s = transact(
      [&](AccountTx& tx) -> Status {
        auto u = tx.find_user_by_email(normalize_email(email));
        if (!u || is_deleted(*u)) return Error::not_found("user");
        // The same rule as the API: a door token only for an event the account organizes.
        if (event && event->organizer_id != u->id && !u->has_role("admin"))
          return Error::field("event_id", "must be an event " + u->email +
                                              " organizes (it belongs to another organizer)");
        t.user_id = u->id;
        tx.insert_api_token(t);
        std::string detail = "{\"via\":\"command_line\",\"user_id\":" + json_string(u->id);
        if (event_id) detail += ",\"event_id\":" + json_string(*event_id);
        if (expires_at) detail += ",\"expires_at\":" + json_string(format_rfc3339(*expires_at));
        audit(tx, "token_created", std::nullopt, t.id, ClientInfo{}, detail + "}");
        return {};
      },
      false);
  if (!s) return std::move(s).error();
  return out;
}

Result<std::vector<ApiToken>> AccountService::api_tokens(const Actor& actor) {
  return users_.list_tokens(actor.user_id);
}

Status AccountService::revoke_api_token(const Actor& actor, const std::string& token_id,
                                        const ClientInfo& client) {
  if (actor.event_scope) return Error::forbidden("an event-scoped token cannot revoke tokens");
  const Timestamp now = clock_.now();
  return transact(
      [&](AccountTx& tx) -> Status {
        if (!tx.revoke_api_token(actor.user_id, token_id, now)) return Error::not_found("token");
        audit(tx, "token_revoked", actor.user_id, token_id, client);
        return {};
      },
      false);
}

// ---------------------------------------------------------------- administration

Result<UserPage> AccountService::list_users(const Actor& actor, const UserListQuery& query) {
  if (!actor.is_admin()) return Error::forbidden("only admins can list accounts");
  FieldErrors errors;
  if (query.limit < 1 || query.limit > 200) errors.add("limit", "must be between 1 and 200");
  if (query.q && utf8_length(*query.q) > 200) errors.add("q", "must be at most 200 characters");
  if (!errors.empty()) return std::move(errors).to_error();
  return accounts_.list_users(query);
}

Result<User> AccountService::set_disabled(const Actor& actor, const std::string& user_id,
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

Result<User> AccountService::change_role(const std::optional<Actor>& actor, const std::string& email,
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
