#pragma once
// MemoryRateLimiter: the RateLimiter port in process memory, for a single node (SQLite).
// Sliding windows per key (common/sliding_window.hpp: this fixed window's count and the
// previous one's); counters no longer needed are swept as time goes on, so memory stays
// bounded by the keys active in the last two windows. Thread-safe.
#include <mutex>
#include <unordered_map>

#include "domain/ports/rate_limiter.hpp"

namespace admit::auth {

class MemoryRateLimiter final : public RateLimiter {
 public:
  std::optional<int> hit(const std::string& key, int limit, std::chrono::seconds window,
                         Timestamp now) override;
  std::size_t size() const;

 private:
  struct Counter {
    std::int64_t window_start = 0;  // ms, the fixed window `count` belongs to
    std::int64_t forget_at = 0;     // ms, when neither count matters any more
    std::int64_t last = 0;          // ms, the last attempt counted in `count`
    std::int64_t count = 0;
    std::int64_t previous = 0;      // the count of the window before
    std::int64_t previous_last = 0; // ms, the last attempt of the window before
  };
  void sweep(std::int64_t now_ms);

  mutable std::mutex mu_;
  std::unordered_map<std::string, Counter> counters_;
  std::int64_t next_sweep_ms_ = 0;
};

}  // namespace admit::auth
