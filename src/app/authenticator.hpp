#pragma once
// Resolves the caller of a request: `Authorization: Bearer <token>` (API tokens, stored
// as SHA-256) — sessions are added by the accounts feature.
#include "domain/ports/user_store.hpp"
#include "http/server.hpp"

namespace admit::app {

class StoreAuthenticator final : public http::Authenticator {
 public:
  explicit StoreAuthenticator(UserStore& users) : users_(users) {}
  std::optional<http::Principal> authenticate(const http::Request& req) override;

 private:
  UserStore& users_;
};

}  // namespace admit::app
