#include "storage/sql/sql_rate_limiter.hpp"

#include "common/sliding_window.hpp"
#include "storage/sql/columns.hpp"

namespace admit::sql {

std::optional<int> SqlRateLimiter::hit(const std::string& key, int limit,
                                       std::chrono::seconds window, Timestamp now) {
  const SlidingWindow w = SlidingWindow::at(now, window);
  const std::int64_t t = to_millis(now);
  auto conn = db_.writer();
  auto purge_at = next_purge_ms_.load(std::memory_order_relaxed);
  if (t >= purge_at && next_purge_ms_.compare_exchange_strong(purge_at, t + 60'000))
    conn->execute("DELETE FROM rate_limits WHERE expires_at < ?", {t});
  // A row expires a window after its last attempt (then none of its attempts counts any
  // more), so its expires_at also tells the next window when that last attempt was.
  auto rows = conn->query(
      "INSERT INTO rate_limits (key, window_start, count, expires_at) VALUES (?, ?, 1, ?) "
      "ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limits.count + 1, "
      "expires_at = EXCLUDED.expires_at RETURNING count",
      {key, w.start_ms, t + w.length_ms});
  const std::int64_t current = rows.empty() ? 1 : rows[0].i64(0);
  constexpr ColumnList c{"count", "expires_at"};
  std::int64_t previous = 0, previous_last = 0;
  for (const auto& row : conn->query(c.select() + " FROM rate_limits WHERE key = ? AND window_start = ?",
                                     {key, w.previous_start_ms()})) {
    previous = row.i64(c["count"]);
    previous_last = row.i64(c["expires_at"]) - w.length_ms;
  }
  return w.verdict(previous, previous_last, current, limit, now);
}

}  // namespace admit::sql
