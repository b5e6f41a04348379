#include "storage/sql/sql_rate_limiter.hpp"

#include <algorithm>

namespace admit::sql {

std::optional<int> SqlRateLimiter::hit(const std::string& key, int limit,
                                       std::chrono::seconds window, Timestamp now) {
  const std::int64_t len = std::max<std::int64_t>(1, window.count()) * 1000;
  const std::int64_t t = to_millis(now);
  const std::int64_t start = t - ((t % len) + len) % len;
  const std::int64_t end = start + len;
  auto conn = db_.writer();
  auto purge_at = next_purge_ms_.load(std::memory_order_relaxed);
  if (t >= purge_at && next_purge_ms_.compare_exchange_strong(purge_at, t + 60'000))
    conn->execute("DELETE FROM rate_limits WHERE expires_at < ?", {t});
  auto rows = conn->query(
      "INSERT INTO rate_limits (key, window_start, count, expires_at) VALUES (?, ?, 1, ?) "
      "ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limits.count + 1 "
      "RETURNING count",
      {key, start, end});
  const std::int64_t count = rows.empty() ? 1 : rows[0].i64(0);
  if (count <= limit) return std::nullopt;
  return static_cast<int>(std::max<std::int64_t>(1, (end - t + 999) / 1000));
}

}  // namespace admit::sql
