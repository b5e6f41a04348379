#include "storage/sql/sql_change_poller.hpp"

#include <exception>

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
  if (loop_.running()) return;
  changed_ = std::move(changed);
  last_ = now_ms();  // the caller has just loaded everything
  loop_.start();
}

void SqlChangePoller::stop() { loop_.stop(); }

void SqlChangePoller::poll() {
  const std::int64_t started = now_ms();
  try {
    Rows rows;
    {
      auto conn = db_.reader();
      rows = conn->query("SELECT id FROM events WHERE updated_at > ?", {last_ - kMarginMs});
    }
    for (const auto& row : rows) changed_(row.text(0));
    last_ = started;
  } catch (const std::exception& e) {
    log::warn("change poll failed", {{"error", e.what()}});
  }
}

}  // namespace admit::sql
