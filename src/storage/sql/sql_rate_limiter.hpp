#pragma once
// SqlRateLimiter: the RateLimiter port on the rate_limits table, so every node sharing a
// PostgreSQL database counts against the same limits. One upsert per hit; windows that
// ended are deleted now and then (at most once a minute per process).
#include <atomic>

#include "domain/ports/rate_limiter.hpp"
#include "storage/sql/database.hpp"

namespace admit::sql {

class SqlRateLimiter final : public RateLimiter {
 public:
  explicit SqlRateLimiter(Database& db) : db_(db) {}
  std::optional<int> hit(const std::string& key, int limit, std::chrono::seconds window,
                         Timestamp now) override;

 private:
  Database& db_;
  std::atomic<std::int64_t> next_purge_ms_{0};
};

}  // namespace admit::sql
