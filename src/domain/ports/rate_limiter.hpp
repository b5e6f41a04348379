#pragma once
// RateLimiter: counts attempts per key in sliding windows (common/sliding_window.hpp). In memory on one node
// (auth/memory_rate_limiter), shared through the database when several nodes run on
// PostgreSQL (storage/sql/sql_rate_limiter); docs/security.md explains the difference.
#include <chrono>
#include <optional>
#include <string>

#include "common/time.hpp"

namespace admit {

// A budget: at most `limit` attempts in any `window` (sliding; limit <= 0: no limit).
struct RateRule {
  int limit = 0;
  std::chrono::seconds window{60};
};

class RateLimiter {
 public:
  virtual ~RateLimiter() = default;
  // Counts one attempt for `key` at `now` (refused attempts count too). Returns nullopt
  // while the attempts in the sliding window of length `window` ending at `now` are within
  // `limit`, else the seconds until one more would be (for Retry-After, at least 1).
  // Thread-safe.
  virtual std::optional<int> hit(const std::string& key, int limit, std::chrono::seconds window,
                                 Timestamp now) = 0;
};

}  // namespace admit
