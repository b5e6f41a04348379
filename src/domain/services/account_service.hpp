#pragma once
// AccountService: the rules of accounts, sign-in, sessions, mail links, API tokens and
// account administration.
//
// - Enumeration safety: sign-up, resend and reset answer the same whether or not the email
//   has an account; sign-in answers invalid_credentials alike for an unknown email and a
//   wrong password, and verifies a dummy hash for an unknown email so both take as long.
//   Only after a correct password does it say email_not_verified or account_disabled.
// - Slow work is split out: begin_*() validates and counts rate limits (cheap; call it on
//   the request thread, so a limited request never costs a hash), finish_*() hashes or
//   verifies passwords (call it on the bounded hashing pool).
// - Links (verification, reset) carry a 256-bit secret stored as SHA-256, single use,
//   expiring after 24 h. Sessions: a new 256-bit secret at every sign-in, stored as
//   SHA-256, idle and absolute expiry, revoked at sign-out, password change or reset,
//   disable and "sign out everywhere".
// - Every change that sends mail queues it in the same transaction (the outbox), and
//   every security event writes an audit entry.
// - Ownership is checked here: another user's token or session is not_found.
// All members are thread-safe (state lives in the stores).
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "domain/model/account.hpp"
#include "domain/model/actor.hpp"
#include "domain/model/user.hpp"
#include "domain/ports/account_store.hpp"
#include "domain/ports/event_store.hpp"
#include "domain/ports/passwords.hpp"
#include "domain/ports/rate_limiter.hpp"
#include "domain/ports/user_store.hpp"

namespace admit {

struct AccountSettings {
  std::string public_url = "http://127.0.0.1:8080";  // links in mails
  std::chrono::seconds verify_link_ttl = std::chrono::hours(24);
  std::chrono::seconds reset_link_ttl = std::chrono::hours(24);
  std::chrono::seconds session_idle = std::chrono::hours(24 * 7);       // sliding
  std::chrono::seconds session_absolute = std::chrono::hours(24 * 30);  // from sign-in
  std::chrono::seconds session_touch_interval{60};  // last_seen_at written at most this often
  // Ended sessions (revoked, expired, idle) and used or expired mail links are deleted this
  // long after they ended (purge_expired).
  std::chrono::seconds purge_after = std::chrono::hours(24);

  // Rate limits: per client address and per account (the email, or the user).
  // Sign-in: tight per (email, address); the per-email ceiling is far above what one
  // address may try, so an outsider cannot lock the owner out (docs/security.md).
  RateRule signin_per_account_address{10, std::chrono::minutes(1)};
  RateRule signin_per_address{100, std::chrono::hours(1)};
  RateRule signin_per_account{1000, std::chrono::hours(1)};
  RateRule signup_per_address{30, std::chrono::hours(1)};
  RateRule signup_per_email{5, std::chrono::hours(1)};
  RateRule verify_per_address{60, std::chrono::hours(1)};
  RateRule resend_per_address{30, std::chrono::hours(1)};
  RateRule resend_per_email{5, std::chrono::hours(1)};
  RateRule reset_per_address{30, std::chrono::hours(1)};
  RateRule reset_per_email{5, std::chrono::hours(1)};
  RateRule token_per_account{20, std::chrono::hours(1)};
  RateRule password_check_per_account{10, std::chrono::minutes(1)};
};

// Who is asking, for rate limits, the audit log and the sessions list.
struct ClientInfo {
  std::string ip;
  std::string user_agent;
};

struct SignupInput {
  std::string email, password, name, role;
};

// A request that passed validation and rate limits and waits for the slow hash.
struct PendingSignup {
  std::string email, password, name, role;
  ClientInfo client;
};
struct PendingLogin {
  std::string email, password;
  ClientInfo client;
};
struct PendingReset {
  std::string token_hash, password;
  ClientInfo client;
};

// PATCH /me: absent fields stay as they are.
struct ProfileChange {
  std::optional<std::string> name, email, password, current_password;
};
struct PendingProfileChange {
  std::string user_id;
  std::optional<std::string> current_session;  // kept when the password changes
  ProfileChange change;
  ClientInfo client;
  bool needs_password_check = false;  // email or password change: run finish on the pool
};

struct SignIn {
  User user;
  Session session;
  std::string secret;  // the cookie value; never stored
};

struct SessionAuth {
  User user;
  Session session;
};

struct CreatedToken {
  ApiToken token;
  std::string secret;  // shown once
};

class AccountService {
 public:
  AccountService(AccountStore& accounts, UserStore& users, EventStore& events,
                 Passwords& passwords, RateLimiter& limiter, const Clock& clock,
                 AccountSettings settings = {});

  const AccountSettings& settings() const noexcept { return settings_; }
  // Called after a transaction that queued mail commits (wakes the outbox sender).
  void on_mail_queued(std::function<void()> hook) { mail_hook_ = std::move(hook); }

  // ---- sign-up and email verification
  Result<PendingSignup> begin_signup(SignupInput input, const ClientInfo& client);
  // Always succeeds for the caller's eyes (202): a new account gets a verification mail;
  // a taken address gets a notice (verified) or a fresh verification mail (unverified).
  Status finish_signup(const PendingSignup& pending);
  // Confirms the address the link was sent to; gone when unknown, used or expired.
  Result<User> verify_email(const std::string& token, const ClientInfo& client);
  // Sends a fresh link when the account exists and is unverified; the same answer always.
  Status resend_verification(const std::string& email, const ClientInfo& client);

