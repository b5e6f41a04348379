#include "domain/services/account_service.hpp"

#include <algorithm>

#include "common/random.hpp"
#include "domain/services/account_detail.hpp"
#include "domain/services/account_mails.hpp"
#include "domain/services/text.hpp"

namespace admit {

using account_detail::is_deleted;
using account_detail::json_string;
using account_detail::check_name;
using account_detail::check_email;

namespace {

constexpr std::size_t kNameMax = 200;
constexpr std::size_t kEmailMax = 254;
constexpr std::size_t kUserAgentMax = 200;

std::string shorten(std::string_view s, std::size_t max) {
  std::string out;
  for (char c : s) {
    if (out.size() >= max) break;
    auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7F) ? ' ' : c;
  }
  return out;
}

}  // namespace

namespace account_detail {

void check_name(FieldErrors& errors, const std::string& name) {
  check_text(errors, "name", name, kNameMax, /*required=*/true);
}

void check_email(FieldErrors& errors, const std::string& email) {
  if (email.empty()) errors.add("email", "is required");
  else if (email.size() > kEmailMax || !is_plausible_email(email))
    errors.add("email", "must be an email address such as ada@example.com");
}

bool is_deleted(const User& u) {
  return u.password_hash.empty() && u.disabled && u.email.starts_with("deleted-") &&
         u.email.ends_with("@invalid");
}

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\u00";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

}  // namespace account_detail

Error invalid_credentials_error() {
  return Error{ErrorCode::invalid_credentials, "The email or password is not correct.", {}};
}

Error link_gone_error() {
  return Error{ErrorCode::gone,
               "This link has expired or was already used. Ask for a new one.",
               {}};
}

AccountService::AccountService(AccountStore& accounts, UserStore& users, EventStore& events,
                               Passwords& passwords, RateLimiter& limiter, const Clock& clock,
                               AccountSettings settings)
    : accounts_(accounts),
      users_(users),
      events_(events),
      passwords_(passwords),
      limiter_(limiter),
      clock_(clock),
      settings_(std::move(settings)) {}

