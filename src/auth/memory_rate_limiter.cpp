#include "auth/memory_rate_limiter.hpp"

#include <algorithm>

#include "common/sliding_window.hpp"

namespace admit::auth {

std::optional<int> MemoryRateLimiter::hit(const std::string& key, int limit,
                                          std::chrono::seconds window, Timestamp now) {
  const SlidingWindow w = SlidingWindow::at(now, window);
  std::lock_guard lock(mu_);
  sweep(to_millis(now));
  Counter& c = counters_[key];
  const std::int64_t t = to_millis(now);
  if (c.window_start != w.start_ms) {
    const bool adjacent = c.window_start == w.previous_start_ms();
    c = Counter{w.start_ms, 0, 0, 0, adjacent ? c.count : 0, adjacent ? c.last : 0};
  }
  ++c.count;
  c.last = t;
  c.forget_at = t + w.length_ms;  // then every attempt counted here is a window old
  return w.verdict(c.previous, c.previous_last, c.count, limit, now);
}

void MemoryRateLimiter::sweep(std::int64_t now_ms) {
  if (now_ms < next_sweep_ms_) return;
  next_sweep_ms_ = now_ms + 60'000;
  std::erase_if(counters_, [now_ms](const auto& kv) { return kv.second.forget_at <= now_ms; });
}

std::size_t MemoryRateLimiter::size() const {
  std::lock_guard lock(mu_);
  return counters_.size();
}

}  // namespace admit::auth
