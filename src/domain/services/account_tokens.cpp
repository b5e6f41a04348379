// TokenService: API tokens (account_tokens.hpp).
#include "domain/services/account_tokens.hpp"

#include "common/random.hpp"
#include "common/time.hpp"
#include "domain/services/account_detail.hpp"
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

Result<CreatedToken> TokenService::create_api_token(const Actor& actor, const std::string& name_in,
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

CreatedToken TokenService::new_token(const std::string& name,
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

Result<CreatedToken> TokenService::create_api_token_from_command_line(
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

Result<std::vector<ApiToken>> TokenService::api_tokens(const Actor& actor) {
  return users_.list_tokens(actor.user_id);
}

Status TokenService::revoke_api_token(const Actor& actor, const std::string& token_id,
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

}  // namespace admit
