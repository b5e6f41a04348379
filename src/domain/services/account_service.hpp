#pragma once
// AccountService: accounts, composed of one service per concern, each with its own contract:
//   signup()   SignupService   sign-up, email verification, password reset (account_signup.hpp)
//   sessions() SessionService  sign-in and sessions (account_sessions.hpp)
//   profile()  ProfileService  the signed-in user's own account (account_profile.hpp)
//   tokens()   TokenService    API tokens (account_tokens.hpp)
//   admin()    AccountAdmin    administration of accounts and roles (account_admin.hpp)
// They share one AccountContext (account_context.hpp): the stores, the rate limiter, the
// clock, the settings, the audit log and the mail hook.
//
// Common to all parts:
// - Every change that sends mail queues it in the same transaction (the outbox), and every
//   security event writes an audit entry.
// - Ownership is checked here: another user's token or session is not_found.
// All members are thread-safe (state lives in the stores).
#include <functional>
#include <string>

#include "domain/services/account_admin.hpp"
#include "domain/services/account_context.hpp"
#include "domain/services/account_profile.hpp"
#include "domain/services/account_sessions.hpp"
#include "domain/services/account_signup.hpp"
#include "domain/services/account_tokens.hpp"

namespace admit {

class AccountService {
 public:
  AccountService(AccountStore& accounts, UserStore& users, EventStore& events,
                 Passwords& passwords, RateLimiter& limiter, const Clock& clock,
                 AccountSettings settings = {});
  AccountService(const AccountService&) = delete;
  AccountService& operator=(const AccountService&) = delete;

  const AccountSettings& settings() const noexcept { return context_.settings; }
  // Called after a transaction that queued mail commits (wakes the outbox sender). Set
  // before serving.
  void on_mail_queued(std::function<void()> hook) { context_.mail_hook = std::move(hook); }

  SignupService& signup() noexcept { return signup_; }
  SessionService& sessions() noexcept { return sessions_; }
  ProfileService& profile() noexcept { return profile_; }
  TokenService& tokens() noexcept { return tokens_; }
  AccountAdmin& admin() noexcept { return admin_; }

  // The rate-limit key of a client address: IPv6 addresses count per /64.
  static std::string address_key(const std::string& ip) { return AccountContext::address_key(ip); }

 private:
  AccountContext context_;
  SignupService signup_;
  SessionService sessions_;
  ProfileService profile_;
  TokenService tokens_;
  AccountAdmin admin_;
};

}  // namespace admit
