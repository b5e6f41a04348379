// ProfileService: the signed-in user's own account (account_profile.hpp).
#include "domain/services/account_profile.hpp"

#include "common/random.hpp"
#include "domain/services/account_detail.hpp"
#include "domain/services/account_mails.hpp"
#include "domain/services/text.hpp"

namespace admit {

using account_detail::check_email;
using account_detail::check_name;
using account_detail::is_deleted;

// ---------------------------------------------------------------- the signed-in user

Result<User> ProfileService::me(const Actor& actor) {
  auto u = users_.find_user(actor.user_id);
  if (!u || u->disabled) return Error::unauthenticated();
  return std::move(*u);
}

Result<PendingProfileChange> ProfileService::begin_update_profile(
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

Result<User> ProfileService::finish_update_profile(const PendingProfileChange& p) {
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

Status ProfileService::delete_account(const Actor& actor, const ClientInfo& client) {
  if (actor.event_scope) return Error::forbidden("an event-scoped token cannot delete the account");
  const Timestamp now = clock_.now();
  auto may_delete = [&](AccountTx& tx) -> Status {
    auto u = tx.find_user(actor.user_id);
    if (!u || is_deleted(*u)) return Error::unauthenticated();
    if (tx.count_live_published_events(u->id, now) > 0)
      return Error::conflict(
          "You organize published events that have not ended: cancel them or wait until "
          "they are over before deleting the account.");
    return {};
  };
  // Check first; then the upcoming registrations are cancelled (tickets voided, seats back
  // on sale) while the address is still known, and the erasure below drops their notices
  // with the rest of the unsent mail to it.
  if (auto ok = transact(may_delete, false); !ok) return ok;
  if (deleting_hook_) deleting_hook_(actor.user_id);
  return transact(
      [&](AccountTx& tx) -> Status {
        if (auto ok = may_delete(tx); !ok) return ok;
        auto u = tx.find_user(actor.user_id);
        tx.revoke_sessions(u->id, now);
        tx.revoke_api_tokens(u->id, now);
        tx.discard_one_time_tokens(u->id, std::nullopt, now);
        tx.erase_user(u->id, now);
        audit(tx, "account_deleted", u->id, u->id, client);
        return {};
      },
      false);
}

}  // namespace admit
