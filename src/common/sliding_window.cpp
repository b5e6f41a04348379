#include "common/sliding_window.hpp"

#include <algorithm>
#include <cmath>

namespace admit {

SlidingWindow SlidingWindow::at(Timestamp now, std::chrono::seconds length) {
  const std::int64_t len = std::max<std::int64_t>(1, length.count()) * 1000;
  const std::int64_t t = to_millis(now);
  return SlidingWindow{t - ((t % len) + len) % len, len};
}

std::optional<int> SlidingWindow::verdict(std::int64_t previous, std::int64_t previous_last_ms,
                                          std::int64_t current, int limit, Timestamp now) const {
  const std::int64_t t = std::clamp(to_millis(now), start_ms, end_ms());
  if (previous_last_ms + length_ms <= t) previous = 0;  // all older than the window
  const double len = static_cast<double>(length_ms);
  const double weight = 1.0 - static_cast<double>(t - start_ms) / len;
  if (static_cast<double>(previous) * weight + static_cast<double>(current) <= limit)
    return std::nullopt;
  // When would one more attempt fit? Within this window, once the previous window's share
  // has shrunk enough (or its last attempt is a window old); else once this window's own
  // share has, in the next, and at the latest a window after now, when every attempt
  // counted is older than the window.
  double allowed_at = static_cast<double>(t) + len;
  const double room = static_cast<double>(limit - current - 1);
  if (room >= 0 && previous > 0) {
    const double shrunk = static_cast<double>(start_ms) + len * (1.0 - room / static_cast<double>(previous));
    allowed_at = std::min(shrunk, static_cast<double>(previous_last_ms + length_ms));
  } else if (limit >= 1) {
    const double share = static_cast<double>(limit - 1) / static_cast<double>(current);
    allowed_at = std::min(allowed_at, static_cast<double>(end_ms()) + len * (1.0 - std::min(1.0, share)));
  }
  const double wait_ms = allowed_at - static_cast<double>(to_millis(now));
  return static_cast<int>(std::clamp(std::ceil(wait_ms / 1000.0), 1.0, len / 1000.0));
}

}  // namespace admit