std::string AccountService::address_key(const std::string& ip) {
  if (ip.find(':') == std::string::npos) return ip;
  // IPv6: one subscriber usually holds a whole /64, so count per /64 prefix.
  std::string addr = ip;
  if (!addr.empty() && addr.front() == '[') addr = addr.substr(1, addr.find(']') - 1);
  if (addr.starts_with("::ffff:") && addr.find('.') != std::string::npos) return addr.substr(7);
  // Expand "::" enough to take the first four groups.
  std::vector<std::string> head, tail;
  auto dbl = addr.find("::");
  auto split = [](std::string_view s, std::vector<std::string>& out) {
    std::size_t start = 0;
    while (start < s.size()) {
      auto colon = s.find(':', start);
      if (colon == std::string_view::npos) colon = s.size();
      out.emplace_back(s.substr(start, colon - start));
      start = colon + 1;
    }
  };
  if (dbl == std::string::npos) {
    split(addr, head);
  } else {
    split(std::string_view(addr).substr(0, dbl), head);
    split(std::string_view(addr).substr(dbl + 2), tail);
    while (head.size() + tail.size() < 8) head.emplace_back("0");
    head.insert(head.end(), tail.begin(), tail.end());
  }
  std::string key;
  for (std::size_t i = 0; i < 4 && i < head.size(); ++i) {
    std::string group = head[i];
    std::transform(group.begin(), group.end(), group.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    group.erase(0, std::min(group.find_first_not_of('0'), group.size() ? group.size() - 1 : 0));
    key += group + ":";
  }
  return key + ":/64";
}

Status AccountService::limit(const std::string& key, const RateRule& rule) {
  if (rule.limit <= 0) return {};
  if (auto retry = limiter_.hit(key, rule.limit, rule.window, clock_.now()))
    return Error::rate_limited(*retry);
  return {};
}

const std::string& AccountService::dummy_hash() {
  // Made once with today's parameters, so verifying against it costs what a real
  // verification costs.
  std::call_once(dummy_once_, [this] { dummy_hash_ = passwords_.hash(new_secret_token()); });
  return dummy_hash_;
}

void AccountService::audit(AccountTx& tx, std::string kind, const std::optional<std::string>& actor,
                           const std::optional<std::string>& subject, const ClientInfo& client,
                           std::string detail) {
  AuditEntry e;
  e.id = new_id("aud");
  e.at = clock_.now();
  e.actor_user_id = actor;
  e.kind = std::move(kind);
  e.subject = subject;
  e.ip = shorten(client.ip, 64);
  e.detail = std::move(detail);
  tx.audit(e);
}

Status AccountService::transact(const std::function<Status(AccountTx&)>& fn, bool queues_mail) {
  Status s = accounts_.transact(fn);
  if (s && queues_mail && mail_hook_) mail_hook_();
  return s;
}

std::int64_t AccountService::purge_expired() {
  return accounts_.purge_expired(clock_.now() - settings_.purge_after, settings_.session_idle);
}

// ---------------------------------------------------------------- sign-up and verification

Result<PendingSignup> AccountService::begin_signup(SignupInput in, const ClientInfo& client) {
  PendingSignup p;
  p.email = normalize_email(in.email);
  p.name = trim(in.name);
  p.role = in.role;
  p.password = std::move(in.password);
  p.client = client;
  FieldErrors errors;
  check_email(errors, p.email);
  check_name(errors, p.name);
  if (p.role != kRoleAttendee && p.role != kRoleOrganizer)
    errors.add("role", "must be attendee or organizer");
  if (auto weak = passwords_.weakness(p.password)) errors.add("password", *weak);
  if (!errors.empty()) return std::move(errors).to_error();
  if (auto s = limit("signup:addr:" + address_key(client.ip), settings_.signup_per_address); !s)
    return std::move(s).error();
  if (auto s = limit("signup:email:" + p.email, settings_.signup_per_email); !s)
    return std::move(s).error();
  return p;
}

Status AccountService::finish_signup(const PendingSignup& p) {
  // Hash first, whatever happens next: a taken address costs the same as a new one.
  const std::string hash = passwords_.hash(p.password);
  const Timestamp now = clock_.now();
  const std::string secret = new_secret_token();
  Status s = transact(
      [&](AccountTx& tx) -> Status {
        if (auto existing = tx.find_user_by_email(p.email)) {
          if (existing->disabled) return {};
          if (!existing->email_verified_at) {
            // Probably the owner again, who lost the first mail: send a fresh link.
            OneTimeToken t{sha256_hex(secret), OneTimeKind::verify_email, existing->id,
                           existing->email, now, now + settings_.verify_link_ttl, std::nullopt};
            tx.insert_one_time_token(t);
            tx.queue_mail(verification_mail(settings_.public_url, existing->email, existing->name,
                                             secret, false, "verify:" + t.id),
                          now);
          } else {
            tx.queue_mail(signup_attempt_mail(settings_.public_url, existing->email,
                                              existing->name, "signup-taken:" + new_id("ntc")),
                          now);
          }
          audit(tx, "signup_existing_email", std::nullopt, existing->id, p.client);
          return {};
        }
        User u;
        u.id = new_id("usr");
        u.email = p.email;
        u.name = p.name;
        u.password_hash = hash;
        u.roles = {p.role};
        u.created_at = u.updated_at = now;
        if (auto ok = tx.insert_user(u); !ok) return ok;
        OneTimeToken t{sha256_hex(secret), OneTimeKind::verify_email, u.id, u.email, now,
                       now + settings_.verify_link_ttl, std::nullopt};
        tx.insert_one_time_token(t);
        tx.queue_mail(verification_mail(settings_.public_url, u.email, u.name, secret, false,
                                        "verify:" + t.id),
                      now);
        audit(tx, "signup", u.id, u.id, p.client, "{\"role\":" + json_string(p.role) + "}");
        return {};
      },
      true);
  // A conflict means another request took the address a moment ago: the same answer.
  if (!s && s.error().code != ErrorCode::conflict) return s;
  return {};
}

Result<User> AccountService::verify_email(const std::string& token, const ClientInfo& client) {
  if (token.empty() || token.size() > 512) return Error::field("token", "must be the token from the link");
  if (auto s = limit("verify:addr:" + address_key(client.ip), settings_.verify_per_address); !s)
    return std::move(s).error();
  const Timestamp now = clock_.now();
  std::optional<User> verified;
  Status s = transact(
      [&](AccountTx& tx) -> Status {
        auto t = tx.use_one_time_token(sha256_hex(token), OneTimeKind::verify_email, now);
        if (!t) return link_gone_error();
        auto u = tx.find_user(t->user_id);
        // A link for an address the account no longer has is stale.
        if (!u || u->disabled || u->email != t->payload) return link_gone_error();
        if (!u->email_verified_at) {
          u->email_verified_at = now;
          u->updated_at = now;
          if (auto ok = tx.update_user(*u); !ok) return ok;
        }
        audit(tx, "email_verified", u->id, u->id, client);
        verified = std::move(*u);
        return {};
      },
      false);
  if (!s) return std::move(s).error();
  return std::move(*verified);
}

Status AccountService::resend_verification(const std::string& email_in, const ClientInfo& client) {
  const std::string email = normalize_email(email_in);
  FieldErrors errors;
  check_email(errors, email);
  if (!errors.empty()) return std::move(errors).to_error();
  if (auto s = limit("resend:addr:" + address_key(client.ip), settings_.resend_per_address); !s)
    return s;
  if (auto s = limit("resend:email:" + email, settings_.resend_per_email); !s) return s;
  const Timestamp now = clock_.now();
  const std::string secret = new_secret_token();
  return transact(
      [&](AccountTx& tx) -> Status {
        auto u = tx.find_user_by_email(email);
        if (!u || u->email_verified_at || u->disabled) return {};
        OneTimeToken t{sha256_hex(secret), OneTimeKind::verify_email, u->id, u->email, now,
                       now + settings_.verify_link_ttl, std::nullopt};
        tx.insert_one_time_token(t);
        tx.queue_mail(verification_mail(settings_.public_url, u->email, u->name, secret, false,
                                        "verify:" + t.id),
                      now);
        return {};
      },
      true);
}

// ---------------------------------------------------------------- sign-in and sessions

Result<PendingLogin> AccountService::begin_login(const std::string& email,
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

Result<SignIn> AccountService::finish_login(const PendingLogin& p) {
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

std::optional<SessionAuth> AccountService::authenticate_session(const std::string& secret) {
  if (secret.empty() || secret.size() > 128) return std::nullopt;
  auto found = accounts_.find_session(sha256_hex(secret));
  if (!found) return std::nullopt;
  auto& [session, user] = *found;
  const Timestamp now = clock_.now();
  if (session.revoked_at || now >= session.expires_at ||
      now >= session.last_seen_at + settings_.session_idle)
    return std::nullopt;
  if (user.disabled || is_deleted(user)) return std::nullopt;
  if (now - session.last_seen_at >= settings_.session_touch_interval) {
    accounts_.touch_session(session.id, now);
    session.last_seen_at = now;
  }
  return SessionAuth{std::move(user), std::move(session)};
}

void AccountService::logout(const std::string& session_id, const ClientInfo& client) {
  auto found = accounts_.find_session(session_id);
  if (!found) return;
  (void)accounts_.revoke_session(found->first.user_id, found->first.handle, clock_.now());
  (void)transact([&](AccountTx& tx) -> Status {
    audit(tx, "signout", found->first.user_id, found->first.user_id, client);
    return {};
  }, false);
}

Result<std::vector<Session>> AccountService::sessions(const Actor& actor) {
  const Timestamp now = clock_.now();
  auto all = accounts_.list_sessions(actor.user_id, now);
  std::erase_if(all, [&](const Session& s) { return now >= s.last_seen_at + settings_.session_idle; });
  return all;
}

Status AccountService::sign_out_everywhere(const Actor& actor, const ClientInfo& client) {
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

Status AccountService::end_session(const Actor& actor, const std::string& session_id,
                                   const ClientInfo& client) {
  if (auto s = accounts_.revoke_session(actor.user_id, session_id, clock_.now()); !s) return s;
  return transact([&](AccountTx& tx) -> Status {
    audit(tx, "session_revoked", actor.user_id, actor.user_id, client);
    return {};
  }, false);
}

// ---------------------------------------------------------------- password reset

Status AccountService::request_password_reset(const std::string& email_in,
                                              const ClientInfo& client) {
  const std::string email = normalize_email(email_in);
  FieldErrors errors;
  check_email(errors, email);
  if (!errors.empty()) return std::move(errors).to_error();
  if (auto s = limit("reset:addr:" + address_key(client.ip), settings_.reset_per_address); !s)
    return s;
  if (auto s = limit("reset:email:" + email, settings_.reset_per_email); !s) return s;
  const Timestamp now = clock_.now();
  const std::string secret = new_secret_token();
  return transact(
      [&](AccountTx& tx) -> Status {
        auto u = tx.find_user_by_email(email);
        if (!u || u->disabled) return {};
        OneTimeToken t{sha256_hex(secret), OneTimeKind::reset_password, u->id, u->email, now,
                       now + settings_.reset_link_ttl, std::nullopt};
        tx.insert_one_time_token(t);
        tx.queue_mail(password_reset_mail(settings_.public_url, u->email, u->name, secret,
                                          "reset:" + t.id),
                      now);
        audit(tx, "password_reset_requested", std::nullopt, u->id, client);
        return {};
      },
      true);
}

Result<PendingReset> AccountService::begin_password_reset(const std::string& token,
                                                          const std::string& password,
                                                          const ClientInfo& client) {
  FieldErrors errors;
  if (token.empty() || token.size() > 512) errors.add("token", "must be the token from the link");
  if (auto weak = passwords_.weakness(password)) errors.add("password", *weak);
  if (!errors.empty()) return std::move(errors).to_error();
  if (auto s = limit("reset:addr:" + address_key(client.ip), settings_.reset_per_address); !s)
    return std::move(s).error();
  return PendingReset{sha256_hex(token), password, client};
}

Status AccountService::finish_password_reset(const PendingReset& p) {
  const std::string hash = passwords_.hash(p.password);
  const Timestamp now = clock_.now();
  return transact(
      [&](AccountTx& tx) -> Status {
        auto t = tx.use_one_time_token(p.token_hash, OneTimeKind::reset_password, now);
        if (!t) return link_gone_error();
        auto u = tx.find_user(t->user_id);
        if (!u || u->disabled || u->email != t->payload) return link_gone_error();
        u->password_hash = hash;
        // The mail reached the address: that confirms it too.
        if (!u->email_verified_at) u->email_verified_at = now;
        u->updated_at = now;
        if (auto ok = tx.update_user(*u); !ok) return ok;
        tx.discard_one_time_tokens(u->id, OneTimeKind::reset_password, now);
        // Recovering the account implies someone else may know the old password: end every
        // session and revoke every API token they could have made with it.
        auto ended = tx.revoke_sessions(u->id, now);
        auto tokens = tx.revoke_api_tokens(u->id, now);
        tx.queue_mail(password_changed_mail(settings_.public_url, u->email, u->name,
                                            "password-changed:" + t->id, /*tokens_revoked=*/true),
                      now);
        audit(tx, "password_reset", u->id, u->id, p.client,
              "{\"sessions_revoked\":" + std::to_string(ended) +
                  ",\"tokens_revoked\":" + std::to_string(tokens) + "}");
        return {};
      },
      true);
}

}  // namespace admit
