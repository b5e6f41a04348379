#pragma once
// What the account services share (account_service.hpp): their settings, the request and
// result types, and AccountContext, which holds the stores, the rate limiter, the clock and
// the helpers every part uses (rate limits, the audit log, transactions that queue mail,
// the dummy hash). AccountPart is the base each service derives from.
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
#include "domain/model/client_info.hpp"
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

// The state the account services share. Thread-safe (state lives in the stores).
class AccountContext {
 public:
  AccountContext(AccountStore& accounts, UserStore& users, EventStore& events, Passwords& passwords,
                 RateLimiter& limiter, const Clock& clock, AccountSettings settings);

  // The rate-limit key of a client address: IPv6 addresses count per /64.
  static std::string address_key(const std::string& ip);
  // Counts a hit of `key` under `rule`; rate_limited (with Retry-After) when over.
  Status limit(const std::string& key, const RateRule& rule);
  // A hash of a random password, made once with today's parameters, so verifying against it
  // (an unknown email at sign-in) costs what a real verification costs.
  const std::string& dummy_hash();
  void audit(AccountTx& tx, std::string kind, const std::optional<std::string>& actor,
             const std::optional<std::string>& subject, const ClientInfo& client,
             std::string detail = "{}");
  // Runs fn in one store transaction; after a commit that queued mail, calls the mail hook.
  Status transact(const std::function<Status(AccountTx&)>& fn, bool queues_mail);

  AccountStore& accounts;
  UserStore& users;
  EventStore& events;
  Passwords& passwords;
  RateLimiter& limiter;
  const Clock& clock;
  const AccountSettings settings;
  std::function<void()> mail_hook;  // set before serving (AccountService::on_mail_queued)

 private:
  std::once_flag dummy_once_;
  std::string dummy_hash_;
};

// The base of each account service: the shared context under the names its code uses.
class AccountPart {
 protected:
  explicit AccountPart(AccountContext& context)
      : context_(context),
        accounts_(context.accounts),
        users_(context.users),
        events_(context.events),
        passwords_(context.passwords),
        clock_(context.clock),
        settings_(context.settings) {}

  static std::string address_key(const std::string& ip) { return AccountContext::address_key(ip); }
  Status limit(const std::string& key, const RateRule& rule) { return context_.limit(key, rule); }
  const std::string& dummy_hash() { return context_.dummy_hash(); }
  void audit(AccountTx& tx, std::string kind, const std::optional<std::string>& actor,
             const std::optional<std::string>& subject, const ClientInfo& client,
             std::string detail = "{}") {
    context_.audit(tx, std::move(kind), actor, subject, client, std::move(detail));
  }
  Status transact(const std::function<Status(AccountTx&)>& fn, bool queues_mail) {
    return context_.transact(fn, queues_mail);
  }

  AccountContext& context_;
  AccountStore& accounts_;
  UserStore& users_;
  EventStore& events_;
  Passwords& passwords_;
  const Clock& clock_;
  const AccountSettings& settings_;
};

// Errors the HTTP layer and tests compare against.
Error invalid_credentials_error();
Error link_gone_error();

}  // namespace admit