  // ---- sign-in and sessions
  Result<PendingLogin> begin_login(const std::string& email, const std::string& password,
                                   const ClientInfo& client);
  Result<SignIn> finish_login(const PendingLogin& pending);
  // The live session for a cookie secret and its user (updates last_seen_at at most once a
  // minute), or nullopt when unknown, revoked, expired, or the account is disabled.
  std::optional<SessionAuth> authenticate_session(const std::string& secret);
  void logout(const std::string& session_id, const ClientInfo& client);
  Result<std::vector<Session>> sessions(const Actor& actor);
  // Ends every session of the actor, the current one included.
  Status sign_out_everywhere(const Actor& actor, const ClientInfo& client);
  Status end_session(const Actor& actor, const std::string& session_id, const ClientInfo& client);

  // Deletes sessions and mail links that ended more than `purge_after` ago (the server runs
  // it at start and every hour); returns the rows removed.
  std::int64_t purge_expired();

  // ---- password reset
  Status request_password_reset(const std::string& email, const ClientInfo& client);
  Result<PendingReset> begin_password_reset(const std::string& token, const std::string& password,
                                            const ClientInfo& client);
  // Sets the password, uses the link, signs out every session and revokes every API token.
  Status finish_password_reset(const PendingReset& pending);

  // ---- the signed-in user
  Result<User> me(const Actor& actor);
  Result<PendingProfileChange> begin_update_profile(const Actor& actor,
                                                    std::optional<std::string> current_session,
                                                    ProfileChange change, const ClientInfo& client);
  Result<User> finish_update_profile(const PendingProfileChange& pending);
  // Cancels the upcoming registrations (through the hook below), then erases personal data
  // (the account's and the names and emails on its tickets) and ends sessions and tokens;
  // past registrations stay, anonymous. An organizer with published events that have not
  // ended answers conflict, and nothing changes.
  Status delete_account(const Actor& actor, const ClientInfo& client);
  // Called by delete_account with the user id once the account may be deleted, before its
  // data is erased (the registration service cancels its upcoming registrations).
  void on_account_deleting(std::function<void(const std::string&)> hook) {
    deleting_hook_ = std::move(hook);
  }

  // ---- API tokens
  // `expires_at` (optional): when the token stops working; it must be in the future (a
  // field error naming `expires_at` otherwise). An expired token authenticates nobody.
  Result<CreatedToken> create_api_token(const Actor& actor, const std::string& name,
                                        const std::optional<std::string>& event_id,
                                        const ClientInfo& client,
                                        std::optional<Timestamp> expires_at = std::nullopt);
  // `admit token create`: a token for the account with this email, made by the operator at
  // the command line (no rate limit). Audited as token_created like the API's, with no
  // actor and {"via":"command_line","user_id":..} as detail. not_found when no account has
  // the email; a field error naming `event_id` for an unknown event, or for an event the
  // account does not organize (the API's rule: its own events, any event for an admin).
  Result<CreatedToken> create_api_token_from_command_line(const std::string& email,
                                                          const std::string& name,
                                                          const std::optional<std::string>& event_id,
                                                          std::optional<Timestamp> expires_at = std::nullopt);
  Result<std::vector<ApiToken>> api_tokens(const Actor& actor);
  Status revoke_api_token(const Actor& actor, const std::string& token_id, const ClientInfo& client);

  // ---- administration
  Result<UserPage> list_users(const Actor& actor, const UserListQuery& query);
  // Disabling ends the account's sessions and revokes its API tokens (enabling it again
  // does not bring them back).
  Result<User> set_disabled(const Actor& actor, const std::string& user_id, bool disabled,
                            const ClientInfo& client);
  // Adds or removes a role (the command line; actor is nullopt there).
  Result<User> change_role(const std::optional<Actor>& actor, const std::string& email,
                           const std::string& role, bool add);

  // The rate-limit key of a client address: IPv6 addresses count per /64.
  static std::string address_key(const std::string& ip);

 private:
  // A fresh token (secret, id, hash, scope, time) for `name`; the caller sets its owner.
  CreatedToken new_token(const std::string& name, const std::optional<std::string>& event_id,
                         std::optional<Timestamp> expires_at) const;
  Status limit(const std::string& key, const RateRule& rule);
  const std::string& dummy_hash();
  void audit(AccountTx& tx, std::string kind, const std::optional<std::string>& actor,
             const std::optional<std::string>& subject, const ClientInfo& client,
             std::string detail = "{}");
  Status transact(const std::function<Status(AccountTx&)>& fn, bool queues_mail);

  AccountStore& accounts_;
  UserStore& users_;
  EventStore& events_;
  Passwords& passwords_;
  RateLimiter& limiter_;
  const Clock& clock_;
  AccountSettings settings_;
  std::function<void()> mail_hook_;
  std::function<void(const std::string&)> deleting_hook_;
  std::once_flag dummy_once_;
  std::string dummy_hash_;
};

// Errors the HTTP layer and tests compare against.
Error invalid_credentials_error();
Error link_gone_error();

}  // namespace admit
