#pragma once
// Resolves the caller of a request: `Authorization: Bearer <token>` (API tokens, stored
// as SHA-256) first, else the session cookie (`admit_session`, or `__Host-admit_session`
// when the public URL is https) through the AccountService (idle and absolute expiry,
// revocation, disabled accounts). Disabled accounts and expired tokens resolve to nobody
// (401, like a revoked token).
#include "common/clock.hpp"
#include "domain/ports/user_store.hpp"
#include "domain/services/account_service.hpp"
#include "http/server.hpp"

namespace admit::app {

class StoreAuthenticator final : public http::Authenticator {
 public:
  StoreAuthenticator(UserStore& users, const Clock& clock, AccountService* accounts = nullptr,
                     bool https = false)
      : users_(users), clock_(clock), accounts_(accounts), https_(https) {}
  std::optional<http::Principal> authenticate(const http::Request& req) override;
  // Known without blocking: no credentials at all, a malformed Authorization header or
  // session cookie, or a bearer token or session whose look-up the store has cached (and,
  // for a session, no last_seen_at update due).
  bool authenticate_now(const http::Request& req, std::optional<http::Principal>& out) override;

 private:
  // The session cookie's secret when sessions are on and it has a secret's shape.
  std::optional<std::string> session_secret(const http::Request& req) const;
  static std::optional<http::Principal> from_session(const std::optional<SessionAuth>& found);
  std::optional<http::Principal> from_token(const std::optional<std::pair<ApiToken, User>>& found) const;

  UserStore& users_;
  const Clock& clock_;
  AccountService* accounts_;
  bool https_;
};

}  // namespace admit::app
