#include "auth/memory_rate_limiter.hpp"

#include <algorithm>

namespace admit::auth {

std::int64_t window_start_ms(Timestamp now, std::chrono::seconds window) {
  const std::int64_t len = std::max<std::int64_t>(1, window.count()) * 1000;
  const std::int64_t t = to_millis(now);
  return t - ((t % len) + len) % len;
}

int seconds_until(std::int64_t window_end_ms, Timestamp now) {
  const std::int64_t ms = window_end_ms - to_millis(now);
  return static_cast<int>(std::max<std::int64_t>(1, (ms + 999) / 1000));
}

std::optional<int> MemoryRateLimiter::hit(const std::string& key, int limit,
                                          std::chrono::seconds window, Timestamp now) {
  const std::int64_t start = window_start_ms(now, window);
  const std::int64_t end = start + std::max<std::int64_t>(1, window.count()) * 1000;
  std::lock_guard lock(mu_);
  sweep(to_millis(now));
  Counter& c = counters_[key];
  if (c.window_start != start) c = Counter{start, end, 0};
  ++c.count;
  if (c.count <= limit) return std::nullopt;
  return seconds_until(end, now);
}

void MemoryRateLimiter::sweep(std::int64_t now_ms) {
  if (now_ms < next_sweep_ms_) return;
  next_sweep_ms_ = now_ms + 60'000;
  std::erase_if(counters_, [now_ms](const auto& kv) { return kv.second.window_end <= now_ms; });
}

std::size_t MemoryRateLimiter::size() const {
  std::lock_guard lock(mu_);
  return counters_.size();
}

}  // namespace admit::auth
