#pragma once
// SqlChangePoller: the ChangeFeed of a single SQLite node, for changes made by another
// process on the same database file (`admit demo`, `admit_bench_setup`, a script): every
// `interval` it reads the ids of events whose `updated_at` moved since the last look
// (less a margin, so a clock step or a commit that took a while is not missed; a change
// may be reported twice, which costs one re-read). Changes made by this process reach the
// snapshots directly and need no feed. Bound: one interval plus one read.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "domain/ports/change_feed.hpp"
#include "storage/sql/database.hpp"

namespace admit::sql {

class SqlChangePoller final : public ChangeFeed {
 public:
  SqlChangePoller(Database& db, std::chrono::milliseconds interval) : db_(db), interval_(interval) {}
  ~SqlChangePoller() override { stop(); }

  void start(std::function<void(const std::string&)> changed, std::function<void()> resync) override;
  void stop() override;

 private:
  void run();

  Database& db_;
  const std::chrono::milliseconds interval_;
  std::function<void(const std::string&)> changed_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace admit::sql
