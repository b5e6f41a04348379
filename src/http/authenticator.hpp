#pragma once
#include <optional>

#include "http/message.hpp"

namespace admit::http {

// Authenticator: resolves who is calling (session cookie or bearer token) before a routed
// handler runs. Called on the work pool, so it may block on the database. nullopt means
// anonymous (the handler decides whether that is allowed); throwing answers 500.
class Authenticator {
 public:
  virtual ~Authenticator() = default;
  virtual std::optional<Principal> authenticate(const Request& request) = 0;
  // The same answer, when it is known without blocking (e.g. a cached bearer token): true
  // and `out` set; false when only authenticate() can tell. Called on network threads.
  virtual bool authenticate_now(const Request& request, std::optional<Principal>& out) {
    (void)request;
    (void)out;
    return false;
  }
};

}  // namespace admit::http
