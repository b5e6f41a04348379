#pragma once
// SqlChangePoller: the ChangeFeed of a single SQLite node, for changes made by another
// process on the same database file (`admit demo`, `admit_bench_setup`, a script): every
// `interval` it reads the ids of events whose `updated_at` moved since the last look
// (less a margin, so a clock step or a commit that took a while is not missed; a change
// may be reported twice, which costs one re-read). Changes made by this process reach the
// snapshots directly and need no feed. Bound: one interval plus one read.
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "common/background_loop.hpp"
#include "domain/ports/change_feed.hpp"
#include "storage/sql/database.hpp"

namespace admit::sql {

class SqlChangePoller final : public ChangeFeed {
 public:
  SqlChangePoller(Database& db, std::chrono::milliseconds interval)
      : db_(db), loop_("change-poll", interval, BackgroundLoop::each([this] { poll(); }), false) {}
  ~SqlChangePoller() override { stop(); }

  void start(std::function<void(const std::string&)> changed, std::function<void()> resync) override;
  void stop() override;

 private:
  void poll();

  Database& db_;
  std::function<void(const std::string&)> changed_;  // set by start(), before the loop runs
  std::int64_t last_ = 0;                            // the loop's own: when the last look began
  BackgroundLoop loop_;
};

}  // namespace admit::sql
