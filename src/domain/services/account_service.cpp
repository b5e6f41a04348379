#include "domain/services/account_service.hpp"

#include <algorithm>

#include "common/random.hpp"
#include "domain/services/account_mails.hpp"
#include "domain/services/text.hpp"

namespace admit {
namespace {

constexpr std::size_t kNameMax = 200;
constexpr std::size_t kEmailMax = 254;
constexpr std::size_t kTokenNameMax = 100;
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

void check_name(FieldErrors& errors, const std::string& name) {
  if (name.empty()) errors.add("name", "is required");
  else if (!is_valid_utf8(name)) errors.add("name", "must be valid UTF-8");
  else if (utf8_length(name) > kNameMax)
    errors.add("name", "must be at most " + std::to_string(kNameMax) + " characters");
  else if (has_control_chars(name)) errors.add("name", "must not contain control characters");
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

}  // namespace

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
  if (auto s = limit("signin:addr:" + address_key(client.ip), settings_.signin_per_address); !s)
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
  (void)accounts_.revoke_session(found->first.user_id, session_id, clock_.now());
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
        auto ended = tx.revoke_sessions(u->id, now);
        tx.queue_mail(password_changed_mail(settings_.public_url, u->email, u->name,
                                            "password-changed:" + t->id),
                      now);
        audit(tx, "password_reset", u->id, u->id, p.client,
              "{\"sessions_revoked\":" + std::to_string(ended) + "}");
        return {};
      },
      true);
}

// ---------------------------------------------------------------- the signed-in user

Result<User> AccountService::me(const Actor& actor) {
  auto u = users_.find_user(actor.user_id);
  if (!u || u->disabled) return Error::unauthenticated();
  return std::move(*u);
}

Result<PendingProfileChange> AccountService::begin_update_profile(
    const Actor& actor, std::optional<std::string> current_session, ProfileChange change,
    const ClientInfo& client) {
  if (actor.event_scope) return Error::forbidden("an event-scoped token cannot change the account");
  auto user = users_.find_user(actor.user_id);
  if (!user || user->disabled) return Error::unauthenticated();
  FieldErrors errors;
  if (change.name) {
    change.name = trim(*change.name);
    check_name(errors, *change.name);
  }
  if (change.email) {
    change.email = normalize_email(*change.email);
    check_email(errors, *change.email);
    if (*change.email == user->email) change.email.reset();  // no change
  }
  if (change.password) {
    if (auto weak = passwords_.weakness(*change.password)) errors.add("password", *weak);
  }
  const bool sensitive = change.email || change.password;
  if (sensitive && (!change.current_password || change.current_password->empty()))
    errors.add("current_password", "is required to change the email or password");
  if (!errors.empty()) return std::move(errors).to_error();
  if (sensitive) {
    if (auto s = limit("pwcheck:" + actor.user_id, settings_.password_check_per_account); !s)
      return std::move(s).error();
  }
  PendingProfileChange p;
  p.user_id = actor.user_id;
  p.current_session = std::move(current_session);
  p.change = std::move(change);
  p.client = client;
  p.needs_password_check = sensitive;
  return p;
}

Result<User> AccountService::finish_update_profile(const PendingProfileChange& p) {
  const ProfileChange& c = p.change;
  std::optional<std::string> new_hash;
  if (p.needs_password_check) {
    auto user = users_.find_user(p.user_id);
    if (!user) return Error::unauthenticated();
    if (!passwords_.verify(user->password_hash, c.current_password.value_or(""))) {
      (void)transact([&](AccountTx& tx) -> Status {
        audit(tx, "password_check_failed", p.user_id, p.user_id, p.client);
        return {};
      }, false);
      return Error::field("current_password", "is not your current password");
    }
    if (c.password) new_hash = passwords_.hash(*c.password);
  }
  const Timestamp now = clock_.now();
  std::optional<User> updated;
  const std::string secret = new_secret_token();
  Status s = transact(
      [&](AccountTx& tx) -> Status {
        auto u = tx.find_user(p.user_id);
        if (!u || u->disabled) return Error::unauthenticated();
        std::optional<std::string> old_email;
        if (c.name) u->name = *c.name;
        if (c.email && *c.email != u->email) {
          old_email = u->email;
          u->email = *c.email;
          u->email_verified_at.reset();
        }
        if (new_hash) u->password_hash = *new_hash;
        u->updated_at = now;
        if (auto ok = tx.update_user(*u); !ok) return ok;
        if (old_email) {
          OneTimeToken t{sha256_hex(secret), OneTimeKind::verify_email, u->id, u->email, now,
                         now + settings_.verify_link_ttl, std::nullopt};
          tx.insert_one_time_token(t);
          tx.queue_mail(verification_mail(settings_.public_url, u->email, u->name, secret, true,
                                          "verify:" + t.id),
                        now);
          tx.queue_mail(email_changed_mail(settings_.public_url, *old_email, u->name, u->email,
                                           "email-changed:" + t.id),
                        now);
          audit(tx, "email_changed", u->id, u->id, p.client);
        }
        if (new_hash) {
          auto ended = tx.revoke_sessions(u->id, now, p.current_session);
          tx.discard_one_time_tokens(u->id, OneTimeKind::reset_password, now);
          tx.queue_mail(password_changed_mail(settings_.public_url, u->email, u->name,
                                              "password-changed:" + new_id("ntc")),
                        now);
          audit(tx, "password_changed", u->id, u->id, p.client,
                "{\"sessions_revoked\":" + std::to_string(ended) + "}");
        }
        updated = std::move(*u);
        return {};
      },
      true);
  if (!s) return std::move(s).error();
  return std::move(*updated);
}

