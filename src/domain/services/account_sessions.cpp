// SessionService: sign-in and sessions (account_sessions.hpp).
#include "domain/services/account_sessions.hpp"

#include <algorithm>

#include "common/random.hpp"
#include "domain/services/account_detail.hpp"
#include "domain/services/account_mails.hpp"
#include "domain/services/text.hpp"

namespace admit {

using account_detail::check_email;
using account_detail::check_name;
using account_detail::is_deleted;
using account_detail::json_string;
using account_detail::kUserAgentMax;
using account_detail::shorten;

// ---------------------------------------------------------------- sign-in and sessions

Result<PendingLogin> SessionService::begin_login(const std::string& email,
                                                 const std::string& password,
                                                 const ClientInfo& client) {
  PendingLogin p{normalize_email(email), password, client};
  FieldErrors errors;
  if (p.email.empty()) errors.add("email", "is required");
  if (p.password.empty()) errors.add("password", "is required");
  if (!errors.empty()) return std::move(errors).to_error();
  // Limits count before any hashing, so a flood costs no CPU.
  // Per (email, address) tightly, per address, and per email only at a far higher ceiling:
  // guessing one password from one place stops soon, while an outsider hammering the
  // email cannot lock its owner out (the owner signs in from another address).
  const std::string addr = address_key(client.ip);
  if (auto s = limit("signin:addr:" + addr, settings_.signin_per_address); !s)
    return std::move(s).error();
  if (auto s = limit("signin:account_addr:" + p.email + "|" + addr,
                     settings_.signin_per_account_address);
      !s)
    return std::move(s).error();
  if (auto s = limit("signin:account:" + p.email, settings_.signin_per_account); !s)
    return std::move(s).error();
  return p;
}

Result<SignIn> SessionService::finish_login(const PendingLogin& p) {
  auto user = users_.find_user_by_email(p.email);
  const bool has_password = user && !user->password_hash.empty();
  // An unknown email verifies against a dummy hash: the same work, the same time.
  const bool password_ok =
      passwords_.verify(has_password ? user->password_hash : dummy_hash(), p.password) &&
      has_password;
  const Timestamp now = clock_.now();
  if (!password_ok) {
    // Both failures write one audit row, so they also cost the same database work.
    (void)transact(
        [&](AccountTx& tx) -> Status {
          audit(tx, "signin_failed", std::nullopt,
                user ? std::optional<std::string>(user->id) : std::nullopt, p.client,
                user ? "{\"reason\":\"wrong_password\"}" : "{\"reason\":\"unknown_email\"}");
          return {};
        },
        false);
    return invalid_credentials_error();
  }
  // From here on the caller proved they know the password.
  if (user->disabled) {
    (void)transact([&](AccountTx& tx) -> Status {
      audit(tx, "signin_refused", user->id, user->id, p.client, "{\"reason\":\"disabled\"}");
      return {};
    }, false);
    return Error{ErrorCode::account_disabled, "This account has been disabled.", {}};
  }
  if (!user->email_verified_at) {
    return Error{ErrorCode::email_not_verified,
                 "Confirm your email address first: follow the link in the mail we sent, or ask "
                 "for a new one.",
                 {}};
  }
  bool rehashed = false;
  if (passwords_.needs_rehash(user->password_hash)) {
    user->password_hash = passwords_.hash(p.password);
    user->updated_at = now;
    rehashed = true;
  }
  SignIn result;
  result.secret = new_secret_token();
  Session& s = result.session;
  s.id = sha256_hex(result.secret);
  s.handle = new_id("ses");
  s.user_id = user->id;
  s.created_at = s.last_seen_at = now;
  s.expires_at = now + settings_.session_absolute;
  s.user_agent = shorten(p.client.user_agent, kUserAgentMax);
  s.ip = shorten(p.client.ip, 64);
  Status st = transact(
      [&](AccountTx& tx) -> Status {
        if (rehashed) {
          // Only the hash changes: re-read so a concurrent profile edit is not undone.
          auto fresh = tx.find_user(user->id);
          if (fresh && fresh->password_hash != user->password_hash) {
            fresh->password_hash = user->password_hash;
            if (auto ok = tx.update_user(*fresh); !ok) return ok;
          }
        }
        tx.insert_session(s);
        audit(tx, "signin_succeeded", user->id, user->id, p.client,
              rehashed ? "{\"rehashed\":true}" : "{}");
        return {};
      },
      false);
  if (!st) return std::move(st).error();
  result.user = std::move(*user);
  return result;
}

std::optional<SessionAuth> SessionService::live(std::pair<Session, User> found, Timestamp now) const {
  auto& [session, user] = found;
  if (session.revoked_at || now >= session.expires_at || now >= session.last_seen_at + settings_.session_idle)
    return std::nullopt;
  if (user.disabled || is_deleted(user)) return std::nullopt;
  return SessionAuth{std::move(user), std::move(session)};
}

std::optional<SessionAuth> SessionService::authenticate_session(const std::string& secret) {
  if (secret.empty() || secret.size() > 128) return std::nullopt;
  auto found = accounts_.find_session(sha256_hex(secret));
  if (!found) return std::nullopt;
  const Timestamp now = clock_.now();
  auto auth = live(std::move(*found), now);
  if (auth && now - auth->session.last_seen_at >= settings_.session_touch_interval) {
    accounts_.touch_session(auth->session.id, now);
    auth->session.last_seen_at = now;
  }
  return auth;
}

bool SessionService::authenticate_session_now(const std::string& secret, std::optional<SessionAuth>& out) {
  if (secret.empty() || secret.size() > 128) {
    out.reset();
    return true;
  }
  auto found = accounts_.peek_session(sha256_hex(secret));
  if (!found) return false;
  const Timestamp now = clock_.now();
  auto auth = live(std::move(*found), now);
  if (auth && now - auth->session.last_seen_at >= settings_.session_touch_interval) return false;  // a write is due
  out = std::move(auth);
  return true;
}

void SessionService::logout(const std::string& session_id, const ClientInfo& client) {
  auto found = accounts_.find_session(session_id);
  if (!found) return;
  (void)accounts_.revoke_session(found->first.user_id, found->first.handle, clock_.now());
  (void)transact([&](AccountTx& tx) -> Status {
    audit(tx, "signout", found->first.user_id, found->first.user_id, client);
    return {};
  }, false);
}

Result<std::vector<Session>> SessionService::sessions(const Actor& actor) {
  const Timestamp now = clock_.now();
  auto all = accounts_.list_sessions(actor.user_id, now);
  std::erase_if(all, [&](const Session& s) { return now >= s.last_seen_at + settings_.session_idle; });
  return all;
}

Status SessionService::sign_out_everywhere(const Actor& actor, const ClientInfo& client) {
  const Timestamp now = clock_.now();
  return transact(
      [&](AccountTx& tx) -> Status {
        auto n = tx.revoke_sessions(actor.user_id, now);
        audit(tx, "sessions_revoked", actor.user_id, actor.user_id, client,
              "{\"count\":" + std::to_string(n) + "}");
        return {};
      },
      false);
}

Status SessionService::end_session(const Actor& actor, const std::string& session_id,
                                   const ClientInfo& client) {
  if (auto s = accounts_.revoke_session(actor.user_id, session_id, clock_.now()); !s) return s;
  return transact([&](AccountTx& tx) -> Status {
    audit(tx, "session_revoked", actor.user_id, actor.user_id, client);
    return {};
  }, false);
}

std::int64_t SessionService::purge_expired() {
  return accounts_.purge_expired(clock_.now() - settings_.purge_after, settings_.session_idle);
}

}  // namespace admit
