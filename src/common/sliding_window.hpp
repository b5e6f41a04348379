#pragma once
// SlidingWindow: a rate budget over two fixed windows aligned to their length. An attempt
// at `now` counts the attempts of the current fixed window plus those of the previous one,
// weighted by the share of the previous window still inside [now - length, now]. Unlike a
// fixed window, the budget neither starts afresh at a boundary nor lets twice the limit
// through across one. Both rate limiters (in memory, and in the database) count the two
// windows and ask this for the verdict.
#include <chrono>
#include <cstdint>
#include <optional>

#include "common/time.hpp"

namespace admit {

struct SlidingWindow {
  std::int64_t start_ms = 0;  // the current fixed window: [start_ms, start_ms + length_ms)
  std::int64_t length_ms = 1000;

  // The fixed window that holds `now` (windows of at least one second).
  static SlidingWindow at(Timestamp now, std::chrono::seconds length);

  std::int64_t previous_start_ms() const noexcept { return start_ms - length_ms; }
  std::int64_t end_ms() const noexcept { return start_ms + length_ms; }

  // `previous`: attempts counted in the previous fixed window, the last of them at
  // `previous_last_ms` (once that is `length` old, none of them counts any more);
  // `current`: in this one, including the attempt at `now` being judged. nullopt: within
  // `limit`; else the seconds (at least 1, at most the window's length) until one more
  // attempt would be within it, if none is made meanwhile (for Retry-After).
  std::optional<int> verdict(std::int64_t previous, std::int64_t previous_last_ms, std::int64_t current,
                             int limit, Timestamp now) const;
};

}  // namespace admit
