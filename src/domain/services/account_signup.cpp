// SignupService: sign-up, email verification and password reset (account_signup.hpp).
#include "domain/services/account_signup.hpp"

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

// ---------------------------------------------------------------- sign-up and verification

Result<PendingSignup> SignupService::begin_signup(SignupInput in, const ClientInfo& client) {
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

Status SignupService::finish_signup(const PendingSignup& p) {
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

Result<User> SignupService::verify_email(const std::string& token, const ClientInfo& client) {
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

Status SignupService::resend_verification(const std::string& email_in, const ClientInfo& client) {
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

// ---------------------------------------------------------------- password reset

Status SignupService::request_password_reset(const std::string& email_in,
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

Result<PendingReset> SignupService::begin_password_reset(const std::string& token,
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

Status SignupService::finish_password_reset(const PendingReset& p) {
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
