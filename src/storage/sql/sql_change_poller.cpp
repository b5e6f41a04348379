#include "storage/sql/sql_change_poller.hpp"

#include <pthread.h>

#include "common/log.hpp"

namespace admit::sql {
namespace {

constexpr std::int64_t kMarginMs = 2000;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

void SqlChangePoller::start(std::function<void(const std::string&)> changed,
                            std::function<void()> resync) {
  (void)resync;  // nothing is ever missed: each look covers everything since the last one
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  changed_ = std::move(changed);
  stopping_ = false;
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "change-poll");
    run();
  });
}

void SqlChangePoller::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void SqlChangePoller::run() {
  std::int64_t last = now_ms();  // the caller has just loaded everything
  std::unique_lock lock(mu_);
  while (!cv_.wait_for(lock, interval_, [this] { return stopping_; })) {
    lock.unlock();
    const std::int64_t started = now_ms();
    try {
      Rows rows;
      {
        auto conn = db_.reader();
        rows = conn->query("SELECT id FROM events WHERE updated_at > ?", {last - kMarginMs});
      }
      for (const auto& row : rows) changed_(row.text(0));
      last = started;
    } catch (const std::exception& e) {
      log::warn("change poll failed", {{"error", e.what()}});
    }
    lock.lock();
  }
}

}  // namespace admit::sql
