#pragma once
// MemoryRateLimiter: the RateLimiter port in process memory, for a single node (SQLite).
// Fixed windows per key; expired windows are swept as new ones start, so memory stays
// bounded by the keys active in the last window. Thread-safe.
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
    std::int64_t window_start = 0;  // ms
    std::int64_t window_end = 0;    // ms
    int count = 0;
  };
  void sweep(std::int64_t now_ms);

  mutable std::mutex mu_;
  std::unordered_map<std::string, Counter> counters_;
  std::int64_t next_sweep_ms_ = 0;
};

// The window that holds `now`: windows are aligned to multiples of their length.
std::int64_t window_start_ms(Timestamp now, std::chrono::seconds window);
// Seconds from now until the window ends, at least 1.
int seconds_until(std::int64_t window_end_ms, Timestamp now);

}  // namespace admit::auth
