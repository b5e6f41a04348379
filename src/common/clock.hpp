#pragma once
// Clock: the one source of "now", so tests can move time (holds, windows, token expiry).
#include <atomic>

#include "common/time.hpp"

namespace admit {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp now() const = 0;
};

class SystemClock final : public Clock {
 public:
  Timestamp now() const override {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now());
  }
};

// A clock tests set and advance by hand. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Timestamp start) : ms_(to_millis(start)) {}
  Timestamp now() const override { return from_millis(ms_.load()); }
  void set(Timestamp t) { ms_.store(to_millis(t)); }
  void advance(std::chrono::milliseconds d) { ms_.fetch_add(d.count()); }

 private:
  std::atomic<std::int64_t> ms_;
};

}  // namespace admit