Status AccountService::delete_account(const Actor& actor, const ClientInfo& client) {
  if (actor.event_scope) return Error::forbidden("an event-scoped token cannot delete the account");
  const Timestamp now = clock_.now();
  return transact(
      [&](AccountTx& tx) -> Status {
        auto u = tx.find_user(actor.user_id);
        if (!u || is_deleted(*u)) return Error::unauthenticated();
        if (tx.count_live_published_events(u->id, now) > 0)
          return Error::conflict(
              "You organize published events that have not ended: cancel them or wait until "
              "they are over before deleting the account.");
        tx.revoke_sessions(u->id, now);
        tx.revoke_api_tokens(u->id, now);
        tx.discard_one_time_tokens(u->id, std::nullopt, now);
        tx.erase_user(u->id, now);
        audit(tx, "account_deleted", u->id, u->id, client);
        return {};
      },
      false);
}

// ---------------------------------------------------------------- API tokens

Result<CreatedToken> AccountService::create_api_token(const Actor& actor, const std::string& name_in,
                                                      const std::optional<std::string>& event_id,
                                                      const ClientInfo& client) {
  if (actor.event_scope) return Error::forbidden("an event-scoped token cannot create tokens");
  const std::string name = trim(name_in);
  FieldErrors errors;
  if (name.empty()) errors.add("name", "is required");
  else if (!is_valid_utf8(name) || has_control_chars(name)) errors.add("name", "must be plain text");
  else if (utf8_length(name) > kTokenNameMax)
    errors.add("name", "must be at most " + std::to_string(kTokenNameMax) + " characters");
  if (event_id) {
    auto e = events_.find_event(*event_id);
    if (!e || (e->organizer_id != actor.user_id && !actor.is_admin()))
      errors.add("event_id", "must be an event you organize");
  }
  if (!errors.empty()) return std::move(errors).to_error();
  if (auto s = limit("token:" + actor.user_id, settings_.token_per_account); !s)
    return std::move(s).error();
  CreatedToken out = new_token(name, event_id);
  ApiToken& t = out.token;
  t.user_id = actor.user_id;
  Status s = transact(
      [&](AccountTx& tx) -> Status {
        tx.insert_api_token(t);
        audit(tx, "token_created", actor.user_id, t.id, client,
              event_id ? "{\"event_id\":" + json_string(*event_id) + "}" : "{}");
        return {};
      },
      false);
  if (!s) return std::move(s).error();
  return out;
}

CreatedToken AccountService::new_token(const std::string& name,
                                      const std::optional<std::string>& event_id) const {
  CreatedToken out;
  out.secret = new_secret_token();
  out.token.id = new_id("tok");
  out.token.name = name;
  out.token.token_hash = sha256_hex(out.secret);
  out.token.event_scope = event_id;
  out.token.created_at = clock_.now();
  return out;
}

Result<CreatedToken> AccountService::create_api_token_from_command_line(
    const std::string& email, const std::string& name, const std::optional<std::string>& event_id) {
  if (event_id && !events_.find_event(*event_id))
    return Error::field("event_id", "is not an event");
  CreatedToken out = new_token(name, event_id);
  ApiToken& t = out.token;
  Status s = transact(
      [&](AccountTx& tx) -> Status {
        auto u = tx.find_user_by_email(normalize_email(email));
        if (!u || is_deleted(*u)) return Error::not_found("user");
        t.user_id = u->id;
        tx.insert_api_token(t);
        std::string detail = "{\"via\":\"command_line\",\"user_id\":" + json_string(u->id);
        if (event_id) detail += ",\"event_id\":" + json_string(*event_id);
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
        std::int64_t ended = 0;
        if (disabled) ended = tx.revoke_sessions(u->id, now);
        audit(tx, disabled ? "account_disabled" : "account_enabled", actor.user_id, u->id, client,
              disabled ? "{\"sessions_revoked\":" + std::to_string(ended) + "}" : "{}");
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
