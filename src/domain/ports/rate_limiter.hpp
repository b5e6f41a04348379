#pragma once
// RateLimiter: counts attempts per key in fixed windows. In memory on one node
// (auth/memory_rate_limiter), shared through the database when several nodes run on
// PostgreSQL (storage/sql/sql_rate_limiter); docs/security.md explains the difference.
#include <chrono>
#include <optional>
#include <string>

#include "common/time.hpp"

namespace admit {

// A budget: at most `limit` attempts per fixed window of `window` (limit <= 0: no limit).
struct RateRule {
  int limit = 0;
  std::chrono::seconds window{60};
};

class RateLimiter {
 public:
  virtual ~RateLimiter() = default;
  // Counts one attempt for `key` in the window of length `window` that holds `now`.
  // Returns nullopt while the count is within `limit`, else the seconds until the window
  // ends (for Retry-After, at least 1). Thread-safe.
  virtual std::optional<int> hit(const std::string& key, int limit, std::chrono::seconds window,
                                 Timestamp now) = 0;
};

}  // namespace admit
